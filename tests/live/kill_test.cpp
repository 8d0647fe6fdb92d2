// Tests `tcpstat kill` against real sockets held by real processes: a CLOSE_WAIT leak closed while its server lives on,
// a TIME_WAIT freeing its port, a dry run that changes nothing, and the safety refusals.
#include <gtest/gtest.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "live/netns_support.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

// Sockets of `port` (either side) in `state` as tcpstat lists them: "state lport rport" lines.
std::vector<std::string> rows_on(std::uint16_t port, const std::string& state = "all") {
    auto r = run_tcpstat({"--port", std::to_string(port), "-s", state, "-f", "tsv", "-H", "--fields",
                          "state,laddr,lport,raddr,rport", "--sort", "rport"});
    EXPECT_LE(r.exit_code, 1) << r.err;
    return lines_of(r.out);
}

// A server that leaks `n` accepted connections (its clients closed them: CLOSE_WAIT) and, when
// the test writes a byte to `ask`, tries one send() on each and writes their errnos back
// ("0" for a send that worked), one line.
struct ProbedLeak {
    int ask[2] = {-1, -1}, answer[2] = {-1, -1};
    std::unique_ptr<Child> child;
    std::uint16_t port = 0;

    ProbedLeak(bool v6, int n) {
        if (pipe(ask) != 0 || pipe(answer) != 0) std::abort();
        child = std::make_unique<Child>(
            [this, v6, n] {
                int l = listen_tcp(v6);
                std::vector<int> clients, leaked;
                for (int i = 0; i < n; ++i) clients.push_back(connect_tcp(v6, local_port(l)));
                for (int i = 0; i < n; ++i) leaked.push_back(accept_one(l));
                for (int c : clients) close(c);
                wait_for_orphaned_clients(v6, local_port(l), n);
                std::thread([this, leaked] {
                    char byte;
                    if (read(ask[0], &byte, 1) != 1) return;
                    std::string line;
                    for (int fd : leaked) {
                        const ssize_t sent = send(fd, "x", 1, MSG_NOSIGNAL);
                        line += std::to_string(sent < 0 ? errno : 0) + " ";
                    }
                    line += "\n";
                    if (write(answer[1], line.data(), line.size()) < 0) _exit(97);
                }).detach();
                return std::to_string(local_port(l));
            },
            "leaky-probed");
        port = static_cast<std::uint16_t>(std::stoi(child->ready_line()));
    }
    ~ProbedLeak() {
        child.reset();
        for (int fd : {ask[0], ask[1], answer[0], answer[1]}) close(fd);
    }

    // The errno of each leaked socket's next send().
    std::vector<std::string> send_errors() {
        if (write(ask[1], "?", 1) != 1) return {};
        std::string got;
        char buf[256];
        while (got.find('\n') == std::string::npos) {
            const ssize_t n = read(answer[0], buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, static_cast<std::size_t>(n));
        }
        std::vector<std::string> out;
        for (const std::string& w : split(got.substr(0, got.find('\n')), ' '))
            if (!w.empty()) out.push_back(w);
        return out;
    }
};

constexpr uid_t kNobody = 65534;

void become_nobody() {
    if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(95);
    prctl(PR_SET_DUMPABLE, 1);
}

bool is_root() { return geteuid() == 0; }

// Sets SSH_CONNECTION for the tcpstat runs of one test (the binary inherits the environment).
class SshConnection {
public:
    explicit SshConnection(const std::string& value) {
        if (const char* old = std::getenv("SSH_CONNECTION")) saved_ = old;
        setenv("SSH_CONNECTION", value.c_str(), 1);
    }
    ~SshConnection() {
        if (saved_.empty()) unsetenv("SSH_CONNECTION");
        else setenv("SSH_CONNECTION", saved_.c_str(), 1);
    }

private:
    std::string saved_;
};

}  // namespace

