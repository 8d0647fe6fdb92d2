// Owns the tests of parse_table on recorded and hand-made /proc/net table fixtures.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "procfs.hpp"

namespace tcpstat::procfs {
namespace {

std::string fixture(const std::string& rel) {
    std::ifstream in(std::string(TCPSTAT_FIXTURES_DIR) + "/proc/" + rel, std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing fixture " << rel;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Built by hand rather than through the core's parser, so these tests check only this parser.
IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.family = Family::Inet;
    ip.bytes[0] = a, ip.bytes[1] = b, ip.bytes[2] = c, ip.bytes[3] = d;
    return ip;
}
IpAddress v6(std::initializer_list<std::uint8_t> bytes) {
    IpAddress ip;
    ip.family = Family::Inet6;
    std::size_t i = 0;
    for (auto b : bytes) ip.bytes[i++] = b;
    return ip;
}
IpAddress v6_loopback() { return v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}); }
IpAddress v6_any() { return v6({}); }
IpAddress mapped(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d});
}

const Socket* by_inode(const std::vector<Socket>& v, std::uint64_t inode) {
    for (const auto& s : v)
        if (s.inode == inode) return &s;
    return nullptr;
}
const Socket* by_ports(const std::vector<Socket>& v, std::uint16_t lport, std::uint16_t rport) {
    for (const auto& s : v)
        if (s.local.port == lport && s.remote.port == rport) return &s;
    return nullptr;
}

TEST(ProcfsParse, RecordedTcp4) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("recorded/net/tcp"), Protocol::Tcp, Family::Inet, out);
    EXPECT_EQ(st.rows, 13u);
    EXPECT_EQ(st.malformed, 0u);
    ASSERT_EQ(out.size(), 13u);

    const Socket* listen = by_inode(out, 13075);
    ASSERT_NE(listen, nullptr);
    EXPECT_EQ(listen->protocol, Protocol::Tcp);
    EXPECT_EQ(listen->family, Family::Inet);
    EXPECT_EQ(listen->local, (Endpoint{v4(127, 0, 0, 1), 47001}));
    EXPECT_EQ(listen->remote, (Endpoint{v4(0, 0, 0, 0), 0}));
    EXPECT_EQ(listen->state, TcpState::Listen);
    EXPECT_EQ(listen->uid, 0u);
    EXPECT_FALSE(listen->tx_queue) << "/proc prints 0 for a listener's backlog, which it does not know";
    EXPECT_EQ(listen->rx_queue, 0u);
    EXPECT_FALSE(listen->timer.has_value());
    EXPECT_EQ(listen->retransmits, 0u);
    EXPECT_TRUE(listen->owners.empty());

    // Client side with keepalive armed: timer 02:00000B9A = 2970 ticks at USER_HZ 100.
    const Socket* client = by_inode(out, 13076);
    ASSERT_NE(client, nullptr);
    EXPECT_EQ(client->local, (Endpoint{v4(127, 0, 0, 1), 39888}));
    EXPECT_EQ(client->remote, (Endpoint{v4(127, 0, 0, 1), 47001}));
    EXPECT_EQ(client->state, TcpState::Established);
    ASSERT_TRUE(client->timer.has_value());
    EXPECT_EQ(client->timer->kind, TimerKind::KeepAlive);
    EXPECT_EQ(client->timer->expires_ms, 29700u);

    // Server side holding 5 unread bytes.
    const Socket* server = by_inode(out, 13077);
    ASSERT_NE(server, nullptr);
    EXPECT_EQ(server->local, (Endpoint{v4(127, 0, 0, 1), 47001}));
    EXPECT_EQ(server->remote.port, 39888);
    EXPECT_EQ(server->rx_queue, 5u);

    const Socket* fin_wait2 = by_inode(out, 13086);
    ASSERT_NE(fin_wait2, nullptr);
    EXPECT_EQ(fin_wait2->state, TcpState::FinWait2);
    EXPECT_EQ(fin_wait2->local.port, 35340);
    EXPECT_EQ(fin_wait2->remote.port, 47003);
    const Socket* close_wait = by_inode(out, 13087);
    ASSERT_NE(close_wait, nullptr);
    EXPECT_EQ(close_wait->state, TcpState::CloseWait);
    EXPECT_EQ(close_wait->rx_queue, 1u);  // the peer's FIN

    // TIME_WAIT: no inode, no uid (the kernel prints 0 for both), TimeWait timer.
    const Socket* tw = by_ports(out, 55474, 47002);
    ASSERT_NE(tw, nullptr);
    EXPECT_EQ(tw->state, TcpState::TimeWait);
    EXPECT_FALSE(tw->inode.has_value());
    EXPECT_FALSE(tw->uid.has_value());
    ASSERT_TRUE(tw->timer.has_value());
    EXPECT_EQ(tw->timer->kind, TimerKind::TimeWait);
    EXPECT_EQ(tw->timer->expires_ms, 59740u);

    // Byte order of a non-loopback address: 020200C0 is 192.0.2.2, 507100CB is 203.0.113.80.
    const Socket* remote_tw = by_ports(out, 38324, 80);
    ASSERT_NE(remote_tw, nullptr);
    EXPECT_EQ(remote_tw->local.addr, v4(192, 0, 2, 2));
    EXPECT_EQ(remote_tw->remote.addr, v4(203, 0, 113, 80));

    const Socket* any = by_inode(out, 1059);
    ASSERT_NE(any, nullptr);
    EXPECT_EQ(any->local, (Endpoint{v4(0, 0, 0, 0), 2024}));
}

