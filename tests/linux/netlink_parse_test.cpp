// Owns the tests of the netlink dump parser: recorded dumps, synthetic messages, damaged input.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "netlink_messages.hpp"
#include "netlink_parse.hpp"

namespace tcpstat::netlink {
namespace {

using namespace synthetic;

const std::string kDir = std::string(TCPSTAT_FIXTURES_DIR) + "/netlink/";

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "missing fixture " << path;
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

// --- The recording's ground truth (tests/fixtures/netlink/expected.txt).

struct ExpectedSocket {
    std::string state;
    std::string laddr, raddr;
    unsigned lport = 0, rport = 0;
    std::string uid;    // "-" when unknown (a minisocket's filler 0)
    std::string inode;  // "-" when none
};

struct ExpectedDump {
    std::string file;
    std::uint32_t seq = 0;
    bool extended = false;
    std::size_t sockets = 0;
    std::vector<ExpectedSocket> expect;
};

std::map<std::string, ExpectedDump> load_expected() {
    std::map<std::string, ExpectedDump> dumps;
    std::ifstream in(kDir + "expected.txt");
    EXPECT_TRUE(in);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string kind, table, word;
        ls >> kind >> table;
        if (kind == "dump") {
            ExpectedDump& d = dumps[table];
            int ext = 0;
            ls >> d.file >> word >> d.seq >> word >> ext >> word >> d.sockets;
            d.extended = ext != 0;
        } else if (kind == "sock") {
            ExpectedSocket e;
            ls >> e.state >> e.laddr >> e.lport >> e.raddr >> e.rport >> word >> e.uid >> word >> e.inode;
            dumps[table].expect.push_back(e);
        }
    }
    return dumps;
}

std::string addr_text(const IpAddress& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(a.family == Family::Inet ? AF_INET : AF_INET6, a.bytes.data(), buf, sizeof buf);
    return buf;
}

bool same(const Socket& s, const ExpectedSocket& e) {
    return std::string(state_name(s.state)) == e.state && addr_text(s.local.addr) == e.laddr &&
           s.local.port == e.lport && addr_text(s.remote.addr) == e.raddr && s.remote.port == e.rport &&
           (e.uid == "-" ? !s.uid : s.uid && std::to_string(*s.uid) == e.uid) && (e.inode == "-" ? !s.inode : s.inode && std::to_string(*s.inode) == e.inode);
}

Protocol proto_of(const std::string& table) { return table.rfind("udp", 0) == 0 ? Protocol::Udp : Protocol::Tcp; }

// Offsets at which messages start, plus the end.
std::vector<std::size_t> boundaries(const Bytes& b) {
    std::vector<std::size_t> out;
    std::size_t off = 0;
    while (off + sizeof(nlmsghdr) <= b.size()) {
        out.push_back(off);
        nlmsghdr h;
        std::memcpy(&h, b.data() + off, sizeof h);
        off += NLMSG_ALIGN(h.nlmsg_len);
    }
    out.push_back(b.size());
    return out;
}

TEST(NetlinkParseRecorded, EveryDumpDecodesToTheRecordedSockets) {
    const auto dumps = load_expected();
    ASSERT_EQ(dumps.size(), 4u);
    for (const auto& [table, d] : dumps) {
        SCOPED_TRACE(table);
        const Bytes bytes = read_file(kDir + d.file);
        std::vector<Socket> out;
        ParseStats st;
        EXPECT_EQ(parse_buffer(bytes, ParseContext{proto_of(table), d.seq, 0}, out, st), BufferStatus::Done);
        EXPECT_EQ(st.malformed, 0u);
        EXPECT_EQ(st.unknown_state, 0u);
        EXPECT_EQ(st.foreign, 0u);
        ASSERT_EQ(out.size(), d.sockets);
        ASSERT_EQ(out.size(), d.expect.size());
        for (const ExpectedSocket& e : d.expect) {
            int hits = 0;
            for (const Socket& s : out) hits += same(s, e);
            EXPECT_EQ(hits, 1) << e.state << " " << e.laddr << ":" << e.lport << " -> " << e.raddr << ":" << e.rport;
        }
        for (const Socket& s : out) {
            EXPECT_EQ(s.protocol, proto_of(table));
            EXPECT_EQ(s.family, table.back() == '4' ? Family::Inet : Family::Inet6);
            EXPECT_TRUE(s.rx_queue && s.tx_queue);
            EXPECT_EQ(s.retransmits.has_value(), s.protocol == Protocol::Tcp);
            EXPECT_EQ(s.local.addr.scope_id, 0u);  // loopback is not link-local
            if (!d.extended) {
                EXPECT_FALSE(s.tcp_info);
            }
        }
    }
}

TEST(NetlinkParseRecorded, TcpInfoOfTheExtendedDump) {
    const auto dumps = load_expected();
    const ExpectedDump& d = dumps.at("tcp4");
    ASSERT_TRUE(d.extended);
    std::vector<Socket> out;
    ParseStats st;
    ASSERT_EQ(parse_buffer(read_file(kDir + d.file), ParseContext{Protocol::Tcp, d.seq, 0}, out, st), BufferStatus::Done);
    const unsigned listen_port = d.expect.at(0).lport;
    int established = 0;
    for (const Socket& s : out) {
        if (s.state == TcpState::Listen) {
            EXPECT_FALSE(s.tcp_info) << "a listener's tcp_info holds no connection data";
            continue;
        }
        if (s.state != TcpState::Established) continue;
        ++established;
        ASSERT_TRUE(s.tcp_info);
        const TcpInfo& t = *s.tcp_info;
        ASSERT_TRUE(t.rtt_us && t.rttvar_us && t.cwnd && t.mss && t.retrans_total && t.bytes_sent &&
                    t.bytes_received && t.last_send_ms && t.last_recv_ms);
        EXPECT_GT(*t.cwnd, 0u);
        EXPECT_GT(*t.mss, 0u);
        EXPECT_EQ(*t.retrans_total, 0u);
        EXPECT_FALSE(t.ssthresh) << "a fresh connection's ssthresh is infinite";
        // The recorder sent "ping" from the client to the accepted side.
        if (s.remote.port == listen_port) {
            EXPECT_EQ(*t.bytes_sent, 4u);
        } else {
            EXPECT_EQ(*t.bytes_received, 4u);
        }
    }
    EXPECT_EQ(established, 2);
}

TEST(NetlinkParseRecorded, BufferByBufferGivesTheSameResult) {
    const auto dumps = load_expected();
    const ExpectedDump& d = dumps.at("tcp4");
    const Bytes bytes = read_file(kDir + d.file);
    const auto b = boundaries(bytes);
    ASSERT_GE(b.size(), 3u);
    for (std::size_t cut = 1; cut + 1 < b.size(); ++cut) {
        std::vector<Socket> out;
        ParseStats st;
        const ParseContext ctx{Protocol::Tcp, d.seq, 0};
        EXPECT_EQ(parse_buffer(std::span(bytes).first(b[cut]), ctx, out, st), BufferStatus::More);
        EXPECT_EQ(parse_buffer(std::span(bytes).subspan(b[cut]), ctx, out, st), BufferStatus::Done);
        EXPECT_EQ(out.size(), d.sockets);
    }
}

TEST(NetlinkParseRecorded, NeedsNoAlignment) {
    const auto dumps = load_expected();
    const ExpectedDump& d = dumps.at("tcp4");
    const Bytes bytes = read_file(kDir + d.file);
    Bytes shifted(bytes.size() + 1);
    std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
    std::vector<Socket> out;
    ParseStats st;
    EXPECT_EQ(parse_buffer(std::span(shifted).subspan(1), ParseContext{Protocol::Tcp, d.seq, 0}, out, st),
              BufferStatus::Done);
    EXPECT_EQ(out.size(), d.sockets);
}

TEST(NetlinkParseRecorded, OtherSequenceOrPortIsIgnored) {
    const auto dumps = load_expected();
    const ExpectedDump& d = dumps.at("tcp6");
    const Bytes bytes = read_file(kDir + d.file);
    {
        std::vector<Socket> out;
        ParseStats st;
        EXPECT_EQ(parse_buffer(bytes, ParseContext{Protocol::Tcp, d.seq + 1, 0}, out, st), BufferStatus::More);
        EXPECT_TRUE(out.empty());
        EXPECT_EQ(st.foreign, boundaries(bytes).size() - 1);
    }
    nlmsghdr h;
    std::memcpy(&h, bytes.data(), sizeof h);
    {
        std::vector<Socket> out;
        ParseStats st;
        EXPECT_EQ(parse_buffer(bytes, ParseContext{Protocol::Tcp, d.seq, h.nlmsg_pid + 1}, out, st), BufferStatus::More);
        EXPECT_TRUE(out.empty());
    }
    {
        std::vector<Socket> out;
        ParseStats st;
        EXPECT_EQ(parse_buffer(bytes, ParseContext{Protocol::Tcp, d.seq, h.nlmsg_pid}, out, st), BufferStatus::Done);
        EXPECT_EQ(out.size(), d.sockets);
    }
}

TEST(NetlinkParseDamaged, EveryTruncationIsMalformedOrAWholeMessagePrefix) {
    for (const auto& [table, d] : load_expected()) {
        SCOPED_TRACE(table);
        const Bytes bytes = read_file(kDir + d.file);
        const auto b = boundaries(bytes);
        for (std::size_t len = 0; len < bytes.size(); ++len) {
            std::vector<Socket> out;
            ParseStats st;
            const BufferStatus status =
                parse_buffer(std::span(bytes).first(len), ParseContext{proto_of(table), d.seq, 0}, out, st);
            const bool at_boundary = std::find(b.begin(), b.end(), len) != b.end();
            EXPECT_EQ(status, at_boundary ? BufferStatus::More : BufferStatus::Malformed) << "cut at " << len;
            EXPECT_LE(out.size(), d.sockets);
        }
    }
}

TEST(NetlinkParseDamaged, BadMessageLengths) {
    const auto dumps = load_expected();
    const ExpectedDump& d = dumps.at("tcp4");
    const Bytes good = read_file(kDir + d.file);
    for (std::uint32_t bad : {0u, 1u, 15u, 0xFFFFFFF0u, static_cast<std::uint32_t>(good.size() + 4)}) {
        Bytes bytes = good;
        std::memcpy(bytes.data(), &bad, sizeof bad);
        std::vector<Socket> out;
        ParseStats st;
        EXPECT_EQ(parse_buffer(bytes, ParseContext{Protocol::Tcp, d.seq, 0}, out, st), BufferStatus::Malformed) << bad;
    }
    // A length that still frames but cuts the first message's payload: that message is skipped,
    // whatever its tail then looks like, nothing is read out of bounds.
    Bytes bytes = good;
    const std::uint32_t short_len = NLMSG_HDRLEN + 8;
    std::memcpy(bytes.data(), &short_len, sizeof short_len);
    std::vector<Socket> out;
    ParseStats st;
    parse_buffer(bytes, ParseContext{Protocol::Tcp, d.seq, 0}, out, st);
    EXPECT_GE(st.malformed + st.foreign, 1u);
    EXPECT_LT(out.size(), d.sockets);
}

// Offset of the first attribute of the first socket message that has one.
std::size_t first_attribute(const Bytes& bytes) {
    const std::size_t fixed = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_msg));
    for (std::size_t off : boundaries(bytes)) {
        if (off + sizeof(nlmsghdr) > bytes.size()) break;
        nlmsghdr h;
        std::memcpy(&h, bytes.data() + off, sizeof h);
        if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY && h.nlmsg_len > fixed + NLA_HDRLEN) return off + fixed;
    }
    return 0;
}

