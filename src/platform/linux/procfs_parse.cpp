// Owns the parsing of one /proc/net/{tcp,tcp6,udp,udp6} table's text into Sockets, whole or in pieces.
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "kernel_state.hpp"
#include "procfs.hpp"
#include "procfs_scan.hpp"
#include "socket_uid.hpp"

namespace tcpstat::procfs {
namespace {

// Splits a line into columns separated by runs of blanks, without copying.
class Columns {
public:
    explicit Columns(std::string_view line) : line_(line) {}
    std::string_view next() {
        while (i_ < line_.size() && (line_[i_] == ' ' || line_[i_] == '\t')) ++i_;
        const std::size_t start = i_;
        while (i_ < line_.size() && line_[i_] != ' ' && line_[i_] != '\t') ++i_;
        return line_.substr(start, i_ - start);
    }

private:
    std::string_view line_;
    std::size_t i_ = 0;
};

bool split_pair(std::string_view tok, std::string_view& a, std::string_view& b) {
    const auto colon = tok.find(':');
    if (colon == std::string_view::npos) return false;
    a = tok.substr(0, colon);
    b = tok.substr(colon + 1);
    return true;
}

// "0100007F:0050": the kernel prints each 32-bit word of the address as the number it holds in
// host order, so putting each decoded word back into memory as-is restores the network-order
// bytes on any endianness. The port is printed already converted to a number.
bool parse_endpoint(std::string_view tok, Family family, Endpoint& ep) {
    const std::size_t words = family == Family::Inet ? 1 : 4;
    const std::size_t addr_len = words * 8;
    if (tok.size() != addr_len + 1 + 4 || tok[addr_len] != ':') return false;
    ep.addr.family = family;
    ep.addr.scope_id = 0;
    ep.addr.bytes.fill(0);
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t v = 0;
        if (!parse_hex(tok.substr(w * 8, 8), 8, v)) return false;
        const auto word = static_cast<std::uint32_t>(v);
        std::memcpy(ep.addr.bytes.data() + w * 4, &word, 4);
    }
    std::uint64_t port = 0;
    if (!parse_hex(tok.substr(addr_len + 1), 4, port)) return false;
    ep.port = static_cast<std::uint16_t>(port);
    return true;
}

std::uint64_t ticks_to_ms(std::uint64_t ticks) {
    static const std::uint64_t hz = [] {
        const long v = ::sysconf(_SC_CLK_TCK);
        return v > 0 ? static_cast<std::uint64_t>(v) : 100u;
    }();
    // Split so that huge tick counts cannot overflow the multiplication; saturate past it.
    const std::uint64_t secs = ticks / hz;
    if (secs > UINT64_MAX / 1000u - 1u) return UINT64_MAX;
    return secs * 1000u + ticks % hz * 1000u / hz;
}

std::optional<Timer> timer_from(std::uint64_t tr, std::uint64_t ticks) {
    TimerKind kind = TimerKind::Other;
    switch (tr) {
        case 0: return std::nullopt;
        case 1: kind = TimerKind::Retransmit; break;
        case 2: kind = TimerKind::KeepAlive; break;
        case 3: kind = TimerKind::TimeWait; break;
        case 4: kind = TimerKind::ZeroWindowProbe; break;
        default: break;
    }
    return Timer{kind, ticks_to_ms(ticks)};
}

// Columns after sl: local remote st tx:rx tr:when retrnsmt uid timeout inode [ignored...]
bool parse_row(std::string_view line, Protocol proto, Family family, Socket& s) {
    Columns cols(line);
    std::string_view sl = cols.next();
    std::uint64_t v = 0;
    if (sl.size() < 2 || sl.back() != ':' || !parse_dec(sl.substr(0, sl.size() - 1), UINT32_MAX, v))
        return false;
    if (!parse_endpoint(cols.next(), family, s.local) || !parse_endpoint(cols.next(), family, s.remote))
        return false;

    if (!parse_hex(cols.next(), 2, v)) return false;
    const auto state = linux_state::state_from_linux(static_cast<unsigned>(v));
    if (!state) return false;

    std::string_view a, b;
    std::uint64_t tx = 0, rx = 0, tr = 0, when = 0, retr = 0, uid = 0, inode = 0;
    if (!split_pair(cols.next(), a, b) || !parse_hex(a, 8, tx) || !parse_hex(b, 8, rx)) return false;
    if (!split_pair(cols.next(), a, b) || !parse_hex(a, 2, tr) || !parse_hex(b, 16, when)) return false;
    if (!parse_hex(cols.next(), 8, retr)) return false;
    if (!parse_dec(cols.next(), UINT32_MAX, uid)) return false;
    std::string_view timeout = cols.next();
    if (!timeout.empty() && timeout.front() == '-') timeout.remove_prefix(1);
    if (!parse_dec(timeout, INT32_MAX + 1ull, v)) return false;
    if (!parse_dec(cols.next(), UINT64_MAX, inode)) return false;

    s.protocol = proto;
    s.family = family;
    s.state = *state;
    // A listener's tx_queue is write_seq - snd_una, always 0: /proc does not show its backlog
    // (netlink does). Its rx_queue is the accept queue and is real.
    if (!(proto == Protocol::Tcp && *state == TcpState::Listen)) s.tx_queue = static_cast<std::uint32_t>(tx);
    s.rx_queue = static_cast<std::uint32_t>(rx);
    s.timer = timer_from(tr, when);
    if (proto == Protocol::Tcp) s.retransmits = static_cast<std::uint32_t>(retr);
    if (inode != 0) s.inode = inode;
    const auto u = static_cast<std::uint32_t>(uid);
    if (proto == Protocol::Udp || tcp_uid_is_known(*state, tr == 3, inode, u)) s.uid = u;
    return true;
}

bool is_blank(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

bool is_header(std::string_view line) {
    const auto start = line.find_first_not_of(" \t");
    return start != std::string_view::npos && line.substr(start, 2) == "sl" &&
           (line.size() == start + 2 || line[start + 2] == ' ' || line[start + 2] == '\t');
}

}  // namespace

TableParser::TableParser(Protocol proto, Family family, std::vector<Socket>& out, std::size_t max_rows)
    : proto_(proto), family_(family), out_(out), max_rows_(max_rows) {}

void TableParser::line(std::string_view raw) {
    ++line_no_;
    if (raw.size() > kMaxLine || overlong_) {
        overlong_ = false;
        if (stats_.malformed++ == 0) stats_.first_malformed_line = line_no_;
        return;
    }
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) return;
    if (line_no_ == 1 && is_header(line)) return;

