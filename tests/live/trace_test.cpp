// Guards `tcpstat trace`: real transitions from a forked child in this test's network namespace, its pid and name, TIME_WAIT, durations, the summary;
// a refused connect, a simultaneous close (CLOSING), a CLOSE_WAIT leak accepted by a forked child.
#include <linux/filter.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live/support.hpp"

namespace tcpstat::testing {
namespace {

using nlohmann::json;

// Sockets on local or remote port `port` in `state` (ss's spelling), from `ss -tan`: independent of tcpstat.
int count_state(std::uint16_t port, const std::string& state) {
    int n = 0;
    FILE* p = ::popen("ss -tanH", "r");
    if (p == nullptr) return 0;
    char line[512];
    const std::string needle = ":" + std::to_string(port) + " ";
    while (std::fgets(line, sizeof line, p)) {
        std::string l = line;
        while (!l.empty() && (l.back() == '\n' || l.back() == ' ')) l.pop_back();
        l += ' ';
        if (l.rfind(state, 0) == 0 && l.find(needle) != std::string::npos) ++n;
    }
    ::pclose(p);
    return n;
}

// The child names itself, opens a connection to `port`, holds it ESTABLISHED ~300 ms, then
// closes it first: ESTABLISHED -> FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT on its side.
pid_t child_client(std::uint16_t port) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_NAME, "trace_client");
        const int fd = connect_tcp(false, port);
        ::usleep(300 * 1000);
        ::close(fd);
        ::usleep(200 * 1000);
        ::_exit(0);
    }
    return pid;
}