TEST(NetlinkParseDamaged, AttributePastTheEndSkipsOnlyThatSocket) {
    const auto dumps = load_expected();
    const ExpectedDump& d = dumps.at("tcp4");
    const Bytes good = read_file(kDir + d.file);
    const std::size_t at = first_attribute(good);
    ASSERT_NE(at, 0u);
    for (std::uint16_t bad : {std::uint16_t{0}, std::uint16_t{3}, std::uint16_t{0xFFF0}}) {
        Bytes bytes = good;
        std::memcpy(bytes.data() + at, &bad, sizeof bad);  // nla_len
        std::vector<Socket> out;
        ParseStats st;
        EXPECT_EQ(parse_buffer(bytes, ParseContext{Protocol::Tcp, d.seq, 0}, out, st), BufferStatus::Done);
        EXPECT_EQ(st.malformed, 1u) << bad;
        EXPECT_EQ(out.size(), d.sockets - 1) << bad;
    }
}

TEST(NetlinkParseDamaged, RandomCorruptionNeverCrashes) {
    std::mt19937 rng(4242);
    for (const auto& [table, d] : load_expected()) {
        const Bytes good = read_file(kDir + d.file);
        for (int i = 0; i < 4000; ++i) {
            Bytes bytes = good;
            const int flips = 1 + static_cast<int>(rng() % 8);
            for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
            if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
            std::vector<Socket> out;
            ParseStats st;
            parse_buffer(bytes, ParseContext{proto_of(table), d.seq, 0}, out, st);
            ASSERT_LE(out.size(), bytes.size() / (NLMSG_HDRLEN + sizeof(inet_diag_msg)));
        }
    }
}

