// Tests --watch on the real binary: timestamped blocks when piped, jsonl time fields, a count that
// rises between samples, RATE and OLDEST of a leak growing at a known pace, prompt exit 0 on
// SIGINT/SIGTERM, and the redraw on a pseudo-terminal.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

#include "live/running.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
using Clock = std::chrono::steady_clock;

namespace {

const std::regex kStampLine(R"(# \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
const std::regex kStamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");

std::size_t count_of(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

// The largest "count" among jsonl rows of process `name`, and whether every row had a time.
struct JsonlSeen {
    std::int64_t max_count = -1, first_count = -1;
    bool all_timed = true;
};
JsonlSeen scan_jsonl(const std::string& text, const std::string& name) {
    JsonlSeen seen;
    for (const auto& line : lines_of(text)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) continue;  // a line still being written
        if (!j.contains("time") || !std::regex_match(j["time"].get<std::string>(), kStamp)) seen.all_timed = false;
        if (j.value("process", "") != name) continue;
        auto c = j["count"].get<std::int64_t>();
        if (seen.first_count < 0) seen.first_count = c;
        seen.max_count = std::max(seen.max_count, c);
    }
    return seen;
}

}  // namespace

TEST(Watch, PipedBlocksCarryUtcTimestamps) {
    LeakyServer leak(false, 2, "watch-blocks");
    auto start = Clock::now();
    auto r = run_tcpstat({"--watch", "0.2", "--iterations", "3", "-g", "state", "--sport", std::to_string(leak.port)});
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ls = lines_of(r.out);
    std::vector<std::size_t> stamps;
    for (std::size_t i = 0; i < ls.size(); ++i)
        if (std::regex_match(ls[i], kStampLine)) stamps.push_back(i);
    ASSERT_EQ(stamps.size(), 3u) << r.out;
    EXPECT_EQ(stamps[0], 0u) << r.out;
    for (std::size_t s : stamps) {
        ASSERT_LT(s + 3, ls.size() + 1) << r.out;
        EXPECT_EQ(ls[s + 1].rfind("STATE", 0), 0u) << r.out;
    }
    EXPECT_EQ(count_of(r.out, "CLOSE_WAIT"), 3u) << r.out;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "no terminal control when piped";
    // A lower bound only: sleeps cannot be shorter, but a loaded machine may make the run longer.
    EXPECT_GE(took, 380) << "two sleeps of 0.2 s between three samples";

    // No match in the last sample: exit 1, as for a single run.
    auto none = run_tcpstat({"--watch", "0.1", "--iterations", "2", "-g", "state", "--sport", "1"});
    EXPECT_EQ(none.exit_code, 1) << none.err;
    EXPECT_EQ(count_of(none.out, "# "), 2u) << none.out;
}

TEST(Watch, JsonlCountRisesBetweenSamplesThenSigintExitsZero) {
    const std::string name = "watch-grow";
    LeakyServer first(false, 2, name);
    Running w({"--watch", "0.2", "--iterations", "200", "-s", "close_wait", "-c", name, "-g", "process", "-f",
               "jsonl"},
              false);
    ASSERT_TRUE(w.read_until([&](const std::string& o) { return scan_jsonl(o, name).max_count == 2; }, 15000))
        << w.out();
    LeakyServer second(false, 3, name);  // more leaks by the same process name, while watched
    ASSERT_TRUE(w.read_until([&](const std::string& o) { return scan_jsonl(o, name).max_count == 5; }, 15000))
        << w.out();
    JsonlSeen seen = scan_jsonl(w.out(), name);
    EXPECT_EQ(seen.first_count, 2);
    EXPECT_TRUE(seen.all_timed) << w.out();
    EXPECT_EQ(w.out().find("# "), std::string::npos) << "jsonl stays one JSON object per line";
    w.signal(SIGINT);
    EXPECT_EQ(w.wait_exit(3000), 0) << w.out();
}

TEST(Watch, SignalsEndAnUnboundedWatchPromptlyWithZero) {
    for (int sig : {SIGINT, SIGTERM}) {
        EstablishedPair pair(false, "watch-sig");
        // A long interval: only a sleep that wakes on the signal ends this in time.
        Running w({"--watch", "60", "-g", "state", "--port", std::to_string(pair.port)}, false);
        ASSERT_TRUE(w.read_until([](const std::string& o) { return o.find("ESTABLISHED") != std::string::npos; }, 15000))
            << w.out();
        w.signal(sig);
        // Promptly: well inside the 60 s sleep, without timing the exit against a loaded machine.
        EXPECT_EQ(w.wait_exit(20000), 0) << "signal " << sig << "\n" << w.out();
    }
}

TEST(Watch, TerminalRedrawWithChangeColumnRestoresTheCursor) {
    LeakyServer leak(false, 4, "watch-tty");
    const std::string port = std::to_string(leak.port);
    Running w({"--watch", "0.2", "--iterations", "2", "-g", "state", "--sport", port, "--color", "never"}, true);
    EXPECT_EQ(w.wait_exit(15000), 0) << w.out();
    const std::string& o = w.out();
    EXPECT_EQ(o.rfind("\x1b[?25l", 0), 0u) << "cursor hidden first";
    EXPECT_EQ(count_of(o, "\x1b[H\x1b[2J"), 2u) << o;
    EXPECT_NE(o.find("every 0.2s"), std::string::npos) << o;
    EXPECT_NE(o.find("sample 2/2"), std::string::npos) << o;
    EXPECT_NE(o.find("CHANGE"), std::string::npos) << o;
    EXPECT_TRUE(std::regex_search(o, std::regex(R"(CLOSE_WAIT +4 +0)"))) << o;  // second frame: unchanged
    EXPECT_GE(o.size(), 6u);
    EXPECT_NE(o.rfind("\x1b[?25h"), std::string::npos) << "cursor shown again";
    EXPECT_GT(o.rfind("\x1b[?25h"), o.rfind("\x1b[H\x1b[2J"));

    // Ctrl-C on the terminal: exit 0 and the cursor comes back.
    Running u({"--watch", "60", "-g", "state", "--sport", port}, true);
    ASSERT_TRUE(u.read_until([](const std::string& out) { return out.find("CLOSE_WAIT") != std::string::npos; }, 15000))
        << u.out();
    u.signal(SIGINT);
    EXPECT_EQ(u.wait_exit(3000), 0) << u.out();
    EXPECT_NE(u.out().find("\x1b[?25h"), std::string::npos) << u.out();
}

// Ctrl-\ (SIGQUIT), the terminal closing (SIGHUP) and kill (SIGTERM) must not leave the user's
// terminal without a cursor either.
TEST(Watch, EveryCatchableStopRestoresTheCursor) {
    for (int sig : {SIGQUIT, SIGHUP, SIGTERM}) {
        Running u({"--watch", "60", "-g", "state"}, true);
        ASSERT_TRUE(u.read_until([](const std::string& out) { return out.find("STATE") != std::string::npos; }, 15000))
            << u.out();
        u.signal(sig);
        EXPECT_EQ(u.wait_exit(3000), 0) << strsignal(sig) << ": " << u.out();
        const std::string& o = u.out();
        EXPECT_NE(o.rfind("\x1b[?25h"), std::string::npos) << strsignal(sig) << ": cursor left hidden";
        EXPECT_GT(o.rfind("\x1b[?25h"), o.rfind("\x1b[?25l")) << strsignal(sig);
    }
}

TEST(Watch, BadValuesExitTwoNamingTheAcceptedForm) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--watch", "abc"}, {"--watch", "0"}, {"--watch", "-1"}, {"--watch", "1e3"},
          {"--watch", "nan"}, {"--watch", "0.5", "--iterations", "0"}, {"--watch", "1", "--iterations", "x"},
          {"--iterations", "3"}, {"--watch", "1", "-f", "json"}}) {
        auto r = run_tcpstat(args, {}, 10);
        std::string shown;
        for (const auto& a : args) shown += a + " ";
        EXPECT_EQ(r.exit_code, 2) << shown << r.err;
        EXPECT_EQ(lines_of(r.err).size(), 1u) << shown << r.err;
        EXPECT_EQ(r.out, "") << shown;
        EXPECT_TRUE(r.err.find("expected") != std::string::npos || r.err.find("--watch") != std::string::npos)
            << shown << r.err;
    }
    auto c = run_tcpstat({"check", "--watch", "1", "--warn", "1"}, {}, 10);
    EXPECT_EQ(c.exit_code, 3) << c.out;  // check's usage errors are UNKNOWN
}

