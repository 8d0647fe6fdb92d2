// Owns grouping (-g, check --per): the key lists, the count per distinct key tuple, and group membership.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/fields.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/result_table.hpp"

namespace tcpstat {

// A group key is a field: one vocabulary for --fields, -g, --sort and check --per.
using GroupKey = Field;

std::string_view group_key_name(GroupKey k);
// Every field one can group by (all but owners), for messages.
std::string accepted_key_names();
// "pid,process" in any spelling --fields accepts (LPORT, recv-q); throws UsageError naming the
// bad key and listing the accepted ones.
std::vector<GroupKey> parse_group_keys(std::string_view list);
bool group_key_needs_owners(GroupKey k);

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

// One --sort key of a grouping: a -g key's column or (key absent) the count.
struct GroupSortKey {
    std::optional<GroupKey> key;
    bool descending = false;
};
// "-count,process": the -g columns by name (plus count), '-' first for descending; throws
// UsageError for a name that is not one of the grouping's columns.
std::vector<GroupSortKey> parse_group_sort(std::string_view list, const std::vector<GroupKey>& keys);

// One row per distinct key tuple with its count, largest count first, ties ordered by the key
// values ascending. For owner keys (pid, process, cmdline, exe), a socket with several owners
// counts once under each distinct owner value; a socket with no owner counts under null.
// With `client_ports`, an lport that no server in it is bound to (a client's ephemeral port)
// counts under the one text value kClientPortsGroup instead of a group per port.
// With `order`, rows follow those keys first (missing values last either way), then the
// default order above breaks ties.
// With `first_seen` (one value per socket of snap) and `row_first_seen`, the latter receives per
// row of the result the smallest first_seen among the sockets counted in it (growth.hpp).
Table group_sockets(const Snapshot& snap, const std::vector<GroupKey>& keys,
                    const ServerPorts* client_ports = nullptr, std::span<const GroupSortKey> order = {},
                    std::span<const std::int64_t> first_seen = {}, std::vector<std::int64_t>* row_first_seen = nullptr);

// Whether `s` counts in the group of group_sockets(snap, keys, client_ports) whose key cells are
// `values` (a row without its count): for owner keys, any one of its owners matching is enough.
bool socket_in_group(const Snapshot& snap, const Socket& s, const std::vector<GroupKey>& keys,
                     const std::vector<Value>& values, const ServerPorts* client_ports = nullptr);

}  // namespace tcpstat
