// Tests `tcpstat doctor` against incidents reproduced on loopback (a CLOSE_WAIT leak, a TIME_WAIT
// burst, a full accept queue, orphaned FIN_WAIT2 clients), a healthy baseline, a recorded /proc
// tree, hostile process names and bad thresholds.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/private_net.hpp"
#include "live/doctor_json.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
using nlohmann::json;

TEST(DoctorLive, CloseWaitLeakIsNamedFirstWithPidNamePortAndExactCount) {
    for (bool v6 : {false, true}) {
        LeakyServer srv(v6, 15, "leaky-doc");
        const std::string port = std::to_string(srv.port);
        auto r = run_tcpstat({"doctor", "--port", port, "-f", "json"});
        ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
        json fs = findings_of(r);
        ASSERT_FALSE(fs.empty()) << r.out;
        const json& f = fs[0];
        EXPECT_EQ(f["kind"], "close_wait_leak") << r.out;
        EXPECT_EQ(f["severity"], "warning");
        EXPECT_EQ(f["pid"], srv.child->pid());
        EXPECT_EQ(f["process"], "leaky-doc");
        EXPECT_EQ(f["port"], srv.port);
        EXPECT_EQ(f["count"], 15);
        // The default source is netlink here, which reports idle time.
        EXPECT_NE(f["message"].get<std::string>().find("idle up to"), std::string::npos) << f;

        auto t = run_tcpstat({"doctor", "--port", port});
        ASSERT_EQ(t.exit_code, 1) << t.err;
        auto first = lines_of(t.out).at(0);
        EXPECT_EQ(first.rfind("WARNING close_wait_leak: pid " + std::to_string(srv.child->pid()) +
                                  " (leaky-doc) holds 15 CLOSE_WAIT sockets on :" + port,
                              0),
                  0u)
            << t.out;
    }
}

