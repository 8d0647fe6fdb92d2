// Owns the field catalogue (names, headers, types, needs) and the parsing of --fields lists.
#include "tcpstat/fields.hpp"

#include <array>
#include <fmt/format.h>

#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/suggest.hpp"

namespace tcpstat {

namespace {

constexpr auto T = FieldType::Text;
constexpr auto N = FieldType::Number;

// In enum order, so that field_info() is an index. Names are a public contract: never rename.
constexpr FieldInfo kFields[] = {
    {Field::Proto, "proto", "PROTO", T, false, false, false, "protocol: tcp or udp"},
    {Field::Family, "family", "FAMILY", T, false, false, false, "address family: ipv4 or ipv6"},
    {Field::State, "state", "STATE", T, false, false, false, "socket state, e.g. ESTABLISHED; UDP: UNCONN or ESTAB"},
    {Field::Local, "local", "LOCAL", T, false, false, false, "local address and port, e.g. 127.0.0.1:80 or [::1]:80"},
    {Field::Remote, "remote", "REMOTE", T, false, false, false, "remote address and port; port 0 shows as *"},
    {Field::Laddr, "laddr", "LADDR", T, false, false, false, "local address alone"},
    {Field::Lport, "lport", "LPORT", N, true, false, false, "local port"},
    {Field::Raddr, "raddr", "RADDR", T, false, false, false, "remote address alone"},
    {Field::Rport, "rport", "RPORT", N, true, false, false, "remote port"},
    {Field::Pid, "pid", "PID", N, true, true, false, "process id of the owner (several if the socket is shared)"},
    {Field::Process, "process", "PROCESS", T, false, true, false, "process name (comm) of the owner"},
    {Field::Owners, "owners", "OWNERS", T, false, true, false, "every owner as pid/fd and name"},
    {Field::User, "user", "USER", T, false, false, false, "user name of the socket's uid, or the uid"},
    {Field::Uid, "uid", "UID", N, true, false, false, "numeric uid that created the socket"},
    {Field::Inode, "inode", "INODE", N, true, false, false, "socket inode number; absent for TIME_WAIT and SYN_RECV"},
    {Field::RecvQ, "recv_q", "RECV-Q", N, true, false, false, "bytes received but not yet read; LISTEN: pending connections"},
    {Field::SendQ, "send_q", "SEND-Q", N, true, false, false, "bytes sent but not yet acknowledged; LISTEN: backlog size"},
    {Field::Timer, "timer", "TIMER", T, false, false, false, "pending kernel timer: retransmit, keepalive, time_wait, zero_window_probe, other"},
    {Field::TimerMs, "timer_ms", "TIMER-MS", N, true, false, false, "milliseconds until the timer fires"},
    {Field::Retrans, "retrans", "RETRANS", N, true, false, false, "unrecovered retransmits of the current segment"},
    {Field::Rtt, "rtt_us", "RTT-US", N, true, false, true, "smoothed round-trip time in microseconds"},
    {Field::Rttvar, "rttvar_us", "RTTVAR-US", N, true, false, true, "round-trip time variance in microseconds"},
    {Field::Cwnd, "cwnd", "CWND", N, true, false, true, "congestion window in segments"},
    {Field::Ssthresh, "ssthresh", "SSTHRESH", N, true, false, true, "slow-start threshold in segments; absent while unbounded"},
    {Field::Mss, "mss", "MSS", N, true, false, true, "maximum segment size in bytes"},
    {Field::RetransTotal, "retrans_total", "RETRANS-TOTAL", N, true, false, true, "retransmitted segments over the connection's life"},
    {Field::BytesSent, "bytes_sent", "BYTES-SENT", N, true, false, true, "bytes sent (acknowledged on older kernels)"},
    {Field::BytesReceived, "bytes_received", "BYTES-RECEIVED", N, true, false, true, "bytes received"},
    {Field::LastSendMs, "last_send_ms", "LAST-SEND-MS", N, true, false, true, "milliseconds since data was last sent"},
    {Field::LastRecvMs, "last_recv_ms", "LAST-RECV-MS", N, true, false, true, "milliseconds since data was last received"},
    {Field::IdleMs, "idle_ms", "IDLE-MS", N, true, false, true, "milliseconds since anything was sent or received"},
    {Field::Netns, "netns", "NETNS", N, true, false, false, "network namespace (--netns, --all-netns): its name, else its inode"},
    {Field::Cmdline, "cmdline", "CMDLINE", T, false, true, false, "command line of the owner, arguments joined by spaces"},
    {Field::Exe, "exe", "EXE", T, false, true, false, "executable path of the owner (/proc/PID/exe)"},
    {Field::Service, "service", "SERVICE", T, false, true, false, "Windows: the services the owner runs (svchost.exe), comma-separated"},
    {Field::Age, "age", "AGE", N, true, false, false, "Linux: milliseconds in the current state, after `tcpstat record start`, as root; Windows: milliseconds since the connection was created; absent otherwise"},
    {Field::ChangedBy, "changed_by", "CHANGED-BY", N, true, false, false, "pid that made the last recorded transition (connect, listen, close) itself, where the recorder saw one"},
    {Field::RmemAlloc, "rmem_alloc", "RMEM-ALLOC", N, true, false, false, "-m: bytes of received data held in memory (ss skmem r)"},
    {Field::Rcvbuf, "rcvbuf", "RCVBUF", N, true, false, false, "-m: receive buffer size in bytes (ss skmem rb)"},
    {Field::WmemAlloc, "wmem_alloc", "WMEM-ALLOC", N, true, false, false, "-m: bytes of sent data in flight to the device (ss skmem t)"},
    {Field::Sndbuf, "sndbuf", "SNDBUF", N, true, false, false, "-m: send buffer size in bytes (ss skmem tb)"},
    {Field::FwdAlloc, "fwd_alloc", "FWD-ALLOC", N, true, false, false, "-m: memory reserved ahead for the socket (ss skmem f)"},
    {Field::WmemQueued, "wmem_queued", "WMEM-QUEUED", N, true, false, false, "-m: bytes queued for sending (ss skmem w)"},
    {Field::Optmem, "optmem", "OPTMEM", N, true, false, false, "-m: memory for socket options and filters (ss skmem o)"},
    {Field::Backlog, "sk_backlog", "SK-BACKLOG", N, true, false, false, "-m: bytes in the socket's backlog queue (ss skmem bl)"},
    {Field::Drops, "sk_drops", "SK-DROPS", N, true, false, false, "-m: packets dropped before reaching the socket (ss skmem d)"},
};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < std::size(kFields); ++i)
        if (static_cast<std::size_t>(kFields[i].field) != i) return false;
    return true;
}
static_assert(in_enum_order(), "kFields must follow the Field enum order");
static_assert(std::size(kFields) == kFieldCount, "every field needs an entry");