// --- Synthetic messages (built by netlink_messages.hpp), for what a quiet loopback never shows.

struct Parsed {
    BufferStatus status;
    std::vector<Socket> out;
    ParseStats st;
};

Parsed parse(const Bytes& bytes, Protocol proto = Protocol::Tcp) {
    Parsed p;
    p.status = parse_buffer(bytes, ParseContext{proto, kSeq, 0}, p.out, p.st);
    return p;
}

TEST(NetlinkParseSynthetic, DecodesEveryBaseField) {
    Bytes b;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1)));
    const Parsed p = parse(b);
    EXPECT_EQ(p.status, BufferStatus::More);
    ASSERT_EQ(p.out.size(), 1u);
    const Socket& s = p.out[0];
    EXPECT_EQ(s.state, TcpState::Established);
    EXPECT_EQ(s.family, Family::Inet);
    EXPECT_EQ(s.local.addr, IpAddress::v4(10, 0, 0, 1));
    EXPECT_EQ(s.local.port, 8080);
    EXPECT_EQ(s.remote.addr, IpAddress::v4(192, 168, 1, 2));
    EXPECT_EQ(s.remote.port, 51000);
    EXPECT_EQ(s.uid, 1000u);
    EXPECT_EQ(s.inode, 4242u);
    EXPECT_EQ(s.rx_queue, 3u);
    EXPECT_EQ(s.tx_queue, 7u);
    EXPECT_EQ(s.retransmits, 2u);
    ASSERT_TRUE(s.timer);
    EXPECT_EQ(s.timer->kind, TimerKind::Retransmit);
    EXPECT_EQ(s.timer->expires_ms, 200u);
    EXPECT_FALSE(s.tcp_info);
}

