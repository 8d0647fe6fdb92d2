// Owns the catalogue of output fields: their stable machine names, headers, types, and which
// data each needs (owners, extended info). The format contract in docs/formats.md mirrors it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tcpstat {

enum class Field : std::uint8_t {
    Proto, Family, State, Local, Remote, Laddr, Lport, Raddr, Rport,
    Pid, Process, Owners, User, Uid, Inode, RecvQ, SendQ, Timer, TimerMs, Retrans,
    Rtt, Rttvar, Cwnd, Ssthresh, Mss, RetransTotal, BytesSent, BytesReceived,
    LastSendMs, LastRecvMs, IdleMs, Netns, Cmdline, Exe, Service, Age, ChangedBy,
    // Socket memory (-m), in SocketMemory's order.
    RmemAlloc, Rcvbuf, WmemAlloc, Sndbuf, FwdAlloc, WmemQueued, Optmem, Backlog, Drops,
};
// How many fields there are: memory stays last, so a new field goes before it.
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::Drops) + 1;

// Where a socket-memory field sits in SocketMemory::values; nullopt for every other field.
constexpr std::optional<std::size_t> memory_index(Field f) {
    if (f < Field::RmemAlloc || f > Field::Drops) return std::nullopt;
    return static_cast<std::size_t>(f) - static_cast<std::size_t>(Field::RmemAlloc);
}

enum class FieldType : std::uint8_t { Text, Number };

struct FieldInfo {
    Field field;
    std::string_view name;    // machine name: json key, csv/tsv header, --fields/--sort word
    std::string_view header;  // table header
    FieldType type;
    bool right_align;
    bool needs_owners;
    bool extended_only;       // needs -e to be collected (TCP internals)
    std::string_view help;    // one line for docs and --help
};

std::span<const FieldInfo> all_fields();
const FieldInfo& field_info(Field f);
std::optional<Field> field_by_name(std::string_view name);

// The fields a listing shows without --fields, the one place they are chosen. The table: PROTO
// STATE LOCAL REMOTE PID PROCESS; with extended, the queues, user, inode, timer and the TCP
// internals follow. Machine formats (tsv, csv, json): every stable field, addresses and ports
// apart, so an export carries everything; with extended, the TCP internals too.
std::vector<Field> default_fields(bool extended, bool machine = false);

// "state,lport,pid"; throws UsageError naming the unknown field and listing the accepted ones.
std::vector<Field> parse_field_list(std::string_view list);

}  // namespace tcpstat