TEST(Kill, ClosesACloseWaitLeakWhileTheServerLivesOn) {
    if (!is_root()) GTEST_SKIP() << "closing sockets needs CAP_NET_ADMIN";
    for (bool v6 : {false, true}) {
        SCOPED_TRACE(v6 ? "IPv6" : "IPv4");
        ProbedLeak leak(v6, 3);
        const std::string port = std::to_string(leak.port);
        ASSERT_EQ(rows_on(leak.port, "close_wait").size(), 3u);

        auto r = run_tcpstat({"kill", "--yes", "-s", "close_wait", "--sport", port, "-f", "tsv", "--fields",
                              "state,lport,pid"});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        auto rows = lines_of(r.out);
        ASSERT_EQ(rows.size(), 4u) << r.out;
        EXPECT_EQ(rows[0], "state\tlport\tpid\tresult\treason");
        for (std::size_t i = 1; i < rows.size(); ++i)
            EXPECT_EQ(rows[i], "CLOSE_WAIT\t" + port + "\t" + std::to_string(leak.child->pid()) + "\tclosed\t");
        EXPECT_NE(r.err.find("closed 3 of 3 selected sockets"), std::string::npos) << r.err;

        EXPECT_TRUE(rows_on(leak.port, "close_wait").empty());
        // The process holds its descriptors still, and learns on the next send().
        auto errors = leak.send_errors();
        ASSERT_EQ(errors.size(), 3u);
        for (const std::string& e : errors)
            EXPECT_TRUE(e == std::to_string(ECONNABORTED) || e == std::to_string(EPIPE)) << "errno " << e;
        EXPECT_EQ(kill(leak.child->pid(), 0), 0) << "the server process lives on";
        EXPECT_EQ(rows_on(leak.port, "listen").size(), 1u) << "its LISTEN socket is untouched";
        const int again = connect_tcp(v6, leak.port);  // and it still takes connections
        close(again);
    }
}

TEST(Kill, TimeWaitKilledFreesThePortForBindWithoutReuseaddr) {
    if (!is_root()) GTEST_SKIP() << "closing sockets needs CAP_NET_ADMIN";
    // The server closes first, so its end (on the listening port) waits in TIME_WAIT: the
    // restart that then fails with "Address already in use".
    int l = listen_tcp(false);
    const std::uint16_t port = local_port(l);
    int c = connect_tcp(false, port);
    int s = accept_one(l);
    close(s);
    usleep(20000);
    close(c);
    close(l);
    ASSERT_TRUE(eventually([&] { return rows_on(port, "time_wait").size() == 1; }));

    auto try_bind = [port] {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        const int rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        const int err = errno;
        close(fd);
        return rc == 0 ? 0 : err;
    };
    ASSERT_EQ(try_bind(), EADDRINUSE) << "the TIME_WAIT holds the port";

    auto r = run_tcpstat({"kill", "--yes", "-s", "time_wait", "--sport", std::to_string(port), "-f", "jsonl",
                          "--fields", "state,lport"});
    if (r.exit_code == 3 && r.out.find("\"refused\"") != std::string::npos)
        GTEST_SKIP() << "this kernel does not close TIME_WAIT sockets: " << r.out;
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "{\"state\":\"TIME_WAIT\",\"lport\":" + std::to_string(port) +
                         ",\"result\":\"closed\",\"reason\":null}\n");
    EXPECT_EQ(try_bind(), 0) << "bind without SO_REUSEADDR succeeds once the TIME_WAIT is gone";
}

TEST(Kill, DryRunListsExactlyWhatWouldCloseAndChangesNothing) {
    LeakyServer leak(false, 2);
    const std::string port = std::to_string(leak.port);
    const auto before = rows_on(leak.port);
    ASSERT_EQ(before.size(), 5u);  // LISTEN, 2 CLOSE_WAIT, 2 FIN_WAIT2

    auto r = run_tcpstat({"kill", "-s", "close_wait", "--sport", port, "-f", "tsv", "-H", "--fields", "state,lport"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "CLOSE_WAIT\t" + port + "\nCLOSE_WAIT\t" + port + "\n");
    EXPECT_NE(r.err.find("dry run, nothing was closed: 2 sockets would be closed; to close them: tcpstat kill --yes "
                         "-s close_wait --sport " +
                         port),
              std::string::npos)
        << r.err;
    // Without a state the listener matches too, but is left out (and said so) unless named.
    auto wide = run_tcpstat({"kill", "--sport", port, "-f", "tsv", "-H", "--fields", "state"});
    ASSERT_EQ(wide.exit_code, 0) << wide.err;
    EXPECT_EQ(wide.out, "CLOSE_WAIT\nCLOSE_WAIT\n");
    EXPECT_NE(wide.err.find("left out 1 listening socket"), std::string::npos) << wide.err;
    auto named = run_tcpstat({"kill", "-s", "listen", "--sport", port, "-f", "tsv", "-H", "--fields", "state"});
    EXPECT_EQ(named.out, "LISTEN\n") << named.err;

    EXPECT_EQ(rows_on(leak.port), before);
    auto none = run_tcpstat({"kill", "-s", "close_wait", "--sport", "1"});
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_EQ(none.out, "");
    EXPECT_NE(none.err.find("no socket matched"), std::string::npos) << none.err;
}

TEST(Kill, RefusesAnEmptyFilter) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"kill"}, {"kill", "--yes"}, {"kill", "--yes", "-t", "--ipv4"}, {"kill", "-s", "all"}}) {
        auto r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 2) << args.back();
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find("kill needs a filter"), std::string::npos) << r.err;
    }
}

