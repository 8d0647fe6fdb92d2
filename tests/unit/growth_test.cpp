// Tests growth over time: socket identity across samples, OLDEST per group (shared sockets
// included), RATE over the window, forgetting closed sockets and drained groups, the words.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/delta.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/growth.hpp"

using namespace tcpstat;

namespace {

Socket sock(TcpState st, std::uint16_t lport, std::uint16_t rport, std::optional<std::uint64_t> cookie,
            std::optional<std::uint64_t> inode, std::vector<Owner> owners = {}) {
    Socket s;
    s.state = st;
    s.local = {parse_address("127.0.0.1").value(), lport};
    s.remote = {parse_address("127.0.0.1").value(), rport};
    s.family = s.local.addr.family;
    s.cookie = cookie;
    s.inode = inode;
    s.owners = std::move(owners);
    return s;
}

Snapshot leak(std::uint64_t first_cookie, int n, Pid pid = 10) {
    Snapshot snap;
    snap.processes[pid] = Process{"leaky", {}, {}, {}};
    for (int i = 0; i < n; ++i)
        snap.sockets.push_back(sock(TcpState::CloseWait, 80, static_cast<std::uint16_t>(40000 + i),
                                    first_cookie + static_cast<std::uint64_t>(i), 1000 + i, {{pid, 3 + i}}));
    return snap;
}

// One --watch step: observe, group by process, annotate.
Table step(GrowthTracker& g, const Snapshot& snap, std::int64_t now) {
    const auto seen = g.observe(snap, now);
    std::vector<std::int64_t> oldest;
    const Table t = group_sockets(snap, {GroupKey::Process}, nullptr, {}, seen, &oldest);
    return g.annotate(t, oldest, now);
}

const Value& at(const Table& t, std::size_t row, const char* column) {
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c].name == column) return t.rows.at(row).at(c);
    throw std::runtime_error(column);
}
std::int64_t num(const Value& v) { return std::get<std::int64_t>(v); }
bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace

TEST(Growth, KeysPreferCookieThenInodeThenTuple) {
    const Socket a = sock(TcpState::Established, 80, 4000, 7, 99);
    const Socket b = sock(TcpState::Established, 80, 4000, 8, 99);
    EXPECT_EQ(socket_key(a).kind, SocketKey::Kind::Cookie);
    EXPECT_FALSE(socket_key(a) == socket_key(b)) << "a reused 4-tuple with a new cookie is a new socket";
    const Socket c = sock(TcpState::Established, 80, 4000, std::nullopt, 99);
    EXPECT_EQ(socket_key(c).kind, SocketKey::Kind::Inode);
    const Socket tw1 = sock(TcpState::TimeWait, 80, 4000, std::nullopt, 0);
    const Socket tw2 = sock(TcpState::TimeWait, 80, 4001, std::nullopt, std::nullopt);
    EXPECT_EQ(socket_key(tw1).kind, SocketKey::Kind::Tuple);
    EXPECT_FALSE(socket_key(tw1) == socket_key(tw2));
    EXPECT_TRUE(socket_key(tw1) == socket_key(sock(TcpState::TimeWait, 80, 4000, std::nullopt, 0)));
}

