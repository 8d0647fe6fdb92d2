// Owns --sort for listings: the key list and the stable sort of a snapshot's sockets.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "tcpstat/fields.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

// Stable sort of snap.sockets by one field's value (field_value(): ascending, missing last;
// numbers numerically, addresses by value). Throws UsageError for owners, a list.
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
