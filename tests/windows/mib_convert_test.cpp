// Owns the tests of the pure MIB conversion: hand-built table bytes, as Windows lays them out in memory.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "platform/windows/mib_convert.hpp"

namespace tcpstat::win {
namespace {

// Writes tables byte by byte the way iphlpapi fills them: DWORDs in host order, addresses and
// ports as network-order bytes. Tests never use the code under test to encode their input.
class TableBytes {
public:
    explicit TableBytes(std::uint32_t count) { u32(count); }
    TableBytes& u32(std::uint32_t v) {
        const auto at = bytes_.size();
        bytes_.resize(at + 4);
        std::memcpy(bytes_.data() + at, &v, 4);
        return *this;
    }
    TableBytes& raw(std::initializer_list<unsigned> values) {
        for (unsigned v : values) bytes_.push_back(static_cast<std::byte>(v));
        return *this;
    }
    // A port DWORD: network-order port in the first two bytes, junk after it as Windows allows.
    TableBytes& port(unsigned p, unsigned junk_hi = 0xAB, unsigned junk_lo = 0xCD) {
        return raw({(p >> 8) & 0xff, p & 0xff, junk_hi, junk_lo});
    }
    TableBytes& v6(std::initializer_list<unsigned> sixteen) {
        EXPECT_EQ(sixteen.size(), 16u);
        return raw(sixteen);
    }
    std::vector<std::byte>& bytes() { return bytes_; }

private:
    std::vector<std::byte> bytes_;
};

std::uint32_t dword_of(std::initializer_list<unsigned> four) {
    std::uint8_t b[4];
    std::size_t i = 0;
    for (unsigned v : four) b[i++] = static_cast<std::uint8_t>(v);
    std::uint32_t d;
    std::memcpy(&d, b, 4);
    return d;
}

const std::initializer_list<unsigned> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const std::initializer_list<unsigned> kLinkLocal6 = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};

TEST(MibState, EveryMibNumberMapsToItsTcpState) {
    EXPECT_EQ(state_from_mib(1), TcpState::Close);
    EXPECT_EQ(state_from_mib(2), TcpState::Listen);
    EXPECT_EQ(state_from_mib(3), TcpState::SynSent);
    EXPECT_EQ(state_from_mib(4), TcpState::SynRecv);
    EXPECT_EQ(state_from_mib(5), TcpState::Established);
    EXPECT_EQ(state_from_mib(6), TcpState::FinWait1);
    EXPECT_EQ(state_from_mib(7), TcpState::FinWait2);
    EXPECT_EQ(state_from_mib(8), TcpState::CloseWait);
    EXPECT_EQ(state_from_mib(9), TcpState::Closing);
    EXPECT_EQ(state_from_mib(10), TcpState::LastAck);
    EXPECT_EQ(state_from_mib(11), TcpState::TimeWait);
    EXPECT_EQ(state_from_mib(12), TcpState::DeleteTcb);
}

TEST(MibState, NumbersOutsideTheMibAreRejected) {
    EXPECT_EQ(state_from_mib(0), std::nullopt);
    EXPECT_EQ(state_from_mib(13), std::nullopt);
    EXPECT_EQ(state_from_mib(0xffffffffu), std::nullopt);
}

TEST(MibPort, ReadsNetworkOrderAndIgnoresTheHighHalf) {
    EXPECT_EQ(port_from_mib(dword_of({0x00, 0x50, 0x00, 0x00})), 80);
    EXPECT_EQ(port_from_mib(dword_of({0x00, 0x01, 0x00, 0x00})), 1);  // not 256
    EXPECT_EQ(port_from_mib(dword_of({0x1f, 0x90, 0xde, 0xad})), 8080);
    EXPECT_EQ(port_from_mib(dword_of({0xff, 0xff, 0x12, 0x34})), 65535);
    EXPECT_EQ(port_from_mib(dword_of({0xc3, 0x50, 0xff, 0xff})), 50000);
}

TEST(MibAddress, Ipv4BytesAreTakenInMemoryOrder) {
    const IpAddress a = ipv4_from_mib(dword_of({192, 168, 1, 10}));
    EXPECT_EQ(a.family, Family::Inet);
    EXPECT_EQ(a, IpAddress::v4(192, 168, 1, 10));
}

TEST(MibRow, Tcp4EstablishedRow) {
    TcpRow4 row;
    row.state = 5;
    row.local_addr = dword_of({10, 0, 0, 7});
    row.local_port = dword_of({0xc3, 0x50, 0x99, 0x99});
    row.remote_addr = dword_of({93, 184, 216, 34});
    row.remote_port = dword_of({0x01, 0xbb, 0, 0});
    row.pid = 4321;
    const auto s = socket_from_row(row);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->protocol, Protocol::Tcp);
    EXPECT_EQ(s->family, Family::Inet);
    EXPECT_EQ(s->state, TcpState::Established);
    EXPECT_EQ(s->local.addr, IpAddress::v4(10, 0, 0, 7));
    EXPECT_EQ(s->local.port, 50000);
    EXPECT_EQ(s->remote.addr, IpAddress::v4(93, 184, 216, 34));
    EXPECT_EQ(s->remote.port, 443);
    ASSERT_EQ(s->owners.size(), 1u);
    EXPECT_EQ(s->owners[0], (Owner{4321, std::nullopt}));
    EXPECT_FALSE(s->uid);
    EXPECT_FALSE(s->inode);
}

