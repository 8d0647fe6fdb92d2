// Tests what doctor's findings say about real sockets: what a CLOSE_WAIT Recv-Q means (the
// peer's FIN counts 1), one finding for a pre-fork server's shared leak, "to" on a client-side
// leak, and FIN_WAIT2 held apart from orphaned.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/doctor_json.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
using nlohmann::json;

namespace {

// A worker forked from a Child: holds every descriptor it inherited until its parent dies.
pid_t fork_worker() {
    const pid_t pid = fork_bound_child();
    if (pid != 0) return pid;
    alarm(300);
    for (;;) pause();
}

bool evidence_has(const json& f, const std::string& needle) {
    return f.at("evidence").dump().find(needle) != std::string::npos;
}

}  // namespace

TEST(DoctorFindings, CloseWaitRecvQIsOneForTheUnreadFinZeroAfterEofAndOneMoreThanUnreadData) {
    // Three connections the peer closed: nothing sent and never read; read to end of file;
    // 5 bytes sent and never read.
    Child child(
        [] {
            int l = listen_tcp(false);
            std::vector<int> clients, servers;
            for (int i = 0; i < 3; ++i) {
                clients.push_back(connect_tcp(false, local_port(l)));
                servers.push_back(accept_one(l));
            }
            std::string line = std::to_string(local_port(l));
            for (int c : clients) line += " " + std::to_string(local_port(c));
            if (send(clients[2], "hello", 5, 0) != 5) _exit(91);
            for (int c : clients) close(c);
            wait_for_orphaned_clients(false, local_port(l), 3);
            char buf[16];
            while (read(servers[1], buf, sizeof buf) > 0) {
            }
            return line;
        },
        "recvq-cw");
    const auto parts = split(child.ready_line(), ' ');
    ASSERT_EQ(parts.size(), 4u) << child.ready_line();
    const std::string& port = parts[0];
    for (const char* source : {"netlink", "proc"}) {
        SCOPED_TRACE(source);
        auto r = run_tcpstat({"-s", "close_wait", "--sport", port, "--source", source, "-f", "tsv", "-H", "--fields",
                              "rport,recv_q"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::map<std::string, std::string> recv_q;  // client port -> Recv-Q
        for (const auto& line : lines_of(r.out)) {
            auto f = split(line, '\t');
            ASSERT_EQ(f.size(), 2u) << r.out;
            recv_q[f[0]] = f[1];
        }
        EXPECT_EQ(recv_q[parts[1]], "1") << "the FIN alone: " << r.out;
        EXPECT_EQ(recv_q[parts[2]], "0") << "read to end of file: " << r.out;
        EXPECT_EQ(recv_q[parts[3]], "6") << "5 bytes and the FIN: " << r.out;

        auto d = run_tcpstat({"doctor", "--port", port, "--close-wait", "3", "--source", source, "-f", "json"});
        ASSERT_EQ(d.exit_code, 1) << d.err;
        const json fs = findings_of(d);
        const json* f = first_of_kind(fs, "close_wait_leak");
        ASSERT_NE(f, nullptr) << d.out;
        EXPECT_TRUE(evidence_has(*f, "Recv-Q 1 on 1: only the peer's FIN is queued, the program never even read to "
                                     "end of file (it never noticed the close)"))
            << *f;
        EXPECT_TRUE(evidence_has(*f, "Recv-Q above 1 on 1: unread data too, Recv-Q - 1 bytes before the FIN (up to 5 bytes)"))
            << *f;
        EXPECT_TRUE(evidence_has(*f, "Recv-Q 0 on 1: the program read to end of file and still did not close")) << *f;
        EXPECT_FALSE(evidence_has(*f, "Recv-Q above zero")) << *f;
    }
    auto e = run_tcpstat({"explain", "close_wait"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    std::string text = e.out;
    for (auto& c : text)
        if (c == '\n') c = ' ';
    std::string squeezed;
    for (char c : text)
        if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') squeezed += c;
    EXPECT_NE(squeezed.find("Recv-Q 1 means it never even read to end of file (it never noticed the close), more "
                            "means unread data too (Recv-Q - 1 bytes)"),
              std::string::npos)
        << e.out;
    EXPECT_EQ(squeezed.find("A Recv-Q above zero means unread data"), std::string::npos) << e.out;
}

TEST(DoctorFindings, PreforkedWorkersSharingALeakGiveOneFindingNamingEveryHolder) {
    Child child(
        [] {
            int l = listen_tcp(false);
            std::vector<int> clients;
            for (int i = 0; i < 12; ++i) clients.push_back(connect_tcp(false, local_port(l)));
            for (int i = 0; i < 12; ++i) accept_one(l);
            for (int c : clients) close(c);
            wait_for_orphaned_clients(false, local_port(l), 12);
            std::string line = std::to_string(local_port(l));
            for (int i = 0; i < 3; ++i) line += " " + std::to_string(fork_worker());
            return line;
        },
        "prefork");
    const auto parts = split(child.ready_line(), ' ');
    ASSERT_EQ(parts.size(), 4u);
    std::vector<int> holders{child.pid()};
    for (std::size_t i = 1; i < parts.size(); ++i) holders.push_back(std::stoi(parts[i]));
    std::sort(holders.begin(), holders.end());

    RunResult r;
    std::vector<json> leaks;
    ASSERT_TRUE(eventually([&] {
        r = run_tcpstat({"doctor", "--port", parts[0], "-f", "json"});
        if (r.exit_code != 1) return false;
        leaks = all_of_kind(findings_of(r), "close_wait_leak");
        return !leaks.empty() && leaks[0]["pids"].size() == holders.size();  // the workers' fds are visible
    })) << r.err << r.out;
    ASSERT_EQ(leaks.size(), 1u) << "one leak, not one per worker: " << r.out;
    EXPECT_EQ(leaks[0]["count"], 12);
    EXPECT_EQ(leaks[0]["pids"].get<std::vector<int>>(), holders);
    EXPECT_EQ(leaks[0]["pid"], holders.front());
    EXPECT_EQ(leaks[0]["message"].get<std::string>().rfind("4 prefork processes (pids " + std::to_string(holders[0]), 0),
              0u)
        << leaks[0];
    EXPECT_TRUE(evidence_has(leaks[0], "shared by 4 processes")) << leaks[0];
    EXPECT_TRUE(evidence_has(leaks[0], "12 connections from 1 peer address")) << leaks[0];
}

TEST(DoctorFindings, ClientSideLeakCountsConnectionsToThePeer) {
    // The server closes first; the client never closes: its 12 ends sit in CLOSE_WAIT.
    Child child(
        [] {
            int l = listen_tcp(false);
            std::vector<int> clients;
            for (int i = 0; i < 12; ++i) {
                clients.push_back(connect_tcp(false, local_port(l)));
                close(accept_one(l));
            }
            return std::to_string(local_port(l));
        },
        "pool-client");
    const std::string port = child.ready_line();
    DoctorRun d;
    ASSERT_TRUE(doctor_until(d, {"doctor", "--port", port}, "close_wait_leak",
                             [&](const json& g) { return g["count"] == 12; }))
        << d.r.err << d.r.out;
    const json* f = d.finding;
    EXPECT_EQ((*f)["peer"], "127.0.0.1:" + port);
    EXPECT_EQ((*f)["pid"], child.pid());
    EXPECT_TRUE(evidence_has(*f, "12 connections to 1 peer address;")) << *f;
}

TEST(DoctorFindings, FinWait2CountsWhatTheProcessHoldsApartFromOrphans) {
    // 120 connections to one server that never closes: 60 half-closed (shutdown, still held),
    // 60 closed (orphaned), all in FIN_WAIT2 toward the same peer.
    Child child(
        [] {
            int l = listen_tcp(false, 256);
            std::vector<int> clients;
            for (int i = 0; i < 120; ++i) {
                clients.push_back(connect_tcp(false, local_port(l)));
                accept_one(l);
            }
            for (int i = 0; i < 120; ++i) {
                if (i < 60) shutdown(clients[i], SHUT_WR);
                else close(clients[i]);
            }
            wait_for_orphaned_clients(false, local_port(l), 120);
            return std::to_string(local_port(l));
        },
        "fw2-half");
    const std::string port = child.ready_line();
    auto r = run_tcpstat({"doctor", "--port", port, "--close-wait", "1000", "-f", "json"});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    const json fs = findings_of(r);
    const json* f = first_of_kind(fs, "fin_wait2_pile_up");
    ASSERT_NE(f, nullptr) << r.out;
    EXPECT_EQ((*f)["count"], 120);
    EXPECT_EQ((*f)["pid"], child.pid());
    EXPECT_EQ((*f)["message"], "120 FIN_WAIT2 sockets to 127.0.0.1:" + port +
                                   " wait for the peer to close its side: pid " + std::to_string(child.pid()) +
                                   " (fw2-half) holds 60, 60 are orphaned");
    EXPECT_TRUE(evidence_has(*f, "60 orphaned")) << *f;
    EXPECT_TRUE(evidence_has(*f, "60 held by pid " + std::to_string(child.pid()) + " (fw2-half)")) << *f;
}
