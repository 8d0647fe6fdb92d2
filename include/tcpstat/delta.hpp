// Owns the change between two samples of a grouped or summary table (the --watch CHANGE column).
#pragma once

#include <cstddef>
#include <vector>

#include "tcpstat/result_table.hpp"

namespace tcpstat {

// Which columns identify a row and which one holds the number compared between samples.
struct DeltaColumns {
    std::vector<std::size_t> keys;
    std::size_t value = 0;
};

// For a summary: keys proto and state, value total. For groups: every column but count and the
// measurements (ColumnUnit: oldest, rate), value count. Throws UsageError when the table has neither a count nor a total column.
DeltaColumns delta_columns(const Table& t);

// `now` with a trailing "change" column. Rows are matched with `before` by their key cells:
// "+12", "-3" or "0" for a row present in both, "new" for a row absent before. Rows that were
// in `before` but are gone now are appended with value 0 (other number columns 0 too) and
// their negative change, so a group that drained is still seen once. Without `before` (the
// first sample) the change cells are empty.
Table with_change(const Table& now, const Table* before);

}  // namespace tcpstat