TEST(MibRow, ListenerRemoteJunkIsReportedAsWildcard) {
    TcpRow4 row;
    row.state = 2;
    row.local_addr = dword_of({0, 0, 0, 0});
    row.local_port = dword_of({0x00, 0x50, 0, 0});
    row.remote_addr = dword_of({0, 0, 0, 0});
    row.remote_port = dword_of({0x6b, 0x12, 0, 0});  // Windows leaves arbitrary values here
    row.pid = 8;
    const auto s = socket_from_row(row);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, TcpState::Listen);
    EXPECT_EQ(s->remote.port, 0);
    EXPECT_TRUE(s->remote.addr.is_unspecified());
    EXPECT_EQ(s->remote.addr.family, Family::Inet);
}

TEST(MibRow, PidZeroMeansNoOwner) {
    TcpRow4 row;
    row.state = 11;  // TIME_WAIT sockets belong to no process
    row.local_port = dword_of({0x00, 0x50, 0, 0});
    row.pid = 0;
    const auto s = socket_from_row(row);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, TcpState::TimeWait);
    EXPECT_TRUE(s->owners.empty());
}

TEST(MibRow, Tcp4UnknownStateIsRejected) {
    TcpRow4 row;
    row.state = 42;
    EXPECT_FALSE(socket_from_row(row));
}

TEST(MibRow, Tcp6KeepsBothScopeIds) {
    TcpRow6 row;
    std::copy(kLinkLocal6.begin(), kLinkLocal6.end(), row.local_addr.begin());
    row.local_scope_id = 7;
    row.local_port = dword_of({0x00, 0x16, 0, 0});
    std::copy(kLinkLocal6.begin(), kLinkLocal6.end(), row.remote_addr.begin());
    row.remote_addr[15] = 0x99;
    row.remote_scope_id = 7;
    row.remote_port = dword_of({0xd4, 0x31, 0, 0});
    row.state = 8;
    row.pid = 900;
    const auto s = socket_from_row(row);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->family, Family::Inet6);
    EXPECT_EQ(s->state, TcpState::CloseWait);
    EXPECT_EQ(s->local.addr.family, Family::Inet6);
    EXPECT_EQ(s->local.addr.scope_id, 7u);
    EXPECT_EQ(s->local.addr.bytes[0], 0xfe);
    EXPECT_EQ(s->local.addr.bytes[15], 0x34);
    EXPECT_EQ(s->local.port, 22);
    EXPECT_EQ(s->remote.addr.scope_id, 7u);
    EXPECT_EQ(s->remote.addr.bytes[15], 0x99);
    EXPECT_EQ(s->remote.port, 54321);
    EXPECT_EQ(s->owners, (std::vector<Owner>{{900, std::nullopt}}));
}

TEST(MibRow, ScopeIdsAreKeptOnlyWhereTheyMeanAZone) {
    TcpRow6 row;
    std::copy(kLoopback6.begin(), kLoopback6.end(), row.local_addr.begin());
    row.local_scope_id = 4096;  // what Wine 8 reports for ::1
    row.local_port = dword_of({0x00, 0x50, 0, 0});
    row.remote_addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    row.remote_scope_id = 3;
    row.state = 5;
    const auto s = socket_from_row(row);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->local.addr.scope_id, 0u);
    EXPECT_EQ(s->remote.addr.scope_id, 0u);

    UdpRow6 site;
    site.local_addr = {0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    site.local_scope_id = 2;
    EXPECT_EQ(socket_from_row(site).local.addr.scope_id, 2u);
    UdpRow6 ula;  // fd00::/8 is global in scope: no zone
    ula.local_addr = {0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    ula.local_scope_id = 2;
    EXPECT_EQ(socket_from_row(ula).local.addr.scope_id, 0u);
}

// Interfaces 1 (loopback) and 3, fe80::1234 on interface 3: what a test host's tables say.
ZoneLookup host_with_interface_3() {
    return ZoneLookup{[](const IpAddress& a) -> std::optional<std::uint32_t> {
                          if (a.bytes[0] == 0xfe && a.bytes[14] == 0x12 && a.bytes[15] == 0x34) return 3u;
                          return std::nullopt;
                      },
                      [](std::uint32_t i) { return i == 1 || i == 3; }};
}

IpAddress link_local(unsigned last, std::uint32_t scope) {
    std::uint8_t b[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(last)};
    return IpAddress::from_v6_bytes(b, scope);
}

TEST(MibZone, TheInterfaceHoldingTheLocalAddressWins) {
    // Wine 8 writes htons(0x20) = 8192 (Linux's link scope class) for fe80::1234 on interface 3.
    std::uint8_t mine[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};
    const IpAddress local = IpAddress::from_v6_bytes(mine);
    EXPECT_EQ(zone_from_mib(8192, local, host_with_interface_3()), 3u);
    EXPECT_EQ(zone_from_mib(3, local, host_with_interface_3()), 3u);
}

TEST(MibZone, OtherwiseTheNumberAsReadThenByteSwappedThenNone) {
    const ZoneLookup lookup = host_with_interface_3();
    const IpAddress elsewhere = link_local(9, 0);  // not held here (a remote address)
    EXPECT_EQ(zone_from_mib(3, elsewhere, lookup), 3u);           // as .NET and Wine 10 read it
    EXPECT_EQ(zone_from_mib(0x03000000u, elsewhere, lookup), 3u);  // network order, as documented
    EXPECT_EQ(zone_from_mib(8192, elsewhere, lookup), 0u);        // names no interface: no zone
    EXPECT_EQ(zone_from_mib(0, elsewhere, lookup), 0u);
}

TEST(MibZone, SettlesTheRowsOfATable) {
    // A CLOSE_WAIT row fe80::1234 -> fe80::99 as Wine 8 writes it, both scope ids 8192.
    TcpRow6 row;
    row.local_addr = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};
    row.local_scope_id = 8192;
    row.remote_addr = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
    row.remote_scope_id = 8192;
    row.state = 8;
    std::vector<Socket> sockets{*socket_from_row(row)};
    TcpRow6 lo;
    std::copy(kLoopback6.begin(), kLoopback6.end(), lo.local_addr.begin());
    lo.local_scope_id = 4096;
    lo.state = 2;
    sockets.push_back(*socket_from_row(lo));
    settle_zones(sockets, host_with_interface_3());
    EXPECT_EQ(format_address(sockets[0].local.addr), "fe80::1234%3");
    EXPECT_EQ(format_address(sockets[0].remote.addr), "fe80::99%3");
    EXPECT_EQ(format_address(sockets[1].local.addr), "::1");
}