TEST(Kill, NeverClosesTheConnectionTheCommandArrivedOn) {
    EstablishedPair control(false, "sshd-ish");
    const std::string sport = std::to_string(control.port), cport = std::to_string(control.client_port);
    SshConnection ssh("127.0.0.1 " + cport + " 127.0.0.1 " + sport);
    const auto before = rows_on(control.port, "established");
    ASSERT_EQ(before.size(), 2u);

    auto dry = run_tcpstat({"kill", "-s", "established", "--port", sport});
    EXPECT_EQ(dry.exit_code, 1) << dry.out << dry.err;
    EXPECT_EQ(dry.out, "");
    EXPECT_NE(dry.err.find("never closing tcp ESTABLISHED 127.0.0.1:" + sport + " -> 127.0.0.1:" + cport +
                           ": the connection this command arrived on (SSH_CONNECTION)"),
              std::string::npos)
        << dry.err;
    EXPECT_NE(dry.err.find("never closing tcp ESTABLISHED 127.0.0.1:" + cport), std::string::npos) << dry.err;

    auto act = run_tcpstat({"kill", "--yes", "-s", "established", "--port", sport, "-f", "tsv", "-H", "--fields",
                            "state"});
    EXPECT_EQ(act.exit_code, 3) << act.out << act.err;
    EXPECT_EQ(act.out,
              "ESTABLISHED\tprotected\tthe connection this command arrived on (SSH_CONNECTION)\n"
              "ESTABLISHED\tprotected\tthe connection this command arrived on (SSH_CONNECTION)\n");
    EXPECT_NE(act.err.find("closed 0 of 2 selected sockets"), std::string::npos) << act.err;
    EXPECT_EQ(rows_on(control.port, "established"), before);
}

TEST(Kill, SparesTheSocketsOfItsOwnParents) {
    // This test process runs tcpstat: its connection is the command's own, like an sshd's.
    int l = listen_tcp(false);
    int c = connect_tcp(false, local_port(l));
    int s = accept_one(l);
    auto r = run_tcpstat({"kill", "--yes", "-s", "established", "--sport", std::to_string(local_port(l)), "-f",
                          "tsv", "-H", "--fields", "state"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("ESTABLISHED\tprotected\theld by pid " + std::to_string(getpid())), std::string::npos)
        << r.out;
    EXPECT_EQ(send(c, "x", 1, MSG_NOSIGNAL), 1) << "the connection is still open";
    for (int fd : {s, c, l}) close(fd);
}

TEST(Kill, WithoutCapNetAdminSaysSoInOneLine) {
    if (!is_root()) GTEST_SKIP() << "needs root to switch to nobody";
    LeakyServer leak(false, 2, "root-leak");
    const std::string port = std::to_string(leak.port);
    auto r = run_tcpstat({"kill", "--yes", "-s", "close_wait", "--sport", port}, {}, 60, become_nobody);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("needs CAP_NET_ADMIN"), std::string::npos) << r.err;
    EXPECT_EQ(rows_on(leak.port, "close_wait").size(), 2u) << "nothing was closed";
}

