// Tests `tcpstat doctor --for`: a leak growing at a known pace in a child is reported with its
// growth per minute and its oldest socket, in JSON and text, by netlink (cookies) and /proc
// (inodes); the duration is honoured; bad durations are refused.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "live/doctor_json.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
using Clock = std::chrono::steady_clock;

TEST(DoctorGrowthLive, ForReportsTheLeaksPaceAndOldestSocket) {
    for (const char* source : {"netlink", "proc"}) {
        // 2 CLOSE_WAIT every 0.25 s = +480/min, the first 2 there before doctor starts.
        GrowingLeak leak(2, 250, 60, "leak-grow");
        const auto t0 = Clock::now();
        auto r = run_tcpstat({"doctor", "--for", "3s", "--source", source, "--close-wait", "2", "--sport",
                              std::to_string(leak.port), "-f", "json"});
        const double took = std::chrono::duration<double>(Clock::now() - t0).count();
        ASSERT_EQ(r.exit_code, 1) << source << r.err << r.out;
        EXPECT_GE(took, 3.0) << source;
        EXPECT_LT(took, 10.0) << source;
        const auto fs = findings_of(r);
        const nlohmann::json* f = first_of_kind(fs, "close_wait_leak");
        ASSERT_NE(f, nullptr) << r.out;
        EXPECT_EQ((*f)["pid"], leak.child->pid()) << "the child holding the leak";
        const auto& g = (*f)["growth"];
        ASSERT_TRUE(g.is_object()) << source << *f;
        EXPECT_EQ(g["watched_s"], 3) << g;
        EXPECT_GE(g["per_minute"].get<int>(), 480 * 3 / 4) << source << g;
        EXPECT_LE(g["per_minute"].get<int>(), 480 * 5 / 4) << source << g;
        EXPECT_TRUE(g["oldest_before_watch"].get<bool>()) << g;
        EXPECT_EQ(g["oldest_s"], 3) << g;
        EXPECT_LT(g["new_sockets"].get<int>(), (*f)["count"].get<int>()) << "the first sockets predate the watch";
        EXPECT_NE((*f)["message"].get<std::string>().find("/min, oldest over 3s"), std::string::npos) << *f;
    }
}

TEST(DoctorGrowthLive, TextNamesTheGrowthAndBadDurationsExitTwo) {
    GrowingLeak leak(2, 250, 40, "leak-text");
    auto r = run_tcpstat({"doctor", "--for", "2", "--close-wait", "2", "--sport", std::to_string(leak.port)});
    ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
    EXPECT_NE(r.out.find("; growing +"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("watched for 2s: "), std::string::npos) << r.out;

    for (const char* bad : {"0", "2x", "25h", "-3", ""}) {
        auto e = run_tcpstat({"doctor", "--for", bad}, {}, 10);
        EXPECT_EQ(e.exit_code, 2) << bad << e.err;
        EXPECT_EQ(lines_of(e.err).size(), 1u) << e.err;
        EXPECT_NE(e.err.find("--for"), std::string::npos) << e.err;
        EXPECT_NE(e.err.find("30s"), std::string::npos) << "names an accepted form: " << e.err;
    }
}