TEST(NetlinkParseSynthetic, LegacyAnswersOnlyForALegacyDump) {
    Bytes b;
    append_message(b, TCPDIAG_GETSOCK, NLM_F_MULTI, diag_payload(v4_msg(1)));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(8)));
    const Parsed plain = parse(b);
    EXPECT_EQ(plain.out.size(), 1u);
    EXPECT_EQ(plain.st.foreign, 1u);

    Parsed legacy;
    legacy.status = parse_buffer(b, ParseContext{Protocol::Tcp, kSeq, 0, true}, legacy.out, legacy.st);
    ASSERT_EQ(legacy.out.size(), 2u);
    EXPECT_EQ(legacy.out[0].state, TcpState::Established);
    EXPECT_EQ(legacy.out[1].state, TcpState::CloseWait);
    EXPECT_EQ(legacy.st.foreign, 0u);
}

TEST(NetlinkParseSynthetic, TimersInodeAndUdp) {
    Bytes b;
    const std::pair<std::uint8_t, std::optional<TimerKind>> timers[] = {
        {0, std::nullopt}, {2, TimerKind::KeepAlive}, {3, TimerKind::TimeWait}, {4, TimerKind::ZeroWindowProbe}, {9, TimerKind::Other}};
    for (auto [code, kind] : timers) {
        inet_diag_msg m = v4_msg(7);
        m.idiag_timer = code;
        m.idiag_inode = 0;
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(m));
    }
    const Parsed p = parse(b, Protocol::Udp);
    ASSERT_EQ(p.out.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(p.out[i].timer.has_value(), timers[i].second.has_value());
        if (p.out[i].timer) {
            EXPECT_EQ(p.out[i].timer->kind, *timers[i].second);
        }
        EXPECT_FALSE(p.out[i].inode) << "inode 0 means none";
        EXPECT_EQ(p.out[i].protocol, Protocol::Udp);
        EXPECT_FALSE(p.out[i].retransmits);
        EXPECT_EQ(state_name(p.out[i].state, Protocol::Udp), "UNCONN");
    }
}