TEST(DoctorLive, CloseWaitThresholdFlagHidesASmallLeak) {
    LeakyServer srv(false, 15, "leaky-doc");
    auto r = run_tcpstat({"doctor", "--port", std::to_string(srv.port), "--close-wait", "16", "-f", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(findings_of(r).empty()) << r.out;
}

TEST(DoctorLive, OrphanedFinWait2ClientsPointAtTheLeakyPeer) {
    LeakyServer srv(false, 15, "leaky-doc");
    auto r = run_tcpstat({"doctor", "--port", std::to_string(srv.port), "--fin-wait2", "10", "-f", "json"});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    const json fs = findings_of(r);
    const json* f = first_of_kind(fs, "fin_wait2_pile_up");
    ASSERT_NE(f, nullptr) << r.out;
    EXPECT_EQ((*f)["count"], 15);
    EXPECT_EQ((*f)["peer"], "127.0.0.1:" + std::to_string(srv.port));
    EXPECT_TRUE((*f)["pid"].is_null()) << "orphans have no process";
    std::string evidence = (*f)["evidence"].dump();
    EXPECT_NE(evidence.find("15 orphaned"), std::string::npos) << evidence;
    EXPECT_NE(evidence.find("tcp_fin_timeout"), std::string::npos) << evidence;
    EXPECT_NE(evidence.find("pid " + std::to_string(srv.child->pid()) + " (leaky-doc)"), std::string::npos)
        << evidence;
}

TEST(DoctorLive, TimeWaitBurstToOnePeerIsMeasuredAgainstTheEphemeralRange) {
    // 200 short connections, client closing first: 200 TIME_WAIT toward one listener. They are
    // made in a network namespace of their own where possible (root), so their ports (held for
    // 60 s) never turn up in other tests' --port filters.
    constexpr int kConnections = 200;
    Child burst(
        [] {
            const std::string where = enter_new_network_namespace() ? "own" : "shared";
            int l = listen_tcp(false, 256);
            std::vector<int> clients, servers;
            for (int i = 0; i < kConnections; ++i) {
                clients.push_back(connect_tcp(false, local_port(l)));
                servers.push_back(accept_one(l));
            }
            for (int c : clients) close(c);
            usleep(100 * 1000);  // the FINs arrive: servers CLOSE_WAIT, clients FIN_WAIT2
            for (int s : servers) close(s);
            std::ifstream range_file("/proc/sys/net/ipv4/ip_local_port_range");
            unsigned lo = 0, hi = 0;
            range_file >> lo >> hi;
            return std::to_string(local_port(l)) + " " + std::to_string(lo) + " " + std::to_string(hi) + " " + where;
        },
        "tw-burst");
    auto parts = split(burst.ready_line(), ' ');
    ASSERT_EQ(parts.size(), 4u) << burst.ready_line();
    const auto port = static_cast<std::uint16_t>(std::stoi(parts[0]));
    const unsigned lo = std::stoul(parts[1]), hi = std::stoul(parts[2]);
    ASSERT_GT(hi, lo);
    const std::string ns = "/proc/" + std::to_string(burst.pid()) + "/ns/net";
    auto enter = [&] {
        if (parts[3] != "own") return;
        int fd = open(ns.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(95);
    };
    const double pct = 100.0 * kConnections / (hi - lo + 1);
    // Half the real share: meaningful with 200 sockets instead of tens of thousands.
    const std::string threshold = std::to_string(pct / 2);

    DoctorRun d;
    ASSERT_TRUE(doctor_until(
        d, {"doctor", "--port", std::to_string(port), "--time-wait-percent", threshold}, "time_wait_pressure",
        [&](const json& g) { return g["count"] == kConnections; }, enter))
        << d.r.err << d.r.out;
    const json* f = d.finding;
    EXPECT_EQ((*f)["port"], port);
    EXPECT_EQ((*f)["peer"], "127.0.0.1:" + std::to_string(port));
    EXPECT_TRUE((*f)["pid"].is_null());
    EXPECT_NE((*f)["message"].get<std::string>().find(std::to_string(hi - lo + 1) + " ephemeral ports"),
              std::string::npos)
        << *f;
    // A threshold above the real share: nothing to report.
    auto quiet = run_tcpstat({"doctor", "--port", std::to_string(port), "--time-wait-percent",
                              std::to_string(pct * 2), "-f", "json"},
                             {}, 60, enter);
    EXPECT_EQ(quiet.exit_code, 0) << quiet.out;
}

TEST(DoctorLive, FullAcceptQueueNamesPortAndPid) {
    Child child(
        [] {
            int l = listen_tcp(false, 1);  // never accepts
            for (int i = 0; i < 4; ++i) connect_nonblocking(local_port(l));
            usleep(200 * 1000);
            return std::to_string(local_port(l));
        },
        "backlogged");
    const std::string port = child.ready_line();
    DoctorRun d;
    ASSERT_TRUE(doctor_until(d, {"doctor", "--port", port}, "accept_queue_full")) << d.r.err << d.r.out;
    const json& fs = d.findings;
    const json* f = d.finding;
    EXPECT_EQ(fs[0]["kind"], "accept_queue_full") << "critical findings come first";
    EXPECT_EQ((*f)["severity"], "critical");
    EXPECT_EQ((*f)["port"], std::stoi(port));
    EXPECT_EQ((*f)["pid"], child.pid());
    EXPECT_EQ((*f)["process"], "backlogged");
    EXPECT_GE((*f)["count"], 1);
    EXPECT_NE((*f)["message"].get<std::string>().find("backlog 1"), std::string::npos) << *f;
}

TEST(DoctorLive, HealthyPortExitsZero) {
    EstablishedPair pair(false);
    auto r = run_tcpstat({"doctor", "--port", std::to_string(pair.port)});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    // Another test's socket may share the port number (SO_REUSEADDR, TIME_WAIT): at least 3.
    EXPECT_EQ(r.out.rfind("tcpstat doctor: no problems found among ", 0), 0u) << r.out;
    auto j = run_tcpstat({"doctor", "--port", std::to_string(pair.port), "-f", "json"});
    EXPECT_EQ(j.exit_code, 0) << j.err;
    json doc = json::parse(j.out);
    EXPECT_TRUE(doc["findings"].empty());
    EXPECT_GE(doc["sockets"], 3);
    auto l = run_tcpstat({"doctor", "--port", std::to_string(pair.port), "-f", "jsonl"});
    EXPECT_EQ(l.exit_code, 0);
    EXPECT_EQ(l.out, "");
}

TEST(DoctorLive, RecordedTreeGivesKernelFactsAndSockets) {
    const std::string root = std::string(TCPSTAT_FIXTURES_DIR) + "/proc-kernel/full";
    auto r = run_tcpstat({"doctor", "--proc-root", root, "--time-wait-percent", "1", "-f", "json"});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    json fs = findings_of(r);
    ASSERT_EQ(fs.size(), 3u) << r.out;
    EXPECT_EQ(fs[0]["kind"], "close_wait_leak");
    EXPECT_EQ(fs[0]["count"], 12);
    EXPECT_EQ(fs[0]["port"], 6800);
    EXPECT_TRUE(fs[0]["pid"].is_null());
    EXPECT_EQ(fs[1]["kind"], "time_wait_pressure");
    EXPECT_EQ(fs[1]["count"], 300);
    EXPECT_EQ(fs[1]["peer"], "10.0.0.7:5432");
    EXPECT_EQ(fs[2]["kind"], "listen_counters");
    EXPECT_EQ(fs[2]["severity"], "info");
    EXPECT_NE(fs[2]["message"].get<std::string>().find("1234"), std::string::npos);
    // A filtered run leaves out the host-wide counters and whatever the filter excludes.
    auto narrowed = run_tcpstat({"doctor", "--proc-root", root, "--port", "6800", "-f", "json"});
    ASSERT_EQ(narrowed.exit_code, 1) << narrowed.err;
    json nf = findings_of(narrowed);
    ASSERT_EQ(nf.size(), 1u) << narrowed.out;
    EXPECT_EQ(nf[0]["kind"], "close_wait_leak");
    // Notes alone (cumulative counters) leave the host healthy.
    auto notes = run_tcpstat({"doctor", "--proc-root", root, "--close-wait", "100", "-f", "json"});
    EXPECT_EQ(notes.exit_code, 0) << notes.out;
    ASSERT_EQ(findings_of(notes).size(), 1u) << notes.out;
    EXPECT_EQ(findings_of(notes)[0]["kind"], "listen_counters");
    auto text = run_tcpstat({"doctor", "--proc-root", root, "--close-wait", "100"});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_NE(text.out.find("no problems found, 1 note among 313 TCP sockets"), std::string::npos) << text.out;
}

TEST(DoctorLive, HostileProcessNameIsEscaped) {
    const std::string evil = "ev\x1b[31m\nil";
    LeakyServer srv(false, 10, evil);
    auto t = run_tcpstat({"doctor", "--port", std::to_string(srv.port)});
    ASSERT_EQ(t.exit_code, 1) << t.err;
    EXPECT_EQ(t.out.find('\x1b'), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("(ev\\x1b[31m\\nil) holds 10 CLOSE_WAIT"), std::string::npos) << t.out;
    auto j = run_tcpstat({"doctor", "--port", std::to_string(srv.port), "-f", "json"});
    json fs = findings_of(j);
    ASSERT_FALSE(fs.empty());
    EXPECT_EQ(fs[0]["process"], evil);
}

TEST(DoctorLive, BadThresholdsAndFormatsExitTwoWithOneLine) {
    const std::vector<std::vector<std::string>> bad = {
        {"doctor", "--close-wait", "ten"},        {"doctor", "--close-wait", "0"},
        {"doctor", "--time-wait-percent", "101"}, {"doctor", "--orphan-percent", "-5"},
        {"doctor", "--syn-recv", "1.5"},          {"doctor", "--fin-wait2", ""},
        {"doctor", "-f", "csv"},                  {"doctor", "-u"},
        {"doctor", "-g", "pid"},                  {"doctor", "--close-wait"},
    };
    for (const auto& args : bad) {
        auto r = run_tcpstat(args);
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        EXPECT_EQ(r.exit_code, 2) << joined << r.out;
        EXPECT_EQ(lines_of(r.err).size(), 1u) << joined << r.err;
        EXPECT_EQ(r.out, "") << joined;
    }
}

TEST(DoctorLive, WatchIsRefusedWithAMessageAboutDoctor) {
    auto r = run_tcpstat({"doctor", "--watch", "2"}, {}, 10);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("not doctor"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("doctor --for DURATION"), std::string::npos) << "names the way to watch doctor: " << r.err;
    EXPECT_EQ(r.err.find("check"), std::string::npos) << "the message is about doctor, not check: " << r.err;
    EXPECT_EQ(r.out, "");
}
