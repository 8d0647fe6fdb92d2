// Owns grouping (-g), counting, the per-state summary, and sorting of listings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tcpstat/fields.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

enum class GroupKey : std::uint8_t {
    State, Proto, Family, Pid, Process, User, Lport, Rport, Laddr, Raddr, Netns,
};

std::string_view group_key_name(GroupKey k);
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
    std::vector<Column> columns;
    std::vector<std::vector<Value>> rows;
};

// One row per distinct key tuple with its count, largest count first, ties ordered by the key
// values ascending. For owner keys (pid, process), a socket with several owners counts once
// under each distinct owner value; a socket with no owner counts under null.
Table group_sockets(const Snapshot& snap, const std::vector<GroupKey>& keys);

// Counts per state x protocol/family with totals; every state by its own name.
Table summarize(const Snapshot& snap);

// Stable sort of snap.sockets by one field (ascending; numbers numerically, addresses by
// value). Throws UsageError for a field that cannot be sorted on.
void sort_sockets(Snapshot& snap, Field key, bool descending = false);

}  // namespace tcpstat
