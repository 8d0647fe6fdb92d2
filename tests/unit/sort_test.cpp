// Tests --sort: numeric, address, state and owner orders, missing values last, and stability.
#include <gtest/gtest.h>

#include "tcpstat/error.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/sorting.hpp"

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

TEST(SortKeys, ParsingDescendingAndErrors) {
    EXPECT_EQ(parse_sort_keys("-idle_ms"), (std::vector<SortKey>{{Field::IdleMs, true}}));
    EXPECT_EQ(parse_sort_keys("state,lport"), (std::vector<SortKey>{{Field::State, false}, {Field::Lport, false}}));
    EXPECT_EQ(parse_sort_keys("RECV-Q,-rport"), (std::vector<SortKey>{{Field::RecvQ, false}, {Field::Rport, true}}));
    // Nothing is silently dropped: a second '-', a trailing separator, an empty item.
    for (std::string_view bad : {"--idle_ms", "idle_ms-", "+lport", "lport,", "", "owners", "lport,-lport"})
        EXPECT_THROW(parse_sort_keys(bad), UsageError) << bad;
    try {
        parse_sort_keys("lprot");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean lport?"), std::string::npos) << e.what();
    }
}

TEST(SortKeys, MultiKeyFirstKeyDecidesNextBreaksTies) {
    Snapshot snap;
    struct Row { TcpState st; std::uint16_t lport; std::uint16_t tag; };
    for (Row r : {Row{TcpState::Listen, 80, 1}, Row{TcpState::Established, 443, 2}, Row{TcpState::Listen, 22, 3},
                  Row{TcpState::Established, 80, 4}}) {
        snap.sockets.push_back(tagged(r.tag));
        snap.sockets.back().state = r.st;
        snap.sockets.back().local.port = r.lport;
    }
    const auto asc = parse_sort_keys("state,lport");
    sort_sockets(snap, asc);
    EXPECT_EQ(tags(snap), (std::vector<int>{4, 2, 3, 1}));
    const auto mixed = parse_sort_keys("-state,-lport");
    sort_sockets(snap, mixed);
    EXPECT_EQ(tags(snap), (std::vector<int>{1, 3, 2, 4}));
}

TEST(SortKeys, DescendingKeepsMissingValuesLast) {
    Snapshot snap;
    std::optional<std::uint32_t> idle[] = {5, std::nullopt, 900, 40};
    std::uint16_t tag = 1;
    for (auto v : idle) {
        snap.sockets.push_back(tagged(tag++));
        if (v) {
            TcpInfo t;
            t.last_send_ms = v;
            t.last_recv_ms = v;
            snap.sockets.back().tcp_info = t;
        }
    }
    const auto keys = parse_sort_keys("-idle_ms");
    sort_sockets(snap, keys);
    EXPECT_EQ(tags(snap), (std::vector<int>{3, 4, 1, 2})) << "the oldest first, unknown last";
}

TEST(GroupSort, ByColumnsCountAndErrors) {
    Snapshot snap;
    snap.processes[1] = Process{"zzz"};
    snap.processes[2] = Process{"aaa"};
    for (int i = 0; i < 3; ++i) {
        snap.sockets.push_back(tagged(1));
        snap.sockets.back().owners = {Owner{1, 3}};
    }
    snap.sockets.push_back(tagged(2));
    snap.sockets.back().owners = {Owner{2, 3}};
    snap.sockets.push_back(tagged(3));  // no owner: null process
    const std::vector<GroupKey> keys = {GroupKey::Process};
    auto names = [&](std::string_view sort) {
        const auto order = parse_group_sort(sort, keys);
        std::vector<std::string> out;
        for (const auto& row : group_sockets(snap, keys, nullptr, order).rows)
            out.push_back(std::holds_alternative<std::string>(row[0]) ? std::get<std::string>(row[0]) : "-");
        return out;
    };
    EXPECT_EQ(names("process"), (std::vector<std::string>{"aaa", "zzz", "-"}));
    EXPECT_EQ(names("-process"), (std::vector<std::string>{"zzz", "aaa", "-"})) << "missing last either way";
    EXPECT_EQ(names("count"), (std::vector<std::string>{"aaa", "-", "zzz"}));
    EXPECT_EQ(names("-count"), (std::vector<std::string>{"zzz", "aaa", "-"}));
    EXPECT_THROW(parse_group_sort("lport", keys), UsageError) << "not a column of this grouping";
    EXPECT_THROW(parse_group_sort("process,", keys), UsageError);
    EXPECT_THROW(parse_group_sort("--count", keys), UsageError);
}