TEST(ProcfsParse, RecordedTcp6WithMappedAddress) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("recorded/net/tcp6"), Protocol::Tcp, Family::Inet6, out);
    EXPECT_EQ(st.rows, 10u);
    EXPECT_EQ(st.malformed, 0u);

    const Socket* any = by_inode(out, 13101);
    ASSERT_NE(any, nullptr);
    EXPECT_EQ(any->family, Family::Inet6);
    EXPECT_EQ(any->local, (Endpoint{v6_any(), 47021}));
    EXPECT_EQ(any->state, TcpState::Listen);

    const Socket* lo = by_inode(out, 13090);
    ASSERT_NE(lo, nullptr);
    EXPECT_EQ(lo->local, (Endpoint{v6_loopback(), 47011}));
    EXPECT_EQ(lo->state, TcpState::Listen);

    // A v4 client accepted by a dual-stack listener stays Inet6 with the mapped bytes.
    const Socket* m = by_inode(out, 13103);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->family, Family::Inet6);
    EXPECT_EQ(m->local, (Endpoint{mapped(127, 0, 0, 1), 47021}));
    EXPECT_EQ(m->remote, (Endpoint{mapped(127, 0, 0, 1), 38694}));
    EXPECT_EQ(m->state, TcpState::Established);

    const Socket* tw = by_ports(out, 39878, 47012);
    ASSERT_NE(tw, nullptr);
    EXPECT_EQ(tw->state, TcpState::TimeWait);
    EXPECT_FALSE(tw->inode.has_value());
    EXPECT_EQ(tw->local.addr, v6_loopback());
}

TEST(ProcfsParse, RecordedUdp) {
    std::vector<Socket> out;
    auto st = parse_table(fixture("recorded/net/udp"), Protocol::Udp, Family::Inet, out);
    EXPECT_EQ(st.rows, 2u);
    st = parse_table(fixture("recorded/net/udp6"), Protocol::Udp, Family::Inet6, out);
    EXPECT_EQ(st.rows, 2u);
    ASSERT_EQ(out.size(), 4u);  // appends after what is already there

    const Socket* unconn = by_inode(out, 13088);
    ASSERT_NE(unconn, nullptr);
    EXPECT_EQ(unconn->protocol, Protocol::Udp);
    EXPECT_EQ(unconn->local, (Endpoint{v4(127, 0, 0, 1), 47006}));
    EXPECT_EQ(unconn->state, TcpState::Close);
    EXPECT_EQ(unconn->rx_queue, 832u);
    EXPECT_FALSE(unconn->retransmits.has_value());  // meaningless for UDP

    const Socket* conn = by_inode(out, 13089);
    ASSERT_NE(conn, nullptr);
    EXPECT_EQ(conn->state, TcpState::Established);
    EXPECT_EQ(conn->remote, (Endpoint{v4(127, 0, 0, 1), 47006}));

    const Socket* conn6 = by_inode(out, 13100);
    ASSERT_NE(conn6, nullptr);
    EXPECT_EQ(conn6->family, Family::Inet6);
    EXPECT_EQ(conn6->local, (Endpoint{v6_loopback(), 47017}));
    EXPECT_EQ(conn6->remote, (Endpoint{v6_loopback(), 47016}));
}

