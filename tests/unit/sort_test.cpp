// Tests --sort: numeric, address, state and owner orders, missing values last, and stability.
#include <gtest/gtest.h>

#include "tcpstat/error.hpp"
#include "tcpstat/group.hpp"

using namespace tcpstat;

namespace {

// Each socket is tagged by its remote port so the resulting order is easy to read back.
Socket tagged(std::uint16_t tag) {
    Socket s;
    s.local = {IpAddress::v4(127, 0, 0, 1), 1};
    s.remote = {IpAddress::v4(127, 0, 0, 1), tag};
    return s;
}

std::vector<int> tags(const Snapshot& snap) {
    std::vector<int> out;
    for (const auto& s : snap.sockets) out.push_back(s.remote.port);
    return out;
}

}  // namespace

TEST(Sort, NumbersNumericallyMissingLastStable) {
    Snapshot snap;
    std::optional<std::uint32_t> queues[] = {100, std::nullopt, 9, 100, 1000, std::nullopt, 9};
    std::uint16_t tag = 1;
    for (auto q : queues) {
        snap.sockets.push_back(tagged(tag++));
        snap.sockets.back().rx_queue = q;
    }
    sort_sockets(snap, Field::RecvQ);
    EXPECT_EQ(tags(snap), (std::vector<int>{3, 7, 1, 4, 5, 2, 6}));
    sort_sockets(snap, Field::RecvQ, true);
    EXPECT_EQ(tags(snap), (std::vector<int>{5, 1, 4, 3, 7, 2, 6}));
}

TEST(Sort, Ports) {
    Snapshot snap;
    for (std::uint16_t p : {443, 22, 8080, 80}) {
        snap.sockets.push_back(tagged(p));
        snap.sockets.back().local.port = p;
    }
    sort_sockets(snap, Field::Lport);
    EXPECT_EQ(tags(snap), (std::vector<int>{22, 80, 443, 8080}));
    sort_sockets(snap, Field::Rport, true);
    EXPECT_EQ(tags(snap), (std::vector<int>{8080, 443, 80, 22}));
}

TEST(Sort, AddressesByValueV4First) {
    Snapshot snap;
    const char* addrs[] = {"10.0.0.10", "::1", "10.0.0.2", "9.255.255.255", "2001:db8::1"};
    std::uint16_t tag = 1;
    for (auto a : addrs) {
        snap.sockets.push_back(tagged(tag++));
        snap.sockets.back().local.addr = parse_address(a).value();
    }
    sort_sockets(snap, Field::Laddr);
    EXPECT_EQ(tags(snap), (std::vector<int>{4, 3, 1, 2, 5}));

    // Endpoints: address first, then port.
    snap.sockets[0].local = {IpAddress::v4(1, 1, 1, 1), 9};
    snap.sockets[1].local = {IpAddress::v4(1, 1, 1, 1), 8};
    sort_sockets(snap, Field::Local);
    EXPECT_EQ(snap.sockets[0].local.port, 8);
    EXPECT_EQ(snap.sockets[1].local.port, 9);
}

TEST(Sort, StateByEnumOrder) {
    Snapshot snap;
    TcpState states[] = {TcpState::TimeWait, TcpState::Listen, TcpState::Established, TcpState::CloseWait};
    std::uint16_t tag = 1;
    for (auto st : states) {
        snap.sockets.push_back(tagged(tag++));
        snap.sockets.back().state = st;
    }
    sort_sockets(snap, Field::State);
    EXPECT_EQ(tags(snap), (std::vector<int>{3, 1, 4, 2}));
}

TEST(Sort, PidAndProcessByFirstOwner) {
    Snapshot snap;
    snap.processes[5] = Process{"zebra", {}, {}, {}};
    snap.processes[7] = Process{"apache", {}, {}, {}};
    snap.sockets.push_back(tagged(1));
    snap.sockets.back().owners = {{7, 3}, {1, 3}};
    snap.sockets.push_back(tagged(2));  // unowned
    snap.sockets.push_back(tagged(3));
    snap.sockets.back().owners = {{5, 3}};
    snap.sockets.push_back(tagged(4));
    snap.sockets.back().owners = {{99, 3}};  // no process details
    sort_sockets(snap, Field::Pid);
    EXPECT_EQ(tags(snap), (std::vector<int>{3, 1, 4, 2}));
    sort_sockets(snap, Field::Process);
    EXPECT_EQ(tags(snap), (std::vector<int>{1, 3, 4, 2}));
    sort_sockets(snap, Field::Process, true);
    EXPECT_EQ(tags(snap), (std::vector<int>{3, 1, 4, 2}));
}