TEST(NetlinkParseSynthetic, UnknownStatesAreCountedAndNewSynRecvFolds) {
    Bytes b;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(99)));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(0)));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(12)));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(3)));
    const Parsed p = parse(b);
    EXPECT_EQ(p.st.unknown_state, 2u);
    EXPECT_EQ(p.st.first_unknown_state, 99u);
    ASSERT_EQ(p.out.size(), 2u);
    EXPECT_EQ(p.out[0].state, TcpState::SynRecv);
    EXPECT_EQ(p.out[1].state, TcpState::SynRecv);
}

// What a dump sends for a socket that finished closing after the dump chose it: CLOSE, local
// port already 0. For TCP that row is gone; for UDP, CLOSE is an unconnected socket and stays.
TEST(NetlinkParseSynthetic, TcpSocketsThatClosedDuringTheDumpAreDropped) {
    Bytes b;
    inet_diag_msg closed = v4_msg(7);
    closed.id.idiag_sport = 0;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1)));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(closed));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(8)));
    const Parsed tcp = parse(b);
    EXPECT_EQ(tcp.st.closed, 1u);
    EXPECT_EQ(tcp.st.sockets, 2u);
    EXPECT_EQ(tcp.st.malformed, 0u);
    ASSERT_EQ(tcp.out.size(), 2u);
    EXPECT_EQ(tcp.out[0].state, TcpState::Established);
    EXPECT_EQ(tcp.out[1].state, TcpState::CloseWait);

    const Parsed udp = parse(b, Protocol::Udp);
    EXPECT_EQ(udp.st.closed, 0u);
    ASSERT_EQ(udp.out.size(), 3u);
    EXPECT_EQ(udp.out[1].state, TcpState::Close);
}

TEST(NetlinkParseSynthetic, MinisocketsHaveNoUid) {
    Bytes b;
    inet_diag_msg tw = v4_msg(6);
    tw.idiag_uid = 0;
    tw.idiag_inode = 0;
    tw.idiag_timer = 3;
    inet_diag_msg req = v4_msg(3);
    req.idiag_uid = 0;
    req.idiag_inode = 0;
    inet_diag_msg full = v4_msg(3);  // a full socket still in SYN_RECV (Fast Open) keeps its owner
    full.idiag_inode = 0;
    // An orphaned FIN_WAIT2 socket becomes a timewait minisocket: the time_wait timer, no
    // inode, and the same filler uid 0 as TIME_WAIT.
    inet_diag_msg fw2 = v4_msg(5);
    fw2.idiag_uid = 0;
    fw2.idiag_inode = 0;
    fw2.idiag_timer = 3;
    // Full orphans (closed by their program, still full sockets) keep the creator's uid, root too.
    inet_diag_msg fw1 = v4_msg(4);
    fw1.idiag_uid = 65534;
    fw1.idiag_inode = 0;
    inet_diag_msg last_ack = v4_msg(9);
    last_ack.idiag_uid = 0;
    last_ack.idiag_inode = 0;
    for (const auto& m : {tw, req, full, fw2, fw1, last_ack})
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(m));
    const Parsed p = parse(b);
    ASSERT_EQ(p.out.size(), 6u);
    EXPECT_EQ(p.out[0].state, TcpState::TimeWait);
    EXPECT_FALSE(p.out[0].uid);
    EXPECT_FALSE(p.out[0].inode);
    EXPECT_FALSE(p.out[1].uid);
    EXPECT_EQ(p.out[2].uid, 1000u);
    EXPECT_EQ(p.out[3].state, TcpState::FinWait2);
    EXPECT_FALSE(p.out[3].uid) << "an orphaned FIN_WAIT2 minisocket is not root's";
    EXPECT_FALSE(p.out[3].inode);
    EXPECT_EQ(p.out[4].uid, 65534u);
    EXPECT_EQ(p.out[5].uid, 0u);
}

