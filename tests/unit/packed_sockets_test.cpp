// Tests PackedSockets: every field comes back exactly, across blocks, with owners, after truncate.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tcpstat/packed_sockets.hpp"

using namespace tcpstat;

namespace {

void expect_same(const Socket& a, const Socket& b) {
    EXPECT_EQ(a.protocol, b.protocol);
    EXPECT_EQ(a.family, b.family);
    EXPECT_EQ(a.state, b.state);
    EXPECT_EQ(a.local, b.local);
    EXPECT_EQ(a.remote, b.remote);
    EXPECT_EQ(a.uid, b.uid);
    EXPECT_EQ(a.rx_queue, b.rx_queue);
    EXPECT_EQ(a.tx_queue, b.tx_queue);
    EXPECT_EQ(a.retransmits, b.retransmits);
    EXPECT_EQ(a.changed_by, b.changed_by);
    EXPECT_EQ(a.inode, b.inode);
    EXPECT_EQ(a.netns, b.netns);
    EXPECT_EQ(a.cookie, b.cookie);
    EXPECT_EQ(a.age_ms, b.age_ms);
    EXPECT_EQ(a.timer, b.timer);
    EXPECT_EQ(a.owners, b.owners);
}

IpAddress v6(std::uint8_t last, std::uint32_t scope = 0) {
    std::uint8_t b[16] = {0xfe, 0x80};
    b[15] = last;
    return IpAddress::from_v6_bytes(b, scope);
}

// A socket with random fields: each optional present or not, numbers from every varint length,
// including the largest a PackedOptional can hold.
Socket random_socket(std::mt19937_64& rng) {
    auto pick = [&](std::uint64_t max) {
        switch (rng() % 4) {
            case 0: return std::uint64_t{0};
            case 1: return rng() % 128;
            case 2: return max - 1;
            default: return rng() % max;
        }
    };
    auto maybe = [&] { return rng() % 3 != 0; };
    Socket s;
    s.protocol = rng() % 2 ? Protocol::Udp : Protocol::Tcp;
    s.family = rng() % 2 ? Family::Inet6 : Family::Inet;
    s.state = static_cast<TcpState>(1 + rng() % 12);
    s.local.addr = rng() % 2 ? v6(static_cast<std::uint8_t>(rng()), rng() % 2 ? 0 : static_cast<std::uint32_t>(pick(~0u)))
                             : IpAddress::v4(127, 0, static_cast<std::uint8_t>(rng()), 1);
    s.remote.addr = rng() % 2 ? v6(static_cast<std::uint8_t>(rng()), static_cast<std::uint32_t>(rng() % 3))
                              : IpAddress::v4(10, 1, 2, static_cast<std::uint8_t>(rng()));
    s.local.port = static_cast<std::uint16_t>(pick(65536));
    s.remote.port = static_cast<std::uint16_t>(pick(65536));
    if (maybe()) s.uid = static_cast<std::uint32_t>(pick(~0u));
    if (maybe()) s.rx_queue = static_cast<std::uint32_t>(pick(~0u));
    if (maybe()) s.tx_queue = static_cast<std::uint32_t>(pick(~0u));
    if (maybe()) s.retransmits = static_cast<std::uint32_t>(pick(~0u));
    if (maybe()) s.changed_by = static_cast<Pid>(static_cast<std::int64_t>(pick(1ull << 32)) - (1ll << 31) + 1);
    if (maybe()) s.inode = pick(~0ull);
    if (maybe()) s.netns = pick(~0ull);
    if (maybe()) s.cookie = pick(~0ull);
    if (maybe()) s.age_ms = pick(~0ull);
    if (maybe()) s.timer = Timer{static_cast<TimerKind>(rng() % 5), pick(~0ull) + 1};
    // Owners a table carries (Windows): pids and fds of every size, an fd absent.
    for (std::uint64_t k = rng() % 4; k > 0; --k) {
        Owner o;
        o.pid = static_cast<Pid>(pick(1ull << 31));
        if (maybe()) o.fd = static_cast<std::int32_t>(pick(1ull << 31));
        s.owners.push_back(o);
    }
    return s;
}

}  // namespace

TEST(PackedSockets, EveryFieldComesBackAcrossBlocks) {
    std::mt19937_64 rng(20261201);
    std::vector<Socket> originals;
    PackedSockets rows;
    for (int i = 0; i < 40000; ++i) {  // several blocks of every size
        originals.push_back(random_socket(rng));
        rows.append(originals.back());
    }
    ASSERT_EQ(rows.size(), originals.size());
    Socket out;
    for (std::size_t i = 0; i < originals.size(); ++i) {
        rows.decode(i, out);
        expect_same(out, originals[i]);
        EXPECT_EQ(rows.inode(i), originals[i].inode);
        if (::testing::Test::HasFailure()) FAIL() << "row " << i;
    }
}