TEST(ProcfsParse, MalformedLinesAreSkippedAndCounted) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("parse/tcp_malformed"), Protocol::Tcp, Family::Inet, out);
    // Truncated, missing inode, bad hex, state 0, state 0x99, 9-digit queue, inode and uid
    // overflow, garbage, 3-digit port, "12" without colon; the blank line is not counted.
    EXPECT_EQ(st.malformed, 11u);
    EXPECT_EQ(st.first_malformed_line, 3u);
    EXPECT_EQ(st.rows, 3u);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].inode, 5001u);
    EXPECT_EQ(out[0].uid, 1000u);
    EXPECT_EQ(out[0].local, (Endpoint{v4(127, 0, 0, 1), 8080}));

    // Extra trailing columns are ignored.
    const Socket& extra = out[1];
    EXPECT_EQ(extra.inode, 5009u);
    EXPECT_EQ(extra.remote, (Endpoint{v4(127, 0, 0, 1), 50000}));
    EXPECT_EQ(extra.tx_queue, 10u);
    EXPECT_EQ(extra.rx_queue, 20u);
    ASSERT_TRUE(extra.timer.has_value());
    EXPECT_EQ(extra.timer->kind, TimerKind::Retransmit);
    EXPECT_EQ(extra.timer->expires_ms, 3000u);
    EXPECT_EQ(extra.retransmits, 3u);

    // A row ending right after the inode is complete.
    EXPECT_EQ(out[2].inode, 5013u);
}

TEST(ProcfsParse, CrlfLineEndings) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("parse/tcp_crlf"), Protocol::Tcp, Family::Inet, out);
    EXPECT_EQ(st.malformed, 0u);
    ASSERT_EQ(st.rows, 2u);
    EXPECT_EQ(out[0].inode, 777u);
    EXPECT_EQ(out[0].local, (Endpoint{v4(127, 0, 0, 1), 22}));
    EXPECT_EQ(out[1].inode, 778u);
    EXPECT_EQ(out[1].local, (Endpoint{v4(10, 0, 0, 10), 22}));
    EXPECT_EQ(out[1].remote, (Endpoint{v4(10, 0, 0, 11), 54321}));
    EXPECT_EQ(out[1].tx_queue, 36u);
    ASSERT_TRUE(out[1].timer.has_value());
    EXPECT_EQ(out[1].timer->kind, TimerKind::ZeroWindowProbe);
    EXPECT_EQ(out[1].timer->expires_ms, 1000u);
    EXPECT_EQ(out[1].retransmits, 2u);
}

TEST(ProcfsParse, HeaderOnlyAndEmptyTables) {
    std::vector<Socket> out;
    auto st = parse_table(fixture("parse/header_only"), Protocol::Tcp, Family::Inet, out);
    EXPECT_EQ(st.rows, 0u);
    EXPECT_EQ(st.malformed, 0u);
    st = parse_table(fixture("parse/empty"), Protocol::Tcp, Family::Inet, out);
    EXPECT_EQ(st.rows, 0u);
    EXPECT_EQ(st.malformed, 0u);
    EXPECT_TRUE(out.empty());
}

TEST(ProcfsParse, FirstLineIsParsedWhenItIsNotAHeader) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("parse/tcp_no_header"), Protocol::Tcp, Family::Inet, out);
    EXPECT_EQ(st.malformed, 0u);
    ASSERT_EQ(st.rows, 2u);
    EXPECT_EQ(out[0].inode, 901u);
    EXPECT_EQ(out[1].inode, 902u);
}

// Sockets their program closed (orphans, no inode) and minisockets, as the kernel prints them:
// only a minisocket's 0 is a filler; a full orphan keeps the uid that created it.
TEST(ProcfsParse, OrphansAndMinisocketsUid) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("parse/tcp_orphans"), Protocol::Tcp, Family::Inet, out);
    EXPECT_EQ(st.malformed, 0u);
    ASSERT_EQ(st.rows, 8u);

    const Socket* fw2_tw = by_ports(out, 40000, 8081);  // timewait minisocket of an orphaned FIN_WAIT2
    ASSERT_NE(fw2_tw, nullptr);
    EXPECT_EQ(fw2_tw->state, TcpState::FinWait2);
    EXPECT_FALSE(fw2_tw->inode);
    EXPECT_FALSE(fw2_tw->uid) << "the kernel's 0 for a minisocket is not root";
    ASSERT_TRUE(fw2_tw->timer);
    EXPECT_EQ(fw2_tw->timer->kind, TimerKind::TimeWait);

    EXPECT_EQ(by_ports(out, 40001, 8081)->uid, 65534u);  // FIN_WAIT1 orphan of nobody
    EXPECT_EQ(by_ports(out, 8081, 40002)->uid, 0u);      // LAST_ACK orphan of root
    EXPECT_EQ(by_ports(out, 8080, 40003)->uid, 0u);      // ESTABLISHED, not yet accepted, root's
    EXPECT_EQ(by_ports(out, 8080, 40004)->uid, 65534u);  // request socket: its listener's uid
    EXPECT_FALSE(by_ports(out, 8082, 40005)->uid);       // request socket, 0: netlink's filler too
    EXPECT_EQ(by_ports(out, 40006, 8081)->uid, 0u);      // full FIN_WAIT2 orphan (keepalive timer)
}

