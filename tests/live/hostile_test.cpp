// Tests that a process naming itself with ESC, newline, tab and non-UTF-8 bytes cannot break a
// line or reach the terminal in any format, and that JSON stays valid and round-trips the name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/text_oracle.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

const std::string kEvilName = "ev\x1b[31m\nil\t\xff";  // 11 bytes: fits comm's 15

bool has_raw_control(const std::string& s, bool allow_cr) {
    for (unsigned char c : s) {
        if (c == '\n' || c == '\t') continue;
        if (c == '\r' && allow_cr) continue;
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

}  // namespace
// -4: the pair is IPv4; a parallel test's IPv6 TIME_WAIT may reuse the same port number.

TEST(Hostile, EscapedInEveryTextFormat) {
    EstablishedPair pair(false, kEvilName);
    std::string port = std::to_string(pair.port);
    for (std::string fmt : {"table", "tsv", "csv"}) {
        auto r = run_tcpstat({"-4", "--port", port, "-f", fmt, "--color", "always"});
        ASSERT_EQ(r.exit_code, 0) << fmt << r.err;
        // Header + LISTEN + two ESTABLISHED ends: one line each, whatever the name holds.
        EXPECT_EQ(lines_of(r.out).size(), 4u) << fmt << "\n" << r.out;
        std::string without_colour = r.out;
        // The table may colour states with SGR; no ESC may come from the name itself.
        EXPECT_EQ(r.out.find("\x1b[31m\n"), std::string::npos) << fmt;
        EXPECT_NE(r.out.find("ev\\x1b[31m\\nil\\t\\xff"), std::string::npos) << fmt << "\n" << r.out;
        if (fmt != "table") {
            EXPECT_FALSE(has_raw_control(r.out, fmt == "csv")) << fmt;
        }
    }
}

TEST(Hostile, JsonIsValidAndRoundTripsTheName) {
    EstablishedPair pair(false, kEvilName);
    std::string port = std::to_string(pair.port);
    auto r = run_tcpstat({"-4", "--port", port, "-f", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = nlohmann::json::parse(r.out);  // throws (fails the test) on invalid JSON
    ASSERT_EQ(doc["sockets"].size(), 3u);
    for (const auto& s : doc["sockets"]) {
        EXPECT_EQ(s["pid"].get<int>(), pair.child->pid());
        // Control bytes decode back to themselves; the invalid UTF-8 byte arrives as text "\xff".
        EXPECT_EQ(s["process"].get<std::string>(), "ev\x1b[31m\nil\t\\xff");
        EXPECT_EQ(s["owners"][0]["process"], s["process"]);
    }
    auto l = run_tcpstat({"-4", "--port", port, "-f", "jsonl"});
    ASSERT_EQ(l.exit_code, 0) << l.err;
    auto ls = lines_of(l.out);
    ASSERT_EQ(ls.size(), 3u) << l.out;
    for (const auto& line : ls) EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

// The plugin line once replaced only C0 controls: U+009B (the C1 CSI, "ESC [" on some
// terminals and log viewers) and the invalid byte 0xFF reached the monitoring system raw.
TEST(Hostile, CheckLineIsEscapedValidUtf8) {
    const std::string csi_name = "\xc2\x9b" "2J\xff";
    LeakyServer srv(false, 3, csi_name);
    const std::string port = std::to_string(srv.port);
    for (const char* per : {"process", "pid"}) {
        auto r = run_tcpstat({"check", "-s", "close_wait", "--sport", port, "--per", per, "--crit", "1"});
        SCOPED_TRACE(per);
        EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
        ASSERT_EQ(lines_of(r.out).size(), 1u) << r.out;
        EXPECT_TRUE(valid_utf8(r.out)) << r.out;
        EXPECT_EQ(r.out.find("\xc2\x9b"), std::string::npos);
        EXPECT_EQ(r.out.find('\xff'), std::string::npos);
        EXPECT_FALSE(has_raw_control(r.out.substr(0, r.out.size() - 1), false)) << r.out;
        // Spelled as the table spells it, in the summary and in the perfdata label.
        const auto first = r.out.find("\\xc2\\x9b2J\\xff");
        ASSERT_NE(first, std::string::npos) << r.out;
        EXPECT_LT(first, r.out.find('|'));
        EXPECT_NE(r.out.find("\\xc2\\x9b2J\\xff", r.out.find('|')), std::string::npos) << r.out;
    }
    auto table = run_tcpstat({"-s", "close_wait", "--sport", port, "-H", "--fields", "process"});
    EXPECT_EQ(lines_of(table.out).at(0), "\\xc2\\x9b2J\\xff") << table.out;
}
