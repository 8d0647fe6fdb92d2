// Owns grouping (-g), counting, the per-state summary, and sorting of listings.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tcpstat/fields.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

enum class GroupKey : std::uint8_t {
    State, Proto, Family, Pid, Process, User, Lport, Rport, Laddr, Raddr, Netns, Cmdline, Exe, Service,
};

std::string_view group_key_name(GroupKey k);
// "state, proto, ..., netns", for messages.
std::string accepted_key_names();
// "pid,process"; throws UsageError naming the bad key and listing the accepted ones.
std::vector<GroupKey> parse_group_keys(std::string_view list);
bool group_key_needs_owners(GroupKey k);

// A typed cell: null (missing), a number, or text.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

// A small result table (groups, summary): few rows, so plain values are fine here.
struct Column {
    std::string name;    // machine name ("state", "pid", "count")
    std::string header;  // table header ("STATE", "PID", "COUNT")
    FieldType type = FieldType::Text;
};
struct Table {
    std::string name = "groups";  // JSON top-level key: "groups" or "summary"
    std::vector<Column> columns;
    std::vector<std::vector<Value>> rows;
};

// The local ports servers are bound to: those of TCP LISTEN and UDP UNCONN sockets, per protocol.
class ServerPorts {
public:
    void add(Protocol proto, std::uint16_t port) { bits(proto)[port] = true; }
    bool has(Protocol proto, std::uint16_t port) const {
        return (proto == Protocol::Udp ? udp_ : tcp_)[port];
    }

private:
    std::vector<bool>& bits(Protocol proto) { return proto == Protocol::Udp ? udp_ : tcp_; }
    std::vector<bool> tcp_ = std::vector<bool>(65536), udp_ = std::vector<bool>(65536);
};

// The lport value under which client_ports folding counts every port no server is bound to.
inline constexpr std::string_view kClientPortsGroup = "client";

// One row per distinct key tuple with its count, largest count first, ties ordered by the key
// values ascending. For owner keys (pid, process), a socket with several owners counts once
// under each distinct owner value; a socket with no owner counts under null.
// With `client_ports`, an lport that no server in it is bound to (a client's ephemeral port)
// counts under the one text value kClientPortsGroup instead of a group per port.
// One --sort key of a grouping: a -g key's column or (key absent) the count.
struct GroupSortKey {
    std::optional<GroupKey> key;
    bool descending = false;
};
// "-count,process": the -g columns by name (plus count), '-' first for descending; throws
// UsageError for a name that is not one of the grouping's columns.
std::vector<GroupSortKey> parse_group_sort(std::string_view list, const std::vector<GroupKey>& keys);

// With `order`, rows follow those keys first (missing values last either way), then the
// default order above breaks ties.
Table group_sockets(const Snapshot& snap, const std::vector<GroupKey>& keys,
                    const ServerPorts* client_ports = nullptr, std::span<const GroupSortKey> order = {});

// Whether `s` counts in the group of group_sockets(snap, keys, client_ports) whose key cells are
// `values` (a row without its count): for owner keys, any one of its owners matching is enough.
bool socket_in_group(const Snapshot& snap, const Socket& s, const std::vector<GroupKey>& keys,
                     const std::vector<Value>& values, const ServerPorts* client_ports = nullptr);

// Counts per protocol x state, one row each, with columns proto, state, ipv4, ipv6, total
// (name "summary"). Every state of each requested protocol appears, zero counts included, in
// state-machine order (TCP: LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2,
// CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSE, then NEW_SYN_RECV/DELETE_TCB only if
// non-zero; UDP: UNCONN, ESTAB), followed by one "total" row per protocol (state = "total").
Table summarize(const Snapshot& snap, bool tcp, bool udp);

// Stable sort of snap.sockets by one field (ascending; numbers numerically, addresses by
// value). Throws UsageError for a field that cannot be sorted on.
void sort_sockets(Snapshot& snap, Field key, bool descending = false);

// One --sort key of a listing: a field, ascending unless written with a leading '-'.
struct SortKey {
    Field field = Field::Proto;
    bool descending = false;
    bool operator==(const SortKey&) const = default;
};
// "state,-idle_ms": keys by priority; '-' first means descending, nothing else is stripped.
// Throws UsageError naming the bad item (with a did-you-mean) and the sortable fields.
std::vector<SortKey> parse_sort_keys(std::string_view list);
// Stable sort by every key in priority order (the first key decides, the next breaks its ties).
void sort_sockets(Snapshot& snap, std::span<const SortKey> keys);

}  // namespace tcpstat