TEST(MibRow, UdpRowsAreUnconnected) {
    UdpRow4 row4{dword_of({127, 0, 0, 53}), dword_of({0x00, 0x35, 1, 2}), 1500};
    const Socket s4 = socket_from_row(row4);
    EXPECT_EQ(s4.protocol, Protocol::Udp);
    EXPECT_EQ(s4.family, Family::Inet);
    EXPECT_EQ(s4.state, TcpState::Close);
    EXPECT_EQ(s4.local.addr, IpAddress::v4(127, 0, 0, 53));
    EXPECT_EQ(s4.local.port, 53);
    EXPECT_TRUE(s4.remote.addr.is_unspecified());
    EXPECT_EQ(s4.remote.port, 0);
    EXPECT_EQ(s4.owners, (std::vector<Owner>{{1500, std::nullopt}}));

    UdpRow6 row6;
    std::copy(kLinkLocal6.begin(), kLinkLocal6.end(), row6.local_addr.begin());
    row6.local_scope_id = 12;
    row6.local_port = dword_of({0x14, 0xe9, 0, 0});
    row6.pid = 0;
    const Socket s6 = socket_from_row(row6);
    EXPECT_EQ(s6.protocol, Protocol::Udp);
    EXPECT_EQ(s6.family, Family::Inet6);
    EXPECT_EQ(s6.state, TcpState::Close);
    EXPECT_EQ(s6.local.addr.scope_id, 12u);
    EXPECT_EQ(s6.local.port, 5353);
    EXPECT_EQ(s6.remote.addr.family, Family::Inet6);
    EXPECT_TRUE(s6.owners.empty());
}

TEST(MibTable, RowSizesMatchTheWindowsStructs) {
    EXPECT_EQ(row_size(TableKind::Tcp4), 24u);
    EXPECT_EQ(row_size(TableKind::Tcp6), 56u);
    EXPECT_EQ(row_size(TableKind::Udp4), 12u);
    EXPECT_EQ(row_size(TableKind::Udp6), 28u);
}

TEST(MibTable, DecodesTcp4Rows) {
    TableBytes t(2);
    t.u32(2).raw({127, 0, 0, 1}).port(8080).raw({0, 0, 0, 0}).port(0, 0x77, 0x77).u32(100);
    t.u32(5).raw({127, 0, 0, 1}).port(51000).raw({127, 0, 0, 1}).port(8080).u32(200);
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp4, t.bytes(), out);
    EXPECT_EQ(r.rows, 2u);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.unknown_state, 0u);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].state, TcpState::Listen);
    EXPECT_EQ(out[0].local.port, 8080);
    EXPECT_EQ(out[0].owners[0].pid, 100);
    EXPECT_EQ(out[1].state, TcpState::Established);
    EXPECT_EQ(out[1].local.port, 51000);
    EXPECT_EQ(out[1].remote.port, 8080);
    EXPECT_EQ(out[1].remote.addr, IpAddress::v4(127, 0, 0, 1));
    EXPECT_EQ(out[1].owners[0].pid, 200);
}

