// Owns the live tests of who owns a socket its program closed: orphaned FIN_WAIT2 minisockets have no uid, full orphans keep theirs.
#include <gtest/gtest.h>

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

constexpr uid_t kNobody = 65534;
constexpr int kClients = 30;

void become_nobody() {
    if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(95);
    prctl(PR_SET_DUMPABLE, 1);
}

// A process of nobody's: a listener, kClients accepted connections it keeps open, and their
// clients, which it closes: the server ends sit in CLOSE_WAIT (nobody's), the clients are
// orphaned in FIN_WAIT2. Ready line: the listener's port.
std::unique_ptr<Child> nobody_closes_its_clients() {
    return std::make_unique<Child>(
        [] {
            become_nobody();
            const int l = listen_tcp(false, 64);
            std::vector<int> clients;
            for (int i = 0; i < kClients; ++i) clients.push_back(connect_tcp(false, local_port(l)));
            for (int i = 0; i < kClients; ++i) accept_one(l);  // kept open: the peer never closes
            for (int c : clients) close(c);
            wait_for_orphaned_clients(false, local_port(l), kClients);
            return std::to_string(local_port(l));
        },
        "nobody-closer");
}

std::string count(const std::string& source, std::vector<std::string> args) {
    std::vector<std::string> all{"--source", source, "-t", "-4", "--count"};
    all.insert(all.end(), args.begin(), args.end());
    const RunResult r = run_tcpstat(all);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    return r.out;
}

std::string net_ns_of(const char* pid) {
    char buf[64] = {};
    const std::string link = std::string("/proc/") + pid + "/ns/net";
    const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

class OrphanOwner : public ::testing::TestWithParam<const char*> {};

}  // namespace

// The kernel turns an orphaned FIN_WAIT2 socket into a timewait minisocket that reports uid 0
// and no inode, as TIME_WAIT does: that 0 is not root, and the socket's owner is unknown.
TEST_P(OrphanOwner, OrphanedFinWait2IsNobodysNorRoots) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
    const auto child = nobody_closes_its_clients();
    const std::string port = child->ready_line();
    ASSERT_FALSE(port.empty());
    const std::string n = std::to_string(kClients) + "\n";

    EXPECT_EQ(count(GetParam(), {"-s", "fin_wait2", "--dport", port}), n);
    EXPECT_EQ(count(GetParam(), {"-s", "fin_wait2", "--dport", port, "--user", "root"}), "0\n")
        << "orphans counted as root's";
    EXPECT_EQ(count(GetParam(), {"-s", "fin_wait2", "--dport", port, "--user", "nobody"}), "0\n")
        << "their owner is not known";
    EXPECT_EQ(count(GetParam(), {"-s", "close_wait", "--sport", port, "--user", "nobody"}), n);

    const RunResult r = run_tcpstat({"--source", GetParam(), "-t", "-4", "-s", "fin_wait2", "--dport", port, "-f",
                                     "tsv", "-H", "--fields", "state,uid,user,inode"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = lines_of(r.out);
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(kClients)) << r.out;
    for (const auto& row : rows) EXPECT_EQ(row, "FIN_WAIT2\t\t\t") << row;
}

// With a fin_timeout above 60 s the kernel keeps an orphaned FIN_WAIT2 socket whole, and a
// whole socket still reports the uid that created it: nobody's, in both sources.
TEST_P(OrphanOwner, WholeOrphanKeepsItsCreatorsUid) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
    if (net_ns_of("self") == net_ns_of("1")) GTEST_SKIP() << "changes tcp_fin_timeout: only in a private namespace";
    {
        std::ofstream sysctl("/proc/sys/net/ipv4/tcp_fin_timeout");
        sysctl << "120\n";
        ASSERT_TRUE(sysctl.good());
    }
    const auto child = nobody_closes_its_clients();
    const std::string port = child->ready_line();
    ASSERT_FALSE(port.empty());
    EXPECT_EQ(count(GetParam(), {"-s", "fin_wait2", "--dport", port, "--user", "nobody"}),
              std::to_string(kClients) + "\n");
    EXPECT_EQ(count(GetParam(), {"-s", "fin_wait2", "--dport", port, "--user", "root"}), "0\n");
}

INSTANTIATE_TEST_SUITE_P(Sources, OrphanOwner, ::testing::Values("netlink", "proc"));