// The issue's example: `-s close_wait -g process --watch` shows a leak growing. The child leaks 3
// CLOSE_WAIT every 0.5 s (+360/min); RATE must say so within the pace's jitter, OLDEST must follow
// the first socket's age, and the human table writes them as words.
TEST(Watch, RateAndOldestFollowALeakGrowingAtAKnownPace) {
    const std::string name = "watch-rate";
    const auto start = Clock::now();
    GrowingLeak leak(3, 500, 40, name);
    Running w({"--watch", "0.5", "-s", "close_wait", "-c", name, "-g", "process", "-f", "jsonl"}, false);
    nlohmann::json last;
    auto rows = [&](const std::string& o) {
        std::vector<nlohmann::json> got;
        for (const auto& line : lines_of(o)) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.value("process", "") == name) got.push_back(j);
        }
        return got;
    };
    // 12 samples: 5.5 s of growth seen, the rate measured over all of it (window 60 s).
    ASSERT_TRUE(w.read_until([&](const std::string& o) { return rows(o).size() >= 12; }, 30000)) << w.out();
    const auto got = rows(w.out());
    const double seen_s = std::chrono::duration<double>(Clock::now() - start).count();
    ASSERT_TRUE(got[0].contains("rate") && got[0].contains("oldest")) << got[0].dump();
    EXPECT_TRUE(got[0]["rate"].is_null()) << "one sample has no rate: " << got[0].dump();
    const auto& row = got[11];
    ASSERT_TRUE(row["rate"].is_number_integer()) << row.dump();
    EXPECT_GE(row["rate"].get<int>(), 360 * 3 / 4) << w.out();
    EXPECT_LE(row["rate"].get<int>(), 360 * 5 / 4) << w.out();
    EXPECT_GT(row["count"].get<int>(), got[0]["count"].get<int>());
    EXPECT_GE(row["oldest"].get<int>(), 5) << "11 intervals of 0.5 s since the first sample: " << row.dump();
    EXPECT_LE(row["oldest"].get<double>(), seen_s + 1) << row.dump();
    w.signal(SIGINT);
    EXPECT_EQ(w.wait_exit(3000), 0);

    auto table = run_tcpstat({"--watch", "1", "--iterations", "2", "-s", "close_wait", "-c", name, "-g", "process"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("OLDEST"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("RATE"), std::string::npos) << table.out;
    EXPECT_TRUE(std::regex_search(table.out, std::regex(R"(\+\d+/min)"))) << table.out;
    EXPECT_TRUE(std::regex_search(table.out, std::regex(R"( \ds )"))) << "the age in words: " << table.out;
}