TEST(MibTable, DecodesTcp6FieldsAtTheirOffsets) {
    TableBytes t(1);
    t.v6(kLoopback6).u32(0).port(443);
    t.v6(kLinkLocal6).u32(3).port(60001);
    t.u32(6).u32(77);
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp6, t.bytes(), out);
    ASSERT_EQ(r.rows, 1u);
    const Socket& s = out.at(0);
    EXPECT_EQ(s.state, TcpState::FinWait1);
    EXPECT_EQ(s.local.addr.bytes[15], 1);
    EXPECT_EQ(s.local.addr.scope_id, 0u);
    EXPECT_EQ(s.local.port, 443);
    EXPECT_EQ(s.remote.addr.bytes[0], 0xfe);
    EXPECT_EQ(s.remote.addr.scope_id, 3u);
    EXPECT_EQ(s.remote.port, 60001);
    EXPECT_EQ(s.owners[0].pid, 77);
}

TEST(MibTable, DecodesUdpTables) {
    TableBytes t4(2);
    t4.raw({0, 0, 0, 0}).port(137).u32(4);
    t4.raw({192, 168, 0, 2}).port(5353).u32(0);
    std::vector<Socket> out;
    EXPECT_EQ(decode_table(TableKind::Udp4, t4.bytes(), out).rows, 2u);
    TableBytes t6(1);
    t6.v6(kLinkLocal6).u32(9).port(546).u32(1234);
    EXPECT_EQ(decode_table(TableKind::Udp6, t6.bytes(), out).rows, 1u);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].local.port, 137);
    EXPECT_EQ(out[1].local.addr, IpAddress::v4(192, 168, 0, 2));
    EXPECT_TRUE(out[1].owners.empty());
    EXPECT_EQ(out[2].family, Family::Inet6);
    EXPECT_EQ(out[2].local.addr.scope_id, 9u);
    EXPECT_EQ(out[2].local.port, 546);
    for (const Socket& s : out) {
        EXPECT_EQ(s.protocol, Protocol::Udp);
        EXPECT_EQ(s.state, TcpState::Close);
    }
}

TEST(MibTable, AppendsToExistingSockets) {
    std::vector<Socket> out(3);
    TableBytes t(1);
    t.raw({0, 0, 0, 0}).port(53).u32(10);
    decode_table(TableKind::Udp4, t.bytes(), out);
    EXPECT_EQ(out.size(), 4u);
    EXPECT_EQ(out.back().local.port, 53);
}

TEST(MibTable, SkipsAndCountsUnknownStates) {
    TableBytes t(3);
    t.u32(5).raw({1, 1, 1, 1}).port(1).raw({2, 2, 2, 2}).port(2).u32(1);
    t.u32(99).raw({1, 1, 1, 1}).port(3).raw({2, 2, 2, 2}).port(4).u32(1);
    t.u32(0).raw({1, 1, 1, 1}).port(5).raw({2, 2, 2, 2}).port(6).u32(1);
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp4, t.bytes(), out);
    EXPECT_EQ(r.rows, 1u);
    EXPECT_EQ(r.unknown_state, 2u);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].local.port, 1);
}

TEST(MibTable, TruncatedBufferKeepsTheWholeRowsOnly) {
    TableBytes t(3);
    t.u32(5).raw({1, 1, 1, 1}).port(1).raw({2, 2, 2, 2}).port(2).u32(1);
    t.u32(5).raw({1, 1, 1, 1}).port(3).raw({2, 2, 2, 2}).port(4).u32(1);
    t.u32(5).raw({1, 1, 1, 1});  // third row cut after 8 bytes
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp4, t.bytes(), out);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.rows, 2u);
    EXPECT_EQ(out.size(), 2u);
}

TEST(MibTable, AbsurdRowCountDoesNotReadPastTheBuffer) {
    TableBytes t(0xffffffffu);
    t.raw({0, 0, 0, 0}).port(53).u32(10);
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Udp4, t.bytes(), out);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.rows, 1u);
}

TEST(MibTable, BufferShorterThanTheHeader) {
    std::vector<std::byte> tiny(3, std::byte{1});
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp6, tiny, out);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.rows, 0u);
    EXPECT_TRUE(decode_table(TableKind::Tcp6, {}, out).truncated);
    EXPECT_TRUE(out.empty());
}

TEST(MibTable, EmptyTableIsNotTruncated) {
    TableBytes t(0);
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp4, t.bytes(), out);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.rows, 0u);
}

TEST(MibTable, UnalignedBufferDecodes) {
    TableBytes t(1);
    t.raw({0, 0, 0, 0}).port(161).u32(3);
    std::vector<std::byte> shifted(1);
    shifted.insert(shifted.end(), t.bytes().begin(), t.bytes().end());
    std::vector<Socket> out;
    decode_table(TableKind::Udp4, std::span<const std::byte>(shifted).subspan(1), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].local.port, 161);
}

// TCP_TABLE_OWNER_MODULE_ALL: the row count, 4 bytes of padding (the rows hold a LARGE_INTEGER,
// so they start 8-aligned), then the OWNER_PID fields, liCreateTimestamp and 128 bytes of module info.
TableBytes& u64(TableBytes& t, std::uint64_t v) { return t.u32(static_cast<std::uint32_t>(v)).u32(static_cast<std::uint32_t>(v >> 32)); }
TableBytes& module_info(TableBytes& t) {
    for (int i = 0; i < 32; ++i) t.u32(0xDEADBEEF);
    return t;
}
constexpr std::uint64_t kNow = 134000000000000000ull;         // a FILETIME in 2025
constexpr std::uint64_t kHourAgo = kNow - 3600ull * 10000000;  // 100 ns units

