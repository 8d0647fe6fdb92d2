// Owns decoding inet_diag dump messages (and their tcp_info attribute) into Sockets, bounds-checked.
#include "netlink_parse.hpp"

#include "kernel_state.hpp"
#include "socket_uid.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace tcpstat::netlink {

namespace {

// Reads a T at `off` when it fits inside `bytes`. memcpy, because received and recorded buffers
// promise no alignment beyond what a well-behaved kernel sends.
template <class T>
bool read_at(std::span<const std::uint8_t> bytes, std::size_t off, T& value) {
    if (off > bytes.size() || bytes.size() - off < sizeof(T)) return false;
    std::memcpy(&value, bytes.data() + off, sizeof(T));
    return true;
}

std::uint16_t be16(const void* p) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}

bool is_link_local_v6(const IpAddress& a) {
    return a.family == Family::Inet6 && a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
}

IpAddress decode_address(Family family, const __be32 words[4], std::uint32_t ifindex) {
    const auto* raw = reinterpret_cast<const std::uint8_t*>(words);
    if (family == Family::Inet) return IpAddress::from_v4_bytes(raw);
    IpAddress a = IpAddress::from_v6_bytes(raw);
    // idiag_if is the bound device of any socket; it is a zone only for link-local addresses.
    if (is_link_local_v6(a)) a.scope_id = ifindex;
    return a;
}

std::optional<Timer> decode_timer(std::uint8_t code, std::uint32_t expires_ms) {
    TimerKind kind;
    switch (code) {
        case 0: return std::nullopt;
        case 1: kind = TimerKind::Retransmit; break;
        case 2: kind = TimerKind::KeepAlive; break;
        case 3: kind = TimerKind::TimeWait; break;
        case 4: kind = TimerKind::ZeroWindowProbe; break;
        default: kind = TimerKind::Other; break;
    }
    return Timer{kind, expires_ms};
}

// Older kernels send a shorter struct tcp_info (and newer ones a longer one): a field is taken
// only when the attribute actually covers it.
template <class D>
void take(std::span<const std::uint8_t> info, std::size_t offset, std::optional<D>& dest) {
    D v{};
    if (read_at(info, offset, v)) dest = v;
}

static_assert(sizeof(tcp_info::tcpi_rtt) == 4 && sizeof(tcp_info::tcpi_snd_cwnd) == 4 &&
              sizeof(tcp_info::tcpi_bytes_sent) == 8 && sizeof(tcp_info::tcpi_bytes_acked) == 8 &&
              sizeof(tcp_info::tcpi_bytes_received) == 8,
              "TcpInfo field widths follow struct tcp_info");

std::optional<TcpInfo> decode_tcp_info(std::span<const std::uint8_t> info) {
    std::uint8_t state = 0;
    if (!read_at(info, offsetof(tcp_info, tcpi_state), state)) return std::nullopt;
    // A listener's tcp_info aliases a few fields to backlog counters and zeroes the rest;
    // reporting rtt 0 or cwnd 0 for it would be invented data.
    if (state == static_cast<std::uint8_t>(TcpState::Listen)) return std::nullopt;

    TcpInfo t;
    take(info, offsetof(tcp_info, tcpi_rtt), t.rtt_us);
    take(info, offsetof(tcp_info, tcpi_rttvar), t.rttvar_us);
    take(info, offsetof(tcp_info, tcpi_snd_cwnd), t.cwnd);
    take(info, offsetof(tcp_info, tcpi_snd_mss), t.mss);
    take(info, offsetof(tcp_info, tcpi_total_retrans), t.retrans_total);
    take(info, offsetof(tcp_info, tcpi_bytes_received), t.bytes_received);
    take(info, offsetof(tcp_info, tcpi_last_data_sent), t.last_send_ms);
    take(info, offsetof(tcp_info, tcpi_last_data_recv), t.last_recv_ms);
    take(info, offsetof(tcp_info, tcpi_bytes_sent), t.bytes_sent);
    if (!t.bytes_sent) take(info, offsetof(tcp_info, tcpi_bytes_acked), t.bytes_sent);  // before tcpi_bytes_sent (4.19)

    // The kernel's "infinite" slow-start threshold is 0x7fffffff; anything that large is not a
    // real segment count.
    take(info, offsetof(tcp_info, tcpi_snd_ssthresh), t.ssthresh);
    if (t.ssthresh && *t.ssthresh >= 0xFFFF) t.ssthresh.reset();
    return t;
}

// An array of u32 in SK_MEMINFO_* order; an older kernel sends fewer, a newer one more.
SocketMemory decode_memory(std::span<const std::uint8_t> payload) {
    SocketMemory m;
    for (std::size_t i = 0; i < SocketMemory::kCount; ++i) take(payload, i * sizeof(std::uint32_t), m.values[i]);
    return m;
}

// The kernel sends negative errnos; a damaged message may hold any int, INT_MIN included.
int errno_of(int code) {
    const long v = code < 0 ? -static_cast<long>(code) : code;
    return v > 4095 ? EPROTO : static_cast<int>(v);
}

enum class Decoded { Socket, UnknownState, Closed, Malformed };

