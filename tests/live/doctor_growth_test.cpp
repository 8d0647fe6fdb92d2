// Tests `tcpstat doctor --for`: a leak growing at a known pace in a child is reported with its
// growth per minute and its oldest socket, in JSON and text, by netlink (cookies) and /proc
// (inodes); the duration is honoured; Ctrl-C ends the watch early with a report on the time
// watched; bad durations are refused.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "live/doctor_json.hpp"
#include "live/running.hpp"
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

// Stopping a long watch is how it usually ends: the report must still come, about what was seen.
TEST(DoctorGrowthLive, CtrlCEndsTheWatchWithAReportOnTheTimeWatched) {
    GrowingLeak leak(2, 250, 60, "leak-stop");
    const std::string err_path = "/tmp/tcpstat-doctor-stop-" + std::to_string(::getpid()) + ".err";
    Running doc({"doctor", "--for", "60s", "--close-wait", "2", "--sport", std::to_string(leak.port), "-f", "json"},
                false, err_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));  // samples are 6 s apart: only the first taken
    const auto t0 = Clock::now();
    doc.signal(SIGINT);
    const int code = doc.wait_exit(10000);
    const double took = std::chrono::duration<double>(Clock::now() - t0).count();
    std::ifstream ef(err_path);
    std::stringstream err;
    err << ef.rdbuf();
    ::unlink(err_path.c_str());
    ASSERT_EQ(code, 1) << "a report with findings, not a signal death: " << err.str() << doc.out();
    EXPECT_LT(took, 5.0) << "stops at once, without waiting for the next sample";
    RunResult r;
    r.exit_code = code;
    r.out = doc.out();
    const auto fs = findings_of(r);
    const nlohmann::json* f = first_of_kind(fs, "close_wait_leak");
    ASSERT_NE(f, nullptr) << r.out;
    const auto& g = (*f)["growth"];
    ASSERT_TRUE(g.is_object()) << *f;
    EXPECT_GE(g["watched_s"].get<int>(), 3) << g;
    EXPECT_LT(g["watched_s"].get<int>(), 10) << g;
    EXPECT_GT(g["per_minute"].get<int>(), 0) << "the leak grew while watched: " << g;
    EXPECT_NE(err.str().find("stopped after "), std::string::npos) << err.str();
    EXPECT_NE(err.str().find(" of the 1m00s asked for"), std::string::npos) << err.str();
}