TEST(NetlinkParseSynthetic, UnknownFamilyOrShortPayloadIsMalformed) {
    Bytes b;
    inet_diag_msg m = v4_msg(1);
    m.idiag_family = AF_UNIX;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(m));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, Bytes(sizeof(inet_diag_msg) - 1, 0));
    append_message(b, NLMSG_DONE, NLM_F_MULTI, int_payload(0));
    const Parsed p = parse(b);
    EXPECT_EQ(p.status, BufferStatus::Done);
    EXPECT_EQ(p.st.malformed, 2u);
    EXPECT_TRUE(p.out.empty());
}

TEST(NetlinkParseSynthetic, LinkLocalV6GetsTheInterfaceAsScope) {
    Bytes b;
    inet_diag_msg m{};
    m.idiag_family = AF_INET6;
    m.idiag_state = 10;
    m.id.idiag_if = 3;
    ::inet_pton(AF_INET6, "fe80::1", m.id.idiag_src);
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(m));
    ::inet_pton(AF_INET6, "2001:db8::1", m.id.idiag_src);
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(m));
    const Parsed p = parse(b);
    ASSERT_EQ(p.out.size(), 2u);
    EXPECT_EQ(p.out[0].local.addr.scope_id, 3u);
    EXPECT_EQ(p.out[0].remote.addr.scope_id, 0u);  // :: is not link-local
    EXPECT_EQ(p.out[1].local.addr.scope_id, 0u);
    EXPECT_EQ(p.out[1].family, Family::Inet6);
    EXPECT_EQ(p.out[1].state, TcpState::Listen);
}

Bytes tcp_info_bytes(std::size_t length) {
    tcp_info ti{};
    ti.tcpi_state = 1;
    ti.tcpi_snd_mss = 1448;
    ti.tcpi_rtt = 250;
    ti.tcpi_rttvar = 60;
    ti.tcpi_snd_ssthresh = 0x7fffffff;
    ti.tcpi_snd_cwnd = 10;
    ti.tcpi_total_retrans = 5;
    ti.tcpi_bytes_acked = 1000;
    ti.tcpi_bytes_received = 2000;
    ti.tcpi_bytes_sent = 3000;
    ti.tcpi_last_data_sent = 11;
    ti.tcpi_last_data_recv = 22;
    Bytes b(length, 0);
    std::memcpy(b.data(), &ti, std::min(length, sizeof ti));
    return b;
}

TEST(NetlinkParseSynthetic, FullTcpInfo) {
    Bytes b;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1), tcp_info_bytes(sizeof(tcp_info)), true));
    const Parsed p = parse(b);
    ASSERT_EQ(p.out.size(), 1u);
    ASSERT_TRUE(p.out[0].tcp_info);
    const TcpInfo& t = *p.out[0].tcp_info;
    EXPECT_EQ(t.rtt_us, 250u);
    EXPECT_EQ(t.rttvar_us, 60u);
    EXPECT_EQ(t.cwnd, 10u);
    EXPECT_FALSE(t.ssthresh);  // infinite
    EXPECT_EQ(t.mss, 1448u);
    EXPECT_EQ(t.retrans_total, 5u);
    EXPECT_EQ(t.bytes_sent, 3000u);
    EXPECT_EQ(t.bytes_received, 2000u);
    EXPECT_EQ(t.last_send_ms, 11u);
    EXPECT_EQ(t.last_recv_ms, 22u);
    EXPECT_EQ(t.idle_ms(), 11u);
}