// Walks the attributes after the fixed header; only INET_DIAG_INFO and SKMEMINFO are used, but every attribute
// must lie inside the message or the message is not trusted.
bool decode_attributes(std::span<const std::uint8_t> attrs, Protocol proto, Socket& s) {
    std::size_t off = 0;
    while (off < attrs.size()) {
        nlattr a{};
        if (!read_at(attrs, off, a)) return false;
        if (a.nla_len < NLA_HDRLEN || a.nla_len > attrs.size() - off) return false;
        const auto payload = attrs.subspan(off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
        if ((a.nla_type & NLA_TYPE_MASK) == INET_DIAG_INFO && proto == Protocol::Tcp)
            s.tcp_info = decode_tcp_info(payload);
        if ((a.nla_type & NLA_TYPE_MASK) == INET_DIAG_SKMEMINFO) s.memory = decode_memory(payload);
        const std::size_t step = NLA_ALIGN(a.nla_len);
        if (step >= attrs.size() - off) break;  // the last attribute may omit its padding
        off += step;
    }
    return true;
}

Decoded decode_socket(std::span<const std::uint8_t> payload, const ParseContext& ctx,
                      std::vector<Socket>& out, ParseStats& stats) {
    inet_diag_msg m{};
    if (!read_at(payload, 0, m)) return Decoded::Malformed;

    Family family;
    if (m.idiag_family == AF_INET) family = Family::Inet;
    else if (m.idiag_family == AF_INET6) family = Family::Inet6;
    else return Decoded::Malformed;

    const auto state = linux_state::state_from_linux(m.idiag_state);
    if (!state) {
        if (stats.unknown_state++ == 0) stats.first_unknown_state = m.idiag_state;
        return Decoded::UnknownState;
    }

    // A dump holds a socket by reference between choosing it (filters included) and describing
    // it. One that finishes closing in between is described after the fact: CLOSE, and with its
    // local port already given back (reads 0, __inet_put_port). No TCP socket the kernel dumps is
    // in CLOSE otherwise (the tables it walks drop a socket before it enters CLOSE), so the row
    // is one that is gone, and a listing or a port filter must not show it.
    if (ctx.protocol == Protocol::Tcp && *state == TcpState::Close) {
        ++stats.closed;
        return Decoded::Closed;
    }

    Socket& s = out.emplace_back();
    s.protocol = ctx.protocol;
    s.family = family;
    s.state = *state;
    s.local = Endpoint{decode_address(family, m.id.idiag_src, m.id.idiag_if), be16(&m.id.idiag_sport)};
    s.remote = Endpoint{decode_address(family, m.id.idiag_dst, m.id.idiag_if), be16(&m.id.idiag_dport)};
    if (ctx.protocol == Protocol::Udp || tcp_uid_is_known(*state, m.idiag_timer == 3, m.idiag_inode, m.idiag_uid))
        s.uid = m.idiag_uid;
    if (m.idiag_inode != 0) s.inode = m.idiag_inode;
    if (m.id.idiag_cookie[0] != INET_DIAG_NOCOOKIE || m.id.idiag_cookie[1] != INET_DIAG_NOCOOKIE)
        s.cookie = std::uint64_t{m.id.idiag_cookie[0]} | std::uint64_t{m.id.idiag_cookie[1]} << 32;
    s.rx_queue = m.idiag_rqueue;
    s.tx_queue = m.idiag_wqueue;
    s.timer = decode_timer(m.idiag_timer, m.idiag_expires);
    if (ctx.protocol == Protocol::Tcp) s.retransmits = m.idiag_retrans;

    const std::size_t fixed = NLMSG_ALIGN(sizeof(inet_diag_msg));
    if (payload.size() > fixed && !decode_attributes(payload.subspan(fixed), ctx.protocol, s)) {
        out.pop_back();
        return Decoded::Malformed;
    }
    return Decoded::Socket;
}

}  // namespace

BufferStatus parse_buffer(std::span<const std::uint8_t> buffer, const ParseContext& ctx,
                          std::vector<Socket>& out, ParseStats& stats) {
    std::size_t off = 0;
    while (off < buffer.size()) {
        nlmsghdr h{};
        if (!read_at(buffer, off, h)) return BufferStatus::Malformed;
        if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > buffer.size() - off) return BufferStatus::Malformed;
        const auto payload = buffer.subspan(off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN);
        const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
        off = step >= buffer.size() - off ? buffer.size() : off + step;

        if (h.nlmsg_seq != ctx.seq || (ctx.portid != 0 && h.nlmsg_pid != ctx.portid)) {
            ++stats.foreign;
            continue;
        }
        if (h.nlmsg_flags & NLM_F_DUMP_INTR) return BufferStatus::Interrupted;

        if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY || (ctx.legacy_tcp && h.nlmsg_type == TCPDIAG_GETSOCK)) {
            switch (decode_socket(payload, ctx, out, stats)) {
                case Decoded::Socket: ++stats.sockets; break;
                case Decoded::UnknownState:
                case Decoded::Closed: break;
                case Decoded::Malformed: ++stats.malformed; break;
            }
            continue;
        }

        switch (h.nlmsg_type) {
            case NLMSG_NOOP:
                continue;
            case NLMSG_DONE: {
                // The kernel may end a failed dump with DONE carrying the negative error.
                int code = 0;
                if (read_at(payload, 0, code) && code < 0) {
                    stats.error = errno_of(code);
                    return BufferStatus::Failed;
                }
                return BufferStatus::Done;
            }
            case NLMSG_ERROR: {
                int code = 0;
                if (!read_at(payload, 0, code)) return BufferStatus::Malformed;
                if (code == 0) continue;  // an acknowledgement, not an error
                stats.error = errno_of(code);
                return BufferStatus::Failed;
            }
            case NLMSG_OVERRUN:
                stats.error = ENOBUFS;
                return BufferStatus::Failed;
            default:
                ++stats.foreign;
                continue;
        }
    }
    return BufferStatus::More;
}

}  // namespace tcpstat::netlink