    Socket& s = out_.emplace_back();
    if (!parse_row(line, proto_, family_, s)) {
        out_.pop_back();
        if (stats_.malformed++ == 0) stats_.first_malformed_line = line_no_;
    } else if (stats_.rows == max_rows_) {
        out_.pop_back();
        stats_.row_limit_hit = true;
    } else {
        ++stats_.rows;
    }
}

bool TableParser::feed(std::string_view piece) {
    while (!piece.empty() && !stats_.row_limit_hit) {
        const char* nl = static_cast<const char*>(std::memchr(piece.data(), '\n', piece.size()));
        const std::size_t end = nl ? static_cast<std::size_t>(nl - piece.data()) : piece.size();
        const std::string_view head = piece.substr(0, end);
        if (!nl) {
            // Keep at most one byte past the limit: enough to know the line is too long.
            if (!overlong_) partial_.append(head.substr(0, kMaxLine + 1 - std::min(partial_.size(), kMaxLine + 1)));
            if (partial_.size() > kMaxLine) {
                overlong_ = true;
                partial_.clear();
            }
            return true;
        }
        if (partial_.empty() && !overlong_) {
            line(head);  // the common case: a whole line inside the piece, parsed in place
        } else {
            if (!overlong_ && partial_.size() + head.size() <= kMaxLine + 1) partial_.append(head);
            else overlong_ = true;
            line(overlong_ ? std::string_view() : std::string_view(partial_));
            partial_.clear();
        }
        piece.remove_prefix(end + 1);
    }
    return !stats_.row_limit_hit;
}

ParseStats TableParser::finish(bool cut) {
    if (!cut && !stats_.row_limit_hit && (overlong_ || !partial_.empty())) line(partial_);
    partial_.clear();
    overlong_ = false;
    return stats_;
}

ParseStats parse_table(std::string_view text, Protocol proto, Family family, std::vector<Socket>& out) {
    out.reserve(out.size() + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    TableParser parser(proto, family, out);
    parser.feed(text);
    return parser.finish();
}

}  // namespace tcpstat::procfs