TEST(Trace, ActiveCloseFromChildWithItsPidDurationsTimeWaitAndSummary) {
    if (::geteuid() != 0) GTEST_SKIP() << "trace needs root";
    const int listener = listen_tcp(false);
    const std::uint16_t port = local_port(listener);
    RunResult r;
    std::thread tracer([&] {
        r = run_tcpstat({"trace", "-f", "jsonl", "--duration", "3", "--port", std::to_string(port)}, {}, 20);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // load and attach
    const pid_t child = child_client(port);
    const int server = accept_one(listener);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(server);
    tracer.join();
    ::close(listener);
    if (r.exit_code == 2 && r.err.find("not in this build") != std::string::npos) GTEST_SKIP() << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;

    std::vector<json> client;  // transitions of the child's socket, in order
    json summary;
    for (const std::string& line : lines_of(r.out)) {
        json j = json::parse(line);
        if (j.contains("summary")) {
            summary = j["summary"];
            continue;
        }
        if (j["remote"] == "127.0.0.1:" + std::to_string(port) || j["to"] == "SYN_SENT") client.push_back(j);
    }
    std::vector<std::string> seq;
    for (const json& j : client) seq.push_back(j["from"].get<std::string>() + ">" + j["to"].get<std::string>());
    const std::vector<std::string> expected = {"CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1",
                                               "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>TIME_WAIT"};
    ASSERT_EQ(seq, expected) << r.out;
    for (const json& j : client) {
        EXPECT_EQ(j["pid"], child) << j.dump();  // the child, never the on-CPU task (swapper, ksoftirqd)
        EXPECT_EQ(j["process"], "trace_client") << j.dump();
    }
    // ESTABLISHED lasted the child's 300 ms sleep.
    const auto established_us = client[2]["in_old_us"].get<std::int64_t>();
    EXPECT_GE(established_us, 250000);
    EXPECT_LT(established_us, 2000000);
    EXPECT_EQ(client[2]["close"], "active");
    EXPECT_EQ(client[4]["close"], "active");

    ASSERT_TRUE(summary.is_object()) << r.out;
    EXPECT_EQ(summary["lost"], 0);
    bool counted_child = false;
    for (const json& p : summary["processes"])
        if (p["pid"] == child) counted_child = p["count"].get<int>() >= 5;
    EXPECT_TRUE(counted_child) << summary.dump();
    bool pair = false;
    for (const json& p : summary["pairs"]) pair = pair || (p["from"] == "FIN_WAIT2" && p["to"] == "TIME_WAIT");
    EXPECT_TRUE(pair) << summary.dump();
}

TEST(Trace, PassiveCloseIsCloseWaitAndTheCloserOwnsLastAck) {
    if (::geteuid() != 0) GTEST_SKIP() << "trace needs root";
    const int listener = listen_tcp(false);
    const std::uint16_t port = local_port(listener);
    RunResult r;
    std::thread tracer([&] {
        r = run_tcpstat({"trace", "-f", "jsonl", "--duration", "2.5", "-s", "close_wait"}, {}, 20);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    const int client = connect_tcp(false, port);
    const int server = accept_one(listener);
    ::close(client);  // the peer closes first: the server's socket goes CLOSE_WAIT
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::close(server);
    tracer.join();
    ::close(listener);
    if (r.exit_code == 2 && r.err.find("not in this build") != std::string::npos) GTEST_SKIP() << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> seq;
    for (const std::string& line : lines_of(r.out)) {
        json j = json::parse(line);
        if (j.contains("summary")) continue;
        seq.push_back(j["from"].get<std::string>() + ">" + j["to"].get<std::string>());
        EXPECT_EQ(j["close"], "passive");
        if (j["to"] == "LAST_ACK") {
            EXPECT_EQ(j["pid"], ::getpid());
            EXPECT_GE(j["in_old_us"].get<std::int64_t>(), 150000);
        }
    }
    EXPECT_EQ(seq, (std::vector<std::string>{"ESTABLISHED>CLOSE_WAIT", "CLOSE_WAIT>LAST_ACK"})) << r.out;
}

// The "done when": `trace -s close_wait` shows a seeded leak's transitions with the right
// pid. The parent listens; a forked child accepts and never closes (the leak), so the CLOSE_WAIT
// socket belongs to the child, not to the listener's owner and not to the on-CPU task.
TEST(Trace, CloseWaitLeakInAForkedChildIsTheChilds) {
    if (::geteuid() != 0) GTEST_SKIP() << "trace needs root";
    const int listener = listen_tcp(false);
    const std::uint16_t port = local_port(listener);
    RunResult r;
    std::thread tracer([&] {
        r = run_tcpstat({"trace", "-f", "jsonl", "--duration", "3", "-s", "close_wait", "--sport",
                         std::to_string(port)}, {}, 20);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        ::prctl(PR_SET_NAME, "trace_leaker");
        for (int i = 0; i < 3; ++i) accept_one(listener);  // held: never closed
        (void)!::write(ready[1], "x", 1);
        ::sleep(10);
        ::_exit(0);
    }
    std::vector<int> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(connect_tcp(false, port));
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    for (int fd : clients) ::close(fd);  // the peers close: the child's sockets go CLOSE_WAIT
    tracer.join();
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(listener);
    ::close(ready[0]);
    ::close(ready[1]);
    if (r.exit_code == 2 && r.err.find("not in this build") != std::string::npos) GTEST_SKIP() << r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    int seen = 0;
    for (const std::string& line : lines_of(r.out)) {
        json j = json::parse(line);
        if (j.contains("summary")) continue;
        EXPECT_EQ(j["from"], "ESTABLISHED") << j.dump();
        EXPECT_EQ(j["to"], "CLOSE_WAIT") << j.dump();
        EXPECT_EQ(j["close"], "passive") << j.dump();
        EXPECT_EQ(j["pid"], child) << "the accepting child, not the listener's owner " << ::getpid() << ": " << j.dump();
        EXPECT_EQ(j["process"], "trace_leaker") << j.dump();
        ++seen;
    }
    EXPECT_EQ(seen, 3) << r.out;
}

// Runs `trace -f jsonl --duration 2.5 ARGS` (or `duration`) around `act` (after the tracer has attached); the
// transitions as "FROM>TO" per socket cookie in order, every event, and the summary.
struct Traced {
    RunResult r;
    std::vector<json> events;
    json summary;
    std::map<std::uint64_t, std::vector<std::string>> by_cookie;
};
Traced traced(std::vector<std::string> args, const std::function<void()>& act, const char* duration = "2.5") {
    Traced t;
    args.insert(args.begin(), {"trace", "-f", "jsonl", "--duration", duration});
    std::thread tracer([&] { t.r = run_tcpstat(args, {}, 20); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    act();
    tracer.join();
    for (const std::string& line : lines_of(t.r.out)) {
        json j = json::parse(line);
        if (j.contains("summary")) {
            t.summary = j["summary"];
            continue;
        }
        t.by_cookie[j["cookie"].get<std::uint64_t>()].push_back(j["from"].get<std::string>() + ">" +
                                                                 j["to"].get<std::string>());
        t.events.push_back(j);
    }
    return t;
}

TEST(Trace, RefusedConnectIsSynSentToCloseOwnedByTheCaller) {
    if (::geteuid() != 0) GTEST_SKIP() << "trace needs root";
    const int probe = listen_tcp(false);
    const std::uint16_t port = local_port(probe);
    ::close(probe);  // nothing listens there now: the SYN is answered by a reset
    Traced t = traced({"--port", std::to_string(port)}, [&] {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_NE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
        EXPECT_EQ(errno, ECONNREFUSED);
        ::close(fd);
    });
    if (t.r.exit_code == 2 && t.r.err.find("not in this build") != std::string::npos) GTEST_SKIP() << t.r.err;
    ASSERT_EQ(t.r.exit_code, 0) << t.r.err;
    ASSERT_EQ(t.by_cookie.size(), 1u) << t.r.out;
    EXPECT_EQ(t.by_cookie.begin()->second, (std::vector<std::string>{"CLOSE>SYN_SENT", "SYN_SENT>CLOSE"})) << t.r.out;
    for (const json& j : t.events) EXPECT_EQ(j["pid"], ::getpid()) << j.dump();
    EXPECT_EQ(t.summary["lost"], 0);
}

// Both ends send their FIN before either FIN arrives. Loopback delivers at once, so the
// server's socket drops incoming FINs (a socket filter) until both ends have closed: the
// client, in FIN_WAIT1, gets the server's FIN and enters CLOSING; its FIN is retransmitted once
// the filter is gone.
TEST(Trace, SimultaneousCloseGoesThroughClosingOnBothEnds) {
    if (::geteuid() != 0) GTEST_SKIP() << "trace needs root";
    const int listener = listen_tcp(false);
    const std::uint16_t port = local_port(listener);
    std::uint16_t client_port = 0;
    Traced t = traced({"--port", std::to_string(port)}, [&] {
        const int client = connect_tcp(false, port);
        client_port = local_port(client);
        const int server = accept_one(listener);
        sock_filter drop_fin[] = {
            {BPF_LD | BPF_B | BPF_ABS, 0, 0, 13},       // TCP flags
            {BPF_JMP | BPF_JSET | BPF_K, 1, 0, 0x01},   // FIN: drop
            {BPF_RET | BPF_K, 0, 0, 0xffffffff},
            {BPF_RET | BPF_K, 0, 0, 0},
        };
        sock_fprog prog{4, drop_fin};
        ASSERT_EQ(::setsockopt(server, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog), 0);
        ::shutdown(client, SHUT_WR);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::shutdown(server, SHUT_WR);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int none = 0;
        ::setsockopt(server, SOL_SOCKET, SO_DETACH_FILTER, &none, sizeof none);
        // The client's FIN is retransmitted after its RTO (200 ms at least).
        EXPECT_TRUE(eventually([&] { return count_state(client_port, "TIME-WAIT") >= 2; }, 3000));
        ::close(client);
        ::close(server);
    }, "5");
    ::close(listener);
    if (t.r.exit_code == 2 && t.r.err.find("not in this build") != std::string::npos) GTEST_SKIP() << t.r.err;
    ASSERT_EQ(t.r.exit_code, 0) << t.r.err;
    std::vector<std::vector<std::string>> seqs;
    for (const auto& [cookie, seq] : t.by_cookie) seqs.push_back(seq);
    const std::vector<std::string> client = {"CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1",
                                             "FIN_WAIT1>CLOSING", "CLOSING>TIME_WAIT"};
    const std::vector<std::string> server = {"ESTABLISHED>FIN_WAIT1", "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>TIME_WAIT"};
    EXPECT_NE(std::find(seqs.begin(), seqs.end(), client), seqs.end()) << t.r.out;
    // The accepted socket's first transition (SYN_RECV -> ESTABLISHED) may precede it; the close is the same.
    bool server_seen = false;
    for (const auto& seq : seqs)
        if (seq.size() >= server.size() && std::equal(server.begin(), server.end(), seq.end() - 3)) server_seen = true;
    EXPECT_TRUE(server_seen) << t.r.out;
    for (const json& j : t.events) {
        if (j["to"] == "FIN_WAIT1" || j["to"] == "CLOSING" || j["to"] == "TIME_WAIT")
            EXPECT_EQ(j["close"], "active") << "both ends closed first: " << j.dump();
        // The accepted socket has no owner before accept() returns (its handshake runs in softirq).
        if (j["from"] != "LISTEN" && j["from"] != "SYN_RECV") EXPECT_EQ(j["pid"], ::getpid()) << j.dump();
    }
    bool closing = false;
    for (const json& p : t.summary["pairs"]) closing = closing || (p["from"] == "FIN_WAIT1" && p["to"] == "CLOSING");
    EXPECT_TRUE(closing) << t.summary.dump();
}

TEST(Trace, RefusesOptionsItCannotHonour) {
    auto r = run_tcpstat({"trace", "-f", "prometheus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("trace streams transitions"), std::string::npos) << r.err;
    r = run_tcpstat({"trace", "--count", "0"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--count"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tcpstat::testing
