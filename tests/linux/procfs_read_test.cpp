// Owns the tests of read_tables on recorded /proc roots: selection, warnings and total failure.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace tcpstat::procfs