std::vector<std::string_view> field_names() {
    std::vector<std::string_view> out;
    for (const auto& f : kFields) out.push_back(f.name);
    return out;
}

std::string accepted_field_names() {
    std::string out;
    for (const auto& f : kFields) {
        if (!out.empty()) out += ", ";
        out += f.name;
    }
    return out;
}

}  // namespace

std::span<const FieldInfo> all_fields() { return kFields; }

const FieldInfo& field_info(Field f) {
    auto i = static_cast<std::size_t>(f);
    return i < std::size(kFields) ? kFields[i] : kFields[0];
}

// Case and the separators '-' and '_' are not significant: RECV-Q, recv_q and recvq all name
// the same field (docs/formats.md promises this), but only between letters.
std::optional<Field> field_by_name(std::string_view name) {
    auto is_sep = [](char c) { return c == '-' || c == '_'; };
    // Separators join words; one at either end would be a character silently ignored.
    if (name.empty() || is_sep(name.front()) || is_sep(name.back())) return std::nullopt;
    for (const auto& f : kFields) {
        std::size_t i = 0, j = 0;
        while (true) {
            while (i < name.size() && is_sep(name[i])) ++i;
            while (j < f.name.size() && is_sep(f.name[j])) ++j;
            if (i == name.size() || j == f.name.size()) break;
            char c = name[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != f.name[j]) break;
            ++i;
            ++j;
        }
        if (i == name.size() && j == f.name.size()) return f.field;
    }
    return std::nullopt;
}

std::vector<Field> default_fields(bool extended, bool machine) {
    if (machine) {
        std::vector<Field> out = {Field::Proto, Field::Family, Field::State,   Field::Laddr, Field::Lport,
                                  Field::Raddr, Field::Rport,  Field::RecvQ,   Field::SendQ, Field::Uid,
                                  Field::User,  Field::Inode,  Field::Timer,   Field::TimerMs, Field::Retrans,
                                  Field::Pid,   Field::Process, Field::Owners};
        if (extended)
            for (Field x : {Field::Rtt, Field::Rttvar, Field::Cwnd, Field::Ssthresh, Field::Mss, Field::RetransTotal,
                            Field::BytesSent, Field::BytesReceived, Field::LastSendMs, Field::LastRecvMs, Field::IdleMs})
                out.push_back(x);
        return out;
    }
    if (!extended) {
        return {Field::Proto, Field::State, Field::Local, Field::Remote, Field::Pid, Field::Process};
    }
    return {Field::Proto, Field::State,   Field::RecvQ, Field::SendQ, Field::Local, Field::Remote,
            Field::User,  Field::Inode,   Field::Timer, Field::TimerMs, Field::Retrans, Field::Rtt,
            Field::Cwnd,  Field::IdleMs,  Field::Pid,   Field::Process};
}

std::vector<Field> parse_field_list(std::string_view list) {
    std::vector<Field> out;
    for_each_comma_item(list, [&](std::string_view item) {
        if (item.empty()) return;
        auto f = field_by_name(item);
        if (!f) {
            throw UsageError(fmt::format("unknown field '{}'{}: expected one of {}", item, did_you_mean(item, field_names()),
                                         accepted_field_names()));
        }
        // A repeated field would give JSON objects a duplicate key.
        for (Field seen : out) {
            if (seen == *f) throw UsageError(fmt::format("field '{}' is listed twice", item));
        }
        out.push_back(*f);
    });
    if (out.empty()) {
        throw UsageError(fmt::format("empty field list: expected one of {}", accepted_field_names()));
    }
    return out;
}

}  // namespace tcpstat