TEST(NetlinkParseSynthetic, OlderKernelsShorterTcpInfo) {
    // Up to tcpi_rtt only: later fields must stay absent rather than read past the attribute.
    {
        Bytes b;
        const std::size_t len = offsetof(tcp_info, tcpi_rtt) + sizeof(std::uint32_t);
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1), tcp_info_bytes(len), true));
        const Parsed p = parse(b);
        ASSERT_EQ(p.out.size(), 1u);
        ASSERT_TRUE(p.out[0].tcp_info);
        const TcpInfo& t = *p.out[0].tcp_info;
        EXPECT_EQ(t.rtt_us, 250u);
        EXPECT_EQ(t.mss, 1448u);
        EXPECT_EQ(t.last_send_ms, 11u);
        EXPECT_FALSE(t.rttvar_us);
        EXPECT_FALSE(t.cwnd);
        EXPECT_FALSE(t.bytes_sent);
        EXPECT_FALSE(t.bytes_received);
    }
    // A kernel from before tcpi_bytes_sent: bytes_acked stands in.
    {
        Bytes b;
        const std::size_t len = offsetof(tcp_info, tcpi_bytes_sent);
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1), tcp_info_bytes(len), true));
        const Parsed p = parse(b);
        ASSERT_EQ(p.out.size(), 1u);
        ASSERT_TRUE(p.out[0].tcp_info);
        EXPECT_EQ(p.out[0].tcp_info->bytes_sent, 1000u);
        EXPECT_EQ(p.out[0].tcp_info->bytes_received, 2000u);
    }
    // A real ssthresh is kept.
    {
        Bytes info = tcp_info_bytes(sizeof(tcp_info));
        const std::uint32_t ssthresh = 42;
        std::memcpy(info.data() + offsetof(tcp_info, tcpi_snd_ssthresh), &ssthresh, sizeof ssthresh);
        Bytes b;
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1), info, true));
        const Parsed p = parse(b);
        ASSERT_EQ(p.out.size(), 1u);
        EXPECT_EQ(p.out[0].tcp_info->ssthresh, 42u);
    }
    // An empty attribute carries nothing at all.
    {
        Bytes b;
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1), {}, true));
        const Parsed p = parse(b);
        ASSERT_EQ(p.out.size(), 1u);
        EXPECT_FALSE(p.out[0].tcp_info);
    }
}

TEST(NetlinkParseSynthetic, UdpIgnoresTcpInfo) {
    Bytes b;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1), tcp_info_bytes(sizeof(tcp_info)), true));
    const Parsed p = parse(b, Protocol::Udp);
    ASSERT_EQ(p.out.size(), 1u);
    EXPECT_FALSE(p.out[0].tcp_info);
}

TEST(NetlinkParseSynthetic, ErrorMessages) {
    {
        Bytes b;
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1)));
        Bytes err = int_payload(-EPERM);
        err.resize(err.size() + sizeof(nlmsghdr), 0);  // the echoed request header
        append_message(b, NLMSG_ERROR, 0, err);
        const Parsed p = parse(b);
        EXPECT_EQ(p.status, BufferStatus::Failed);
        EXPECT_EQ(p.st.error, EPERM);
    }
    {
        Bytes b;
        append_message(b, NLMSG_ERROR, 0, Bytes{});  // no room for the error code
        EXPECT_EQ(parse(b).status, BufferStatus::Malformed);
    }
    {
        Bytes b;
        append_message(b, NLMSG_ERROR, 0, int_payload(0));  // an acknowledgement
        append_message(b, NLMSG_DONE, NLM_F_MULTI, int_payload(0));
        EXPECT_EQ(parse(b).status, BufferStatus::Done);
    }
    {
        Bytes b;
        append_message(b, NLMSG_DONE, NLM_F_MULTI, int_payload(-ENOBUFS));
        const Parsed p = parse(b);
        EXPECT_EQ(p.status, BufferStatus::Failed);
        EXPECT_EQ(p.st.error, ENOBUFS);
    }
    {
        Bytes b;
        append_message(b, NLMSG_DONE, NLM_F_MULTI, Bytes{});  // old kernels: DONE without payload
        EXPECT_EQ(parse(b).status, BufferStatus::Done);
    }
    {
        Bytes b;
        append_message(b, NLMSG_DONE, NLM_F_MULTI, int_payload(INT32_MIN));  // damaged: still an error
        const Parsed p = parse(b);
        EXPECT_EQ(p.status, BufferStatus::Failed);
        EXPECT_EQ(p.st.error, EPROTO);
    }
    {
        Bytes b;
        append_message(b, NLMSG_OVERRUN, 0, Bytes{});
        const Parsed p = parse(b);
        EXPECT_EQ(p.status, BufferStatus::Failed);
        EXPECT_EQ(p.st.error, ENOBUFS);
    }
}