TEST(PackedSockets, AbsentFieldsStayAbsentAndExtremesSurvive) {
    PackedSockets rows;
    Socket bare;  // nothing optional set
    rows.append(bare);
    Socket full;
    full.protocol = Protocol::Udp;
    full.family = Family::Inet6;
    full.state = TcpState::Listen;
    full.local = {v6(1, 0xfffffffe), 65535};
    full.remote = {IpAddress::v4(255, 255, 255, 255), 1};
    full.uid = 0xfffffffeu;
    full.rx_queue = 0u;
    full.tx_queue = 0u;
    full.retransmits = 1u;
    full.changed_by = -5;
    full.inode = ~0ull - 1;
    full.netns = 4026531840ull;
    full.cookie = 1ull;
    full.age_ms = 0ull;
    full.timer = Timer{TimerKind::TimeWait, 0};
    full.tcp_info = TcpInfo{};  // not packed: -e listings keep Sockets
    rows.append(full);

    Socket out;
    out.tcp_info = TcpInfo{};
    rows.decode(0, out);
    expect_same(out, bare);
    EXPECT_FALSE(out.tcp_info.has_value());
    rows.decode(1, out);
    full.tcp_info.reset();
    expect_same(out, full);
    EXPECT_EQ(rows.inode(0), std::nullopt);
}

TEST(PackedSockets, RowsKeepTheOwnersTheyCameWithUntilOwnersAreSet) {
    PackedSockets rows;
    Socket s;
    s.owners.push_back({4242, std::nullopt});  // as a Windows table names the pid
    rows.append(s);
    rows.append(Socket{});
    Socket out;
    rows.decode(0, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{4242, std::nullopt}}));
    rows.set_owners({{7, 1}}, {0, 0, 1});
    rows.decode(0, out);
    EXPECT_TRUE(out.owners.empty());
    rows.decode(1, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{7, 1}}));
    // A socket held by thousands of processes (a pre-fork server's listener) fits in a block.
    Socket shared;
    for (Pid p = 1; p <= 20000; ++p) shared.owners.push_back({p, 3});
    rows.append(shared);  // after the side table was set: it keeps its own
    rows.decode(2, out);
    EXPECT_EQ(out.owners.size(), 20000u);
    EXPECT_EQ(out.owners[19999], (Owner{20000, 3}));
    rows.decode(1, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{7, 1}}));
}

TEST(PackedSockets, OwnersComeFromTheSideTable) {
    PackedSockets rows;
    for (int i = 0; i < 3; ++i) rows.append(Socket{});
    rows.set_owners({{10, 3}, {11, 4}, {12, std::nullopt}}, {0, 2, 2, 3});
    Socket out;
    rows.decode(0, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{10, 3}, {11, 4}}));
    rows.decode(1, out);
    EXPECT_TRUE(out.owners.empty());
    rows.decode(2, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{12, std::nullopt}}));
    // A side table that does not fit the rows gives no owners rather than a wild read.
    rows.set_owners({{10, 3}}, {0, 1});
    rows.decode(0, out);
    EXPECT_TRUE(out.owners.empty());
}

TEST(PackedSockets, TruncateForgetsTheRowsAfterAndAppendGoesOn) {
    std::mt19937_64 rng(7);
    std::vector<Socket> originals;
    PackedSockets rows;
    for (int i = 0; i < 5000; ++i) {
        originals.push_back(random_socket(rng));
        rows.append(originals.back());
    }
    rows.truncate(1234);  // inside an early block: the blocks after it go
    ASSERT_EQ(rows.size(), 1234u);
    originals.resize(1234);
    for (int i = 0; i < 3000; ++i) {
        originals.push_back(random_socket(rng));
        rows.append(originals.back());
    }
    Socket out;
    for (std::size_t i = 0; i < originals.size(); ++i) {
        rows.decode(i, out);
        expect_same(out, originals[i]);
        if (::testing::Test::HasFailure()) FAIL() << "row " << i;
    }
}

TEST(PackedSockets, ATypicalIpv4RowIsAFractionOfASocket) {
    PackedSockets rows;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        Socket s;
        s.state = TcpState::Established;
        s.local = {IpAddress::v4(127, 0, 0, 1), static_cast<std::uint16_t>(40000 + i)};
        s.remote = {IpAddress::v4(127, 0, 0, 1), 6800};
        s.uid = 1000u;
        s.rx_queue = 0u;
        s.tx_queue = 0u;
        s.inode = 4000000ull + i;
        s.cookie = 90000ull + i;
        s.timer = Timer{TimerKind::KeepAlive, 7200000};
        rows.append(s);
    }
    EXPECT_LT(rows.bytes_used(), 1000 * 40u) << "a 160-byte Socket would be " << 1000 * sizeof(Socket);
}