TEST(MibModule, RowAndHeaderSizes) {
    EXPECT_EQ(header_size(TableKind::Tcp4, TableClass::OwnerModule), 8u);
    EXPECT_EQ(header_size(TableKind::Tcp4, TableClass::OwnerPid), 4u);
    EXPECT_EQ(row_size(TableKind::Tcp4, TableClass::OwnerModule), 160u);
    EXPECT_EQ(row_size(TableKind::Tcp6, TableClass::OwnerModule), 192u);
    // UDP is always read as OWNER_PID.
    EXPECT_EQ(header_size(TableKind::Udp4, TableClass::OwnerModule), 4u);
    EXPECT_EQ(row_size(TableKind::Udp6, TableClass::OwnerModule), 28u);
}

TEST(MibModule, Tcp4RowsCarryTheirAgeFromTheCreationTimestamp) {
    TableBytes t(2);
    t.u32(0);  // padding to the 8-aligned rows
    t.u32(8).raw({127, 0, 0, 1}).port(6800).raw({127, 0, 0, 1}).port(50001).u32(1200);
    module_info(u64(t, kHourAgo));
    t.u32(2).raw({0, 0, 0, 0}).port(6800).raw({0, 0, 0, 0}).port(0).u32(1200);
    module_info(u64(t, 0));  // Wine: no timestamp
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp4, t.bytes(), out, TableClass::OwnerModule, kNow);
    EXPECT_EQ(r.rows, 2u);
    EXPECT_FALSE(r.truncated);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].state, TcpState::CloseWait);
    EXPECT_EQ(out[0].remote.port, 50001);
    EXPECT_EQ(out[0].owners.at(0).pid, 1200);
    EXPECT_EQ(out[0].age_ms, 3600u * 1000);
    EXPECT_EQ(out[1].state, TcpState::Listen);
    EXPECT_EQ(out[1].age_ms, std::nullopt) << "a zero timestamp is unknown, not 400 years";
}

TEST(MibModule, Tcp6RowsCarryTheirAge) {
    TableBytes t(1);
    t.u32(0);
    t.v6(kLoopback6).u32(0).port(443).v6(kLoopback6).u32(0).port(50002).u32(11).u32(77);
    module_info(u64(t, kNow - 25000));  // 2.5 ms ago
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp6, t.bytes(), out, TableClass::OwnerModule, kNow);
    ASSERT_EQ(r.rows, 1u);
    EXPECT_EQ(out[0].state, TcpState::TimeWait);
    EXPECT_EQ(out[0].local.port, 443);
    EXPECT_EQ(out[0].owners.at(0).pid, 77);
    EXPECT_EQ(out[0].age_ms, 2u) << "rounded down";
}

TEST(MibModule, AnOwnerPidTableHasNoAges) {
    TableBytes t(1);
    t.u32(5).raw({127, 0, 0, 1}).port(1).raw({127, 0, 0, 1}).port(2).u32(9);
    std::vector<Socket> out;
    decode_table(TableKind::Tcp4, t.bytes(), out, TableClass::OwnerPid, kNow);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].age_ms, std::nullopt);
}

TEST(MibModule, TruncatedModuleTableKeepsWholeRows) {
    TableBytes t(2);
    t.u32(0);
    t.u32(5).raw({127, 0, 0, 1}).port(1).raw({127, 0, 0, 1}).port(2).u32(9);
    module_info(u64(t, kHourAgo));
    t.u32(5).raw({127, 0, 0, 1});
    std::vector<Socket> out;
    const DecodeResult r = decode_table(TableKind::Tcp4, t.bytes(), out, TableClass::OwnerModule, kNow);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.rows, 1u);
}

TEST(MibAge, FromTheCreationTimestamp) {
    EXPECT_EQ(age_from_created(kHourAgo, kNow), 3600u * 1000);
    EXPECT_EQ(age_from_created(kNow, kNow), 0u);
    EXPECT_EQ(age_from_created(0, kNow), std::nullopt);
    EXPECT_EQ(age_from_created(kHourAgo, 0), std::nullopt);
    EXPECT_EQ(age_from_created(kNow + 1, kNow), std::nullopt) << "a timestamp in the future is not an age";
}

// The decision behind the pid-reuse check, on data: the socket was bound `age` before the table
// read; a process created after that cannot be the one that bound it.
TEST(MibPidReuse, AProcessCreatedAfterTheSocketIsAnotherProgram) {
    const std::uint64_t read = kNow;
    const std::uint64_t minute = 60ull * 10000000;
    // The socket is an hour old; its process started two hours ago: the owner.
    EXPECT_FALSE(process_newer_than_socket(kNow - 2 * 60 * minute, read, 3600 * 1000));
    // The process started a minute ago, the socket an hour ago: the pid was reused.
    EXPECT_TRUE(process_newer_than_socket(kNow - minute, read, 3600 * 1000));
    // Created in the same 100 ns as the socket: not after it.
    EXPECT_FALSE(process_newer_than_socket(kNow - 10000, read, 1));
    // Unknown times decide nothing.
    EXPECT_FALSE(process_newer_than_socket(0, read, 3600 * 1000));
    EXPECT_FALSE(process_newer_than_socket(kNow - minute, 0, 3600 * 1000));
    // An age older than the calendar is corrupt, not a reuse.
    EXPECT_FALSE(process_newer_than_socket(kNow - minute, read, ~0ull / 10000));
}