// /proc prints a listener's tx_queue as write_seq - snd_una, always 0, not its backlog; its
// rx_queue is the accept queue.
TEST(ProcfsParse, ListenerHasRecvQueueButNoSendQueue) {
    std::vector<Socket> out;
    parse_table(fixture("parse/tcp_orphans"), Protocol::Tcp, Family::Inet, out);
    const Socket* listen = by_inode(out, 7001);
    ASSERT_NE(listen, nullptr);
    EXPECT_EQ(listen->state, TcpState::Listen);
    EXPECT_EQ(listen->rx_queue, 3u);
    EXPECT_FALSE(listen->tx_queue);
    EXPECT_EQ(by_ports(out, 40001, 8081)->tx_queue, 1u);  // other states keep theirs

    out.clear();
    parse_table(fixture("recorded/net/udp"), Protocol::Udp, Family::Inet, out);
    ASSERT_FALSE(out.empty());
    for (const Socket& s : out) EXPECT_TRUE(s.tx_queue) << "UDP has no LISTEN";
}

TEST(ProcfsParse, HandMadeIpv6) {
    std::vector<Socket> out;
    const auto st = parse_table(fixture("parse/tcp6_handmade"), Protocol::Tcp, Family::Inet6, out);
    EXPECT_EQ(st.malformed, 1u);  // 31-digit address
    EXPECT_EQ(st.first_malformed_line, 4u);
    ASSERT_EQ(st.rows, 3u);

    EXPECT_EQ(out[0].local, (Endpoint{v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 443}));
    EXPECT_EQ(out[0].remote,
              (Endpoint{v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0xff, 0xfe, 0, 0, 3}), 58818}));
    EXPECT_EQ(out[0].uid, 33u);
    EXPECT_EQ(out[0].retransmits, 1u);
    ASSERT_TRUE(out[0].timer.has_value());
    EXPECT_EQ(out[0].timer->expires_ms, 500u);

    // A request socket: no inode, and the listener's uid, here 0, which netlink's filler 0
    // cannot be told from: left out by both sources (tcp_orphans has one of a non-root listener).
    EXPECT_EQ(out[1].state, TcpState::SynRecv);
    EXPECT_EQ(out[1].local, (Endpoint{mapped(127, 0, 0, 1), 80}));
    EXPECT_EQ(out[1].remote, (Endpoint{mapped(192, 168, 0, 2), 40000}));
    EXPECT_FALSE(out[1].inode.has_value());
    EXPECT_FALSE(out[1].uid.has_value());

    // A 16-digit tick count saturates rather than wrapping.
    ASSERT_TRUE(out[2].timer.has_value());
    EXPECT_EQ(out[2].timer->expires_ms, UINT64_MAX);
}

TEST(ProcfsParse, ArbitraryBytesNeverCrash) {
    // Every prefix of a valid table, and the table with each byte replaced, must parse or be
    // counted as malformed; under the sanitizer build this also checks bounds.
    const std::string text = fixture("parse/tcp_crlf");
    for (std::size_t n = 0; n <= text.size(); ++n) {
        std::vector<Socket> out;
        const auto st = parse_table(std::string_view(text).substr(0, n), Protocol::Tcp, Family::Inet, out);
        EXPECT_EQ(st.rows, out.size());
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        for (char c : {'\0', '\n', ':', 'Z', ' ', '\xff'}) {
            std::string mutated = text;
            mutated[i] = c;
            std::vector<Socket> out;
            const auto st = parse_table(mutated, Protocol::Tcp, Family::Inet6, out);
            EXPECT_EQ(st.rows, out.size());
            EXPECT_EQ(st.rows, 0u);  // v4 rows never fit the v6 layout
        }
    }
}

}  // namespace
}  // namespace tcpstat::procfs
