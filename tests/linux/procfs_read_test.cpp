// Owns the tests of read_tables on recorded /proc roots: selection, warnings and total failure.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "procfs.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::procfs {
namespace {

const std::string kRoot = std::string(TCPSTAT_FIXTURES_DIR) + "/proc";

std::size_t count(const Snapshot& s, Protocol p, Family f) {
    std::size_t n = 0;
    for (const auto& sock : s.sockets) n += sock.protocol == p && sock.family == f;
    return n;
}

TEST(ProcfsRead, ReadsAllRequestedTables) {
    CollectRequest req;
    req.tcp = req.udp = true;
    const Snapshot s = read_tables(req, kRoot + "/recorded/");
    EXPECT_EQ(s.source, "proc:" + kRoot + "/recorded");
    EXPECT_TRUE(s.warnings.empty());
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet), 13u);
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet6), 10u);
    EXPECT_EQ(count(s, Protocol::Udp, Family::Inet), 2u);
    EXPECT_EQ(count(s, Protocol::Udp, Family::Inet6), 2u);
    EXPECT_FALSE(s.owners_attached);
    // Socket uids get their names (uid 0 is root on any Debian host).
    ASSERT_TRUE(s.users.count(0));
    EXPECT_EQ(s.users.at(0), "root");
}

TEST(ProcfsRead, SkipsTablesNotAskedFor) {
    CollectRequest req;  // TCP only by default
    req.ipv6 = false;
    const Snapshot s = read_tables(req, kRoot + "/recorded");
    EXPECT_EQ(s.sockets.size(), 13u);
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet), 13u);

    req.tcp = false;
    req.udp = true;
    req.ipv4 = false;
    req.ipv6 = true;
    const Snapshot u = read_tables(req, kRoot + "/recorded");
    EXPECT_EQ(u.sockets.size(), 2u);
    EXPECT_EQ(count(u, Protocol::Udp, Family::Inet6), 2u);
}

TEST(ProcfsRead, StatesAreNotFilteredHere) {
    CollectRequest req;
    req.states = StateMask::of(TcpState::Listen);
    const Snapshot s = read_tables(req, kRoot + "/recorded");
    EXPECT_EQ(s.sockets.size(), 23u);
}

TEST(ProcfsRead, MissingTableAndMalformedLinesAreWarnings) {
    CollectRequest req;
    req.udp = true;
    const std::string root = kRoot + "/no_tcp6";
    const Snapshot s = read_tables(req, root);
    ASSERT_EQ(s.warnings.size(), 2u);
    EXPECT_EQ(s.warnings[0], "skipped 2 malformed lines in " + root + "/net/tcp (first at line 3)");
    EXPECT_EQ(s.warnings[1], "cannot read " + root + "/net/tcp6: No such file or directory; its sockets are not shown");
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet), 13u);
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet6), 0u);
    EXPECT_EQ(count(s, Protocol::Udp, Family::Inet6), 2u);
}

TEST(ProcfsRead, NothingReadableThrows) {
    CollectRequest req;
    const std::string root = kRoot + "/does-not-exist";
    try {
        read_tables(req, root);
        FAIL() << "expected RuntimeError";
    } catch (const RuntimeError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot read any socket table under " + root + "/net: No such file or directory");
    }
}

TEST(ProcfsRead, RealProcIsReadable) {
    CollectRequest req;
    req.udp = true;
    const Snapshot s = read_tables(req, "/proc");
    EXPECT_EQ(s.source, "proc");
    for (const auto& w : s.warnings) EXPECT_EQ(w.find("malformed"), std::string::npos) << w;
}

// The row limit counts the whole tree: the table that reaches it keeps its first rows, every
// later table keeps none, and each says which rows are not shown.
TEST(ProcfsRead, RecordedTreeRowLimit) {
    CollectRequest req;
    req.udp = true;
    const std::string root = kRoot + "/recorded";
    const Snapshot s = read_tables(req, root, RecordedLimits{RecordedLimits{}.table_bytes, 20});
    EXPECT_EQ(s.sockets.size(), 20u);
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet), 13u);
    EXPECT_EQ(count(s, Protocol::Tcp, Family::Inet6), 7u);
    ASSERT_EQ(s.warnings.size(), 3u);
    for (const char* t : {"tcp6", "udp", "udp6"}) {
        const std::string want = std::string("stopped at 20 sockets, the most held from a recorded tree; the later rows of ") +
                                 root + "/net/" + t + " are not shown";
        EXPECT_NE(std::find(s.warnings.begin(), s.warnings.end(), want), s.warnings.end()) << want;
    }

    // Exactly at the limit: nothing was left out, nothing to say.
    const Snapshot exact = read_tables(req, root, RecordedLimits{RecordedLimits{}.table_bytes, 27});
    EXPECT_EQ(exact.sockets.size(), 27u);
    EXPECT_TRUE(exact.warnings.empty());
}

// The byte limit cuts a table between lines; the cut line is dropped, not called malformed.
TEST(ProcfsRead, RecordedTableByteLimit) {
    CollectRequest req;
    req.ipv6 = false;
    const std::string root = kRoot + "/recorded";
    const Snapshot s = read_tables(req, root, RecordedLimits{1000, RecordedLimits{}.rows});
    EXPECT_GT(s.sockets.size(), 3u);
    EXPECT_LT(s.sockets.size(), 13u);
    EXPECT_EQ(s.warnings, std::vector<std::string>{"read only the first 1000 bytes of " + root +
                                                   "/net/tcp, the most read of a recorded table; its later rows are not shown"});
}

// The kernel's own tables are read whole whatever the limits: they are not a recorded tree.
TEST(ProcfsRead, LiveProcIgnoresRecordedLimits) {
    const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(l, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(l, 4), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len), 0);
    CollectRequest req;
    req.ipv6 = false;
    const Snapshot s = read_tables(req, "/proc", RecordedLimits{16, 0});
    ::close(l);
    EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
    bool found = false;
    for (const Socket& sock : s.sockets) found |= sock.state == TcpState::Listen && sock.local.port == ntohs(a.sin_port);
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tcpstat::procfs