TEST(Sort, UserNamesThenUids) {
    Snapshot snap;
    snap.users[0] = "root";
    snap.users[33] = "www-data";
    std::optional<std::uint32_t> uids[] = {33, 1000, std::nullopt, 0};
    std::uint16_t tag = 1;
    for (auto u : uids) {
        snap.sockets.push_back(tagged(tag++));
        snap.sockets.back().uid = u;
    }
    sort_sockets(snap, Field::User);
    EXPECT_EQ(tags(snap), (std::vector<int>{4, 1, 2, 3}));
    sort_sockets(snap, Field::Uid);
    EXPECT_EQ(tags(snap), (std::vector<int>{4, 1, 2, 3}));
}

TEST(Sort, TcpInfoAndIdle) {
    Snapshot snap;
    for (std::uint16_t tag = 1; tag <= 3; ++tag) snap.sockets.push_back(tagged(tag));
    snap.sockets[0].tcp_info = TcpInfo{};
    snap.sockets[0].tcp_info->rtt_us = 500;
    snap.sockets[0].tcp_info->last_send_ms = 50;
    snap.sockets[0].tcp_info->last_recv_ms = 9000;
    snap.sockets[2].tcp_info = TcpInfo{};
    snap.sockets[2].tcp_info->rtt_us = 20;
    snap.sockets[2].tcp_info->last_recv_ms = 10;
    sort_sockets(snap, Field::Rtt);
    EXPECT_EQ(tags(snap), (std::vector<int>{3, 1, 2}));
    sort_sockets(snap, Field::IdleMs, true);
    EXPECT_EQ(tags(snap), (std::vector<int>{1, 3, 2}));
    sort_sockets(snap, Field::Cwnd);  // nobody has it: order unchanged
    EXPECT_EQ(tags(snap), (std::vector<int>{1, 3, 2}));
}

TEST(Sort, EveryFieldButOwnersIsSortable) {
    Snapshot snap;
    snap.sockets.push_back(tagged(2));
    snap.sockets.push_back(tagged(1));
    for (const auto& f : all_fields()) {
        if (f.field == Field::Owners) {
            EXPECT_THROW(sort_sockets(snap, f.field), UsageError);
        } else {
            EXPECT_NO_THROW(sort_sockets(snap, f.field)) << f.name;
        }
    }
    EXPECT_EQ(snap.sockets.size(), 2u);
}

TEST(Sort, LargeShuffleIsSortedStableAndKeepsEverySocket) {
    // Exercises the in-place permutation over long cycles.
    Snapshot snap;
    std::uint32_t state = 99;
    for (std::uint16_t tag = 0; tag < 5000; ++tag) {
        state = state * 1664525u + 1013904223u;
        snap.sockets.push_back(tagged(tag));
        snap.sockets.back().tx_queue = (state >> 8) % 100;
        snap.sockets.back().owners = {{static_cast<Pid>(tag), 3}};
    }
    sort_sockets(snap, Field::SendQ);
    ASSERT_EQ(snap.sockets.size(), 5000u);
    std::vector<bool> seen(5000, false);
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) {
        const Socket& s = snap.sockets[i];
        ASSERT_EQ(s.owners.size(), 1u);
        EXPECT_EQ(s.owners[0].pid, s.remote.port);  // each socket moved whole
        EXPECT_FALSE(seen[s.remote.port]);
        seen[s.remote.port] = true;
        if (i > 0) {
            const Socket& p = snap.sockets[i - 1];
            ASSERT_LE(*p.tx_queue, *s.tx_queue);
            if (*p.tx_queue == *s.tx_queue) {
                EXPECT_LT(p.remote.port, s.remote.port);  // stable
            }
        }
    }
}