// Rounding the age down moves the socket's derived creation later by under 1 ms: a process made
// within that millisecond after the socket is missed, the true owner never blamed.
TEST(MibPidReuse, TheRoundedAgeNeverBlamesTheTrueOwner) {
    const std::uint64_t created = kNow - 12345678;  // the socket, 1234.5678 ms before the read
    const std::uint64_t age = *age_from_created(created, kNow);
    EXPECT_EQ(age, 1234u);
    EXPECT_FALSE(process_newer_than_socket(created, kNow, age)) << "the owner created in the same instant";
    EXPECT_FALSE(process_newer_than_socket(created - 1, kNow, age));
    EXPECT_TRUE(process_newer_than_socket(created + 10000, kNow, age)) << "1 ms after the socket";
}

TEST(MibPidReuse, OneWarningCountsThePids) {
    EXPECT_EQ(reused_pids_warning(0), std::nullopt);
    EXPECT_EQ(reused_pids_warning(1), "owners of some sockets are unknown: 1 pid was reused by a process started "
                                      "after the socket was created (the owner has exited)");
    EXPECT_EQ(reused_pids_warning(3), "owners of some sockets are unknown: 3 pids were reused by a process started "
                                      "after the socket was created (the owner has exited)");
}

TEST(MibModule, TheClassIsRefusedWithInvalidParameterOrNotSupported) {
    EXPECT_TRUE(class_refused(87));
    EXPECT_TRUE(class_refused(50));
    EXPECT_FALSE(class_refused(kStatusUnsuccessful));
    EXPECT_FALSE(class_refused(5));  // access denied is no reason to drop the ages
}

// A fake GetExtended*Table whose table is `sizes[i]` bytes at its i-th call.
struct GrowingTable {
    std::vector<std::uint32_t> sizes;
    std::vector<std::uint32_t> offered;  // the buffer size passed in at each call
    std::vector<bool> got_null;
    std::size_t calls = 0;

    FetchOutcome operator()(std::byte* buffer, std::uint32_t& size) {
        const std::uint32_t now = sizes[std::min(calls, sizes.size() - 1)];
        ++calls;
        offered.push_back(size);
        got_null.push_back(buffer == nullptr);
        if (buffer == nullptr || size < now) {
            size = now;
            return {FetchStatus::TooSmall, 0};
        }
        std::memset(buffer, 0x5a, now);
        return {FetchStatus::Ok, 0};
    }
};

TEST(MibRetry, QueriesTheSizeThenReads) {
    GrowingTable table{{100}, {}, {}, 0};
    const GrowResult r = read_growing_table(std::ref(table));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.tries, 2);
    EXPECT_EQ(table.calls, 2u);
    EXPECT_TRUE(table.got_null[0]);
    EXPECT_FALSE(table.got_null[1]);
    EXPECT_GE(table.offered[1], 100u);
    ASSERT_GE(r.buffer.size(), 100u);
    EXPECT_EQ(r.buffer[99], std::byte{0x5a});
}

TEST(MibRetry, SurvivesATableThatGrowsBetweenQueryAndRead) {
    // Grows past the slack twice, then settles.
    const std::uint32_t big = 10 * kTableSlack;
    GrowingTable table{{100, 100 + 2 * kTableSlack, big, big}, {}, {}, 0};
    const GrowResult r = read_growing_table(std::ref(table));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.tries, 4);
    EXPECT_GE(r.buffer.size(), big);
}

TEST(MibRetry, SmallGrowthIsAbsorbedByTheSlack) {
    GrowingTable table{{1000, 1000 + 24 * 10}, {}, {}, 0};
    const GrowResult r = read_growing_table(std::ref(table));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.tries, 2);
}

TEST(MibRetry, GivesUpAfterBoundedTries) {
    // Doubles at every call: faster than any headroom proportional to the table.
    std::vector<std::uint32_t> ever_bigger;
    for (std::uint32_t i = 1; i <= 20; ++i) ever_bigger.push_back(kTableSlack << i);
    GrowingTable table{ever_bigger, {}, {}, 0};
    const GrowResult r = read_growing_table(std::ref(table));
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.kept_growing);
    EXPECT_EQ(r.tries, kMaxTableTries);
    EXPECT_EQ(table.calls, static_cast<std::size_t>(kMaxTableTries));
    EXPECT_TRUE(r.buffer.empty());
}

TEST(MibRetry, PassesOnAnApiError) {
    int calls = 0;
    const GrowResult r = read_growing_table([&](std::byte*, std::uint32_t& size) {
        ++calls;
        if (calls == 1) {
            size = 64;
            return FetchOutcome{FetchStatus::TooSmall, 0};
        }
        return FetchOutcome{FetchStatus::Failed, 87};
    });
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.kept_growing);
    EXPECT_EQ(r.error, 87u);
    EXPECT_EQ(calls, 2);
}