TEST(Growth, OldestIsTheFirstSightingOfTheGroupsOldestSocket) {
    GrowthTracker g;
    Table t = step(g, leak(1, 3), 0);
    ASSERT_EQ(t.columns.size(), 4u);
    EXPECT_EQ(t.columns[2].name, "oldest");
    EXPECT_EQ(t.columns[2].unit, ColumnUnit::Seconds);
    EXPECT_EQ(t.columns[3].name, "rate");
    EXPECT_EQ(t.columns[3].unit, ColumnUnit::PerMinute);
    EXPECT_EQ(num(at(t, 0, "oldest")), 0);
    EXPECT_TRUE(is_null(at(t, 0, "rate"))) << "no rate from one sample";

    t = step(g, leak(1, 5), 90'000);
    EXPECT_EQ(num(at(t, 0, "count")), 5);
    EXPECT_EQ(num(at(t, 0, "oldest")), 90);

    // The three first sockets closed: the oldest is now one first seen at 90 s.
    Snapshot later = leak(4, 2);
    t = step(g, later, 100'000);
    EXPECT_EQ(num(at(t, 0, "oldest")), 10);
    EXPECT_EQ(g.tracked(), 2u) << "closed sockets are forgotten";
}

TEST(Growth, RateIsTheNetChangePerMinuteOverTheWindow) {
    GrowthTracker g(std::chrono::seconds(60));
    // +2 sockets every 5 s = +24/min.
    Table t;
    for (int i = 0; i <= 24; ++i) t = step(g, leak(1, 2 + 2 * i), i * 5'000);
    EXPECT_EQ(num(at(t, 0, "rate")), 24);
    // It stops growing: after a full window without new sockets the rate is 0, not an average since start.
    for (int i = 25; i <= 38; ++i) t = step(g, leak(1, 50), i * 5'000);
    EXPECT_EQ(num(at(t, 0, "rate")), 0);
    // It drops by 30: measured against the sample 60 s back (the window), -30/min.
    t = step(g, leak(1, 20), 200'000);
    EXPECT_EQ(num(at(t, 0, "rate")), -30);
}

TEST(Growth, AGroupAbsentFromThePreviousSampleGrewFromZero) {
    GrowthTracker g;
    Snapshot other = leak(100, 1, 20);
    other.processes[20].name = "other";
    step(g, other, 0);  // another process only
    Snapshot both = other;
    Snapshot more = leak(1, 6);
    both.processes.insert(more.processes.begin(), more.processes.end());
    both.sockets.insert(both.sockets.end(), more.sockets.begin(), more.sockets.end());
    Table t = step(g, both, 10'000);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(std::get<std::string>(at(t, 0, "process")), "leaky");
    EXPECT_EQ(num(at(t, 0, "rate")), 36) << "6 sockets in 10 s";
    EXPECT_EQ(num(at(t, 1, "rate")), 0);
}

TEST(Growth, SharedSocketCountsForEveryOwnersGroup) {
    GrowthTracker g;
    Snapshot s1 = leak(1, 1);
    s1.processes[11] = Process{"worker", {}, {}, {}};
    step(g, s1, 0);
    Snapshot s2 = s1;
    s2.sockets.push_back(sock(TcpState::CloseWait, 80, 50000, 50, 2000, {{11, 4}}));
    s2.sockets[0].owners.push_back({11, 9});  // the old socket, inherited by the worker too
    Table t = step(g, s2, 30'000);
    for (std::size_t r = 0; r < t.rows.size(); ++r) EXPECT_EQ(num(at(t, r, "oldest")), 30);
}

TEST(Growth, MeasurementsAreNotPartOfARowsIdentityForChange) {
    GrowthTracker g;
    Table a = step(g, leak(1, 3), 0);
    Table b = step(g, leak(1, 4), 1'000);
    Table c = with_change(b, &a);
    ASSERT_EQ(c.rows.size(), 1u) << "oldest and rate differ between samples, the group is the same";
    EXPECT_EQ(std::get<std::string>(c.rows[0].back()), "+1");
}

TEST(Growth, Words) {
    EXPECT_EQ(format_age(0), "0s");
    EXPECT_EQ(format_age(45), "45s");
    EXPECT_EQ(format_age(725), "12m05s");
    EXPECT_EQ(format_age(3 * 3600 + 12 * 60 + 59), "3h12m");
    EXPECT_EQ(format_age(2 * 86400 + 4 * 3600 + 5), "2d04h");
    EXPECT_EQ(format_rate(40), "+40/min");
    EXPECT_EQ(format_rate(0), "0/min");
    EXPECT_EQ(format_rate(-3), "-3/min");
}