TEST(NetlinkParseSynthetic, InterruptedDumpIsReported) {
    Bytes b;
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1)));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | NLM_F_DUMP_INTR, diag_payload(v4_msg(1)));
    append_message(b, NLMSG_DONE, NLM_F_MULTI, int_payload(0));
    EXPECT_EQ(parse(b).status, BufferStatus::Interrupted);
}

TEST(NetlinkParseSynthetic, NoopAndUnknownTypesAreSkipped) {
    Bytes b;
    append_message(b, NLMSG_NOOP, 0, Bytes{});
    append_message(b, 0x77, 0, Bytes(8, 1));
    append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(10)));
    const Parsed p = parse(b);
    EXPECT_EQ(p.status, BufferStatus::More);
    EXPECT_EQ(p.st.foreign, 1u);
    ASSERT_EQ(p.out.size(), 1u);
    EXPECT_EQ(p.out[0].state, TcpState::Listen);
}

TEST(NetlinkParseSynthetic, EmptyBufferIsNoProgress) {
    std::vector<Socket> out;
    ParseStats st;
    EXPECT_EQ(parse_buffer({}, ParseContext{}, out, st), BufferStatus::More);
}

}  // namespace
}  // namespace tcpstat::netlink

namespace tcpstat::netlink {
namespace {

// An INET_DIAG_SKMEMINFO attribute of `n` u32 values 100, 101, ...
Bytes memory_payload(const inet_diag_msg& m, std::size_t n) {
    const std::size_t at = NLMSG_ALIGN(sizeof m);
    nlattr a{};
    a.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + n * sizeof(std::uint32_t));
    a.nla_type = INET_DIAG_SKMEMINFO;
    Bytes p(at + NLA_ALIGN(a.nla_len), 0);
    std::memcpy(p.data(), &m, sizeof m);
    std::memcpy(p.data() + at, &a, sizeof a);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t v = 100 + static_cast<std::uint32_t>(i);
        std::memcpy(p.data() + at + NLA_HDRLEN + i * sizeof v, &v, sizeof v);
    }
    return p;
}

TEST(NetlinkParseSynthetic, SocketMemoryInKernelOrderShortAttributeLeavesTheRestAbsent) {
    {
        Bytes b;
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, memory_payload(v4_msg(1), SK_MEMINFO_VARS));
        const Parsed p = parse(b);
        ASSERT_EQ(p.out.size(), 1u);
        ASSERT_TRUE(p.out[0].memory);
        EXPECT_EQ(p.out[0].memory->values[SK_MEMINFO_RMEM_ALLOC], 100u);
        EXPECT_EQ(p.out[0].memory->values[SK_MEMINFO_RCVBUF], 101u);
        EXPECT_EQ(p.out[0].memory->values[SK_MEMINFO_SNDBUF], 103u);
        EXPECT_EQ(p.out[0].memory->values[SK_MEMINFO_DROPS], 108u);
    }
    {
        Bytes b;  // an older kernel without SK_MEMINFO_DROPS and BACKLOG
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, memory_payload(v4_msg(1), 7));
        const Parsed p = parse(b);
        ASSERT_EQ(p.out.size(), 1u);
        ASSERT_TRUE(p.out[0].memory);
        EXPECT_EQ(p.out[0].memory->values[SK_MEMINFO_OPTMEM], 106u);
        EXPECT_FALSE(p.out[0].memory->values[SK_MEMINFO_BACKLOG]);
        EXPECT_FALSE(p.out[0].memory->values[SK_MEMINFO_DROPS]);
    }
    {
        Bytes b;  // no attribute: no memory at all
        append_message(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, diag_payload(v4_msg(1)));
        EXPECT_FALSE(parse(b).out[0].memory);
    }
}

}  // namespace
}  // namespace tcpstat::netlink