// A busy host: 40000 connections (~1 MB) and 10000 more by the time of the read. The headroom
// grows with the table, so the read after the size query succeeds; a fixed 4 KiB (~170 rows)
// would miss it.
TEST(MibRetry, HeadroomIsProportionalToTheTable) {
    const std::uint32_t rows = 40000, more = 10000;
    GrowingTable table{{4 + rows * 24, 4 + (rows + more) * 24}, {}, {}, 0};
    const GrowResult r = read_growing_table(std::ref(table));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.tries, 2);
    EXPECT_EQ(table_slack(100), kTableSlack);
    EXPECT_EQ(table_slack(1u << 20), 1u << 18);
}

// GetExtended*Table answers STATUS_UNSUCCESSFUL now and then while the kernel's table changes:
// another try succeeds, within the same bound.
TEST(MibRetry, StatusUnsuccessfulIsRetried) {
    int calls = 0;
    const GrowResult r = read_growing_table([&](std::byte* buffer, std::uint32_t& size) {
        ++calls;
        if (buffer == nullptr) {
            size = 64;
            return FetchOutcome{FetchStatus::TooSmall, 0};
        }
        if (calls <= 3) return outcome_of_api(0xC0000001u);
        return outcome_of_api(0);
    });
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(calls, 4);
    EXPECT_EQ(r.tries, 4);
    EXPECT_FALSE(r.transient);
}

TEST(MibRetry, StatusUnsuccessfulOnEveryTryIsReportedAsSuch) {
    int calls = 0;
    const GrowResult r = read_growing_table([&](std::byte*, std::uint32_t&) {
        ++calls;
        return outcome_of_api(0xC0000001u);
    });
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.kept_growing);
    EXPECT_TRUE(r.transient);
    EXPECT_EQ(r.error, kStatusUnsuccessful);
    EXPECT_EQ(calls, kMaxTableTries);
}

TEST(MibRetry, ApiCodesAndTheirWords) {
    EXPECT_EQ(outcome_of_api(0).status, FetchStatus::Ok);
    EXPECT_EQ(outcome_of_api(122).status, FetchStatus::TooSmall);
    EXPECT_EQ(outcome_of_api(0xC0000001u).status, FetchStatus::Transient);
    EXPECT_EQ(outcome_of_api(87).status, FetchStatus::Failed);
    EXPECT_EQ(outcome_of_api(87).error, 87u);
    EXPECT_EQ(ntstatus_text(0xC0000001u), "STATUS_UNSUCCESSFUL (0xC0000001)");
    EXPECT_EQ(ntstatus_text(0xC0000017u), "STATUS_NO_MEMORY (0xC0000017)");
    EXPECT_EQ(ntstatus_text(0xC0001234u), "NTSTATUS (0xC0001234)");
    EXPECT_EQ(ntstatus_text(87), std::nullopt);  // a Win32 code: FormatMessage names it
}

TEST(MibRetry, AFetcherThatNeverAsksForMoreStillStops) {
    int calls = 0;
    const GrowResult r = read_growing_table([&](std::byte*, std::uint32_t&) {
        ++calls;
        return FetchOutcome{FetchStatus::TooSmall, 0};
    });
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.kept_growing);
    EXPECT_EQ(calls, kMaxTableTries);
}

TEST(MibNames, ImageBasename) {
    EXPECT_EQ(image_basename(L"C:\\Windows\\System32\\svchost.exe"), L"svchost.exe");
    EXPECT_EQ(image_basename(L"\\\\?\\D:\\very long\\app.exe"), L"app.exe");
    EXPECT_EQ(image_basename(L"Z:/work/build-win/tcpstat.exe"), L"tcpstat.exe");
    EXPECT_EQ(image_basename(L"plain.exe"), L"plain.exe");
    EXPECT_EQ(image_basename(L""), L"");
}

TEST(MibNames, HiddenOwnersWarningOnlyWhenSomethingWasHidden) {
    EXPECT_FALSE(hidden_owners_warning(0, 0, false));
    EXPECT_EQ(hidden_owners_warning(1, 0, false),
              "owners of some sockets are hidden: 1 process could not be named (run as Administrator)");
    EXPECT_EQ(hidden_owners_warning(2, 1, false),
              "owners of some sockets are hidden: 3 processes could not be named (run as Administrator)");
}

// Elevation would not help an Administrator, nor a failure that is not a refusal.
TEST(MibNames, NoAdministratorAdviceWhereItWouldNotHelp) {
    EXPECT_EQ(hidden_owners_warning(2, 0, true), "owners of some sockets are hidden: 2 processes could not be named");
    EXPECT_EQ(hidden_owners_warning(0, 1, false), "owners of some sockets are hidden: 1 process could not be named");
}

// Recorded tables: the raw buffers GetExtendedTcpTable/UdpTable filled under Wine 10 with
// winleak.exe and its two renamed copies running (tests/fixtures/windows/README.md), and the
// listing tcpstat.exe printed at the same moment. Decoding the bytes must give exactly that listing.
std::string fixture_path(const std::string& name) {
    const std::string here = std::string(TCPSTAT_FIXTURES_DIR) + "/windows/" + name;
    if (std::ifstream(here).good()) return here;
    return "fixtures/windows/" + name;  // the Wine 10 chroot, where the tests run in a copy
}