TEST(Kill, DoctorsStopgapCommandEndsTheLeakWithTheServerRunning) {
    LeakyServer leak(false, 12, "leaky-doc");
    const std::string port = std::to_string(leak.port), pid = std::to_string(leak.child->pid());
    auto doc = run_tcpstat({"doctor", "--port", port});
    ASSERT_EQ(doc.exit_code, 1) << doc.out << doc.err;
    const std::string expected = "tcpstat kill -s close_wait --sport " + port + " -p " + pid +
                                 " (a dry run that lists them; add --yes to close them)";
    const auto at = doc.out.find(expected);
    ASSERT_NE(at, std::string::npos) << doc.out;
    EXPECT_LT(doc.out.find("calls close()"), at) << "the real remedy comes first";
    if (!is_root()) GTEST_SKIP() << "closing sockets needs CAP_NET_ADMIN";

    auto r = run_tcpstat({"kill", "--yes", "-s", "close_wait", "--sport", port, "-p", pid, "-f", "tsv", "-H",
                          "--fields", "state"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines_of(r.out).size(), 12u);
    EXPECT_TRUE(rows_on(leak.port, "close_wait").empty());
    EXPECT_EQ(kill(leak.child->pid(), 0), 0);
    EXPECT_EQ(rows_on(leak.port, "listen").size(), 1u);
}

TEST(Kill, ClosesSocketsInTheNamespaceNetnsNames) {
    if (!is_root()) GTEST_SKIP() << "creating network namespaces needs root";
    if (!have_ip()) GTEST_SKIP() << "needs ip (iproute2)";
    Netns ns("kill");
    ASSERT_TRUE(ns.ok()) << "ip netns add failed";
    const std::string name = ns.name();
    Child leak(
        [name] {
            enter_netns(name);
            int l = listen_tcp(false);
            std::vector<int> clients;
            for (int i = 0; i < 2; ++i) clients.push_back(connect_tcp(false, local_port(l)));
            for (int i = 0; i < 2; ++i) accept_one(l);
            for (int c : clients) close(c);
            wait_for_orphaned_clients(false, local_port(l), 2);
            return std::to_string(local_port(l));
        },
        "nsleak-kill");
    const std::string port = leak.ready_line();
    ASSERT_FALSE(port.empty());
    auto in_ns = [&] {
        return run_tcpstat({"--netns", name, "-s", "close_wait", "--sport", port, "-H", "-f", "tsv", "--fields",
                            "state"})
            .out;
    };
    ASSERT_EQ(in_ns(), "CLOSE_WAIT\nCLOSE_WAIT\n");
    auto r = run_tcpstat({"kill", "--yes", "--netns", name, "-s", "close_wait", "--sport", port, "-H", "-f", "tsv",
                          "--fields", "state"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "CLOSE_WAIT\tclosed\t\nCLOSE_WAIT\tclosed\t\n");
    EXPECT_EQ(in_ns(), "");
    EXPECT_EQ(kill(leak.pid(), 0), 0);
    auto all = run_tcpstat({"kill", "--all-netns", "-s", "close_wait"});
    EXPECT_EQ(all.exit_code, 2);
    EXPECT_NE(all.err.find("use --netns"), std::string::npos) << all.err;
}

TEST(Kill, ClosesAConnectedUdpSocketWhereTheKernelAllows) {
    if (!is_root()) GTEST_SKIP() << "closing sockets needs CAP_NET_ADMIN";
    Child holder(
        [] {
            int server = listen_udp(false);
            int client = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            to.sin_port = htons(local_port(server));
            if (connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) _exit(93);
            return std::to_string(local_port(server));
        },
        "udp-holder");
    const std::string port = holder.ready_line();
    auto listed = [&] {
        return run_tcpstat({"-u", "--dport", port, "-H", "-f", "tsv", "--fields", "proto,state"}).out;
    };
    ASSERT_EQ(listed(), "udp\tESTAB\n");
    auto r = run_tcpstat({"kill", "--yes", "-u", "--dport", port, "-H", "-f", "tsv", "--fields", "proto,state"});
    if (r.exit_code == 3 && r.out.find("\trefused\t") != std::string::npos)
        GTEST_SKIP() << "this kernel does not close UDP sockets: " << r.out;
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "udp\tESTAB\tclosed\t\n");
    EXPECT_EQ(listed(), "") << "disconnected: no longer connected to the port";
}
