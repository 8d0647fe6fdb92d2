// Guards `tcpstat trace`: real transitions from a forked child in this test's network namespace, its pid and name, TIME_WAIT, durations, the summary.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live/support.hpp"

namespace tcpstat::testing {
namespace {

using nlohmann::json;

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