std::vector<std::byte> read_fixture(const std::string& name) {
    std::ifstream in(fixture_path(name), std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing fixture " << fixture_path(name);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(bytes.size());
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
}

std::string listing_row(const Socket& s) {
    std::string pid = s.owners.empty() ? "" : std::to_string(s.owners.front().pid);
    return std::string(protocol_name(s.protocol)) + "\t" + (s.family == Family::Inet ? "ipv4" : "ipv6") + "\t" +
           std::string(state_name(s.state, s.protocol)) + "\t" + format_address(s.local.addr) + "\t" +
           std::to_string(s.local.port) + "\t" + format_address(s.remote.addr) + "\t" + std::to_string(s.remote.port) +
           "\t" + pid;
}

TEST(MibRecorded, Wine10TablesDecodeToTheListingRecordedWithThem) {
    std::vector<Socket> sockets;
    const std::pair<TableKind, const char*> tables[] = {
        {TableKind::Tcp4, "tcp4.bin"}, {TableKind::Tcp6, "tcp6.bin"}, {TableKind::Udp4, "udp4.bin"}, {TableKind::Udp6, "udp6.bin"}};
    const std::size_t rows[] = {31, 4, 4, 4};
    for (std::size_t i = 0; i < 4; ++i) {
        const DecodeResult d = decode_table(tables[i].first, read_fixture(tables[i].second), sockets);
        EXPECT_EQ(d.rows, rows[i]) << tables[i].second;
        EXPECT_FALSE(d.truncated) << tables[i].second;
        EXPECT_EQ(d.unknown_state, 0u) << tables[i].second;
    }
    std::multiset<std::string> decoded;
    for (const Socket& s : sockets) decoded.insert(listing_row(s));
    std::ifstream listing(fixture_path("listing.tsv"));
    ASSERT_TRUE(listing.good());
    std::string line;
    std::getline(listing, line);  // header
    std::multiset<std::string> printed;
    while (std::getline(listing, line))
        if (!line.empty()) printed.insert(line);
    EXPECT_EQ(decoded, printed);
    // What the recording holds: 12 + 2 + 1 leaked CLOSE_WAIT sockets of pid 32, 48 and 56, and
    // 12 more of pid 400; Wine writes ::1's scope id as 4096, which must not become a zone.
    EXPECT_EQ(std::count_if(sockets.begin(), sockets.end(), [](const Socket& s) { return s.state == TcpState::CloseWait; }),
              27);
    for (const Socket& s : sockets) {
        EXPECT_FALSE(s.owners.empty()) << listing_row(s);
        EXPECT_EQ(s.local.addr.scope_id, 0u) << listing_row(s);
    }
}

// Recorded MODULE tables (tests/fixtures/windows/module/): TCP_TABLE_OWNER_MODULE_ALL and
// TCP_TABLE_OWNER_PID_ALL read in the same second under Wine 10 with winleak.exe (12 leaked
// CLOSE_WAIT sockets) running. The MODULE buffers are 8 + rows x 160 (192) bytes as the API
// wrote them: the padding after the row count is real, and both classes decode to the same
// sockets. Wine's creation timestamps are 0, so no socket may get an age.
TEST(MibRecorded, Wine10ModuleTablesDecodeToTheSameSocketsAsTheOwnerPidTables) {
    const std::pair<TableKind, const char*> kinds[] = {{TableKind::Tcp4, "tcp4"}, {TableKind::Tcp6, "tcp6"}};
    const std::size_t rows[] = {13, 1};
    for (std::size_t i = 0; i < 2; ++i) {
        const auto [kind, name] = kinds[i];
        const std::vector<std::byte> module = read_fixture(std::string("module/") + name + "-module.bin");
        EXPECT_EQ(module.size(), kModuleTableHeaderSize + rows[i] * row_size(kind, TableClass::OwnerModule)) << name;
        std::vector<Socket> by_module, by_pid;
        const DecodeResult m = decode_table(kind, module, by_module, TableClass::OwnerModule, 134000000000000000ull);
        const DecodeResult p = decode_table(kind, read_fixture(std::string("module/") + name + ".bin"), by_pid);
        EXPECT_EQ(m.rows, rows[i]) << name;
        EXPECT_FALSE(m.truncated) << name;
        EXPECT_EQ(m.unknown_state, 0u) << name;
        EXPECT_EQ(p.rows, rows[i]) << name;
        std::multiset<std::string> a, b;
        for (const Socket& s : by_module) {
            a.insert(listing_row(s));
            EXPECT_EQ(s.age_ms, std::nullopt) << "Wine writes timestamp 0: " << listing_row(s);
        }
        for (const Socket& s : by_pid) b.insert(listing_row(s));
        EXPECT_EQ(a, b) << name;
        if (kind == TableKind::Tcp4) {
            EXPECT_EQ(std::count_if(by_module.begin(), by_module.end(),
                                    [](const Socket& s) { return s.state == TcpState::CloseWait && !s.owners.empty(); }),
                      12);
        }
    }
}

}  // namespace
}  // namespace tcpstat::win
