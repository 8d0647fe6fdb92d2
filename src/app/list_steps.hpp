// Owns the second half of a listing, grouping or summary run: tabulate, then print the count, the
// table or the sorted listing. A single run and each --watch sample go through these steps.
#pragma once

#include <optional>

#include "app/options.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/result_table.hpp"

namespace tcpstat::app {

// The small table of a grouping (-g) or of summary; nullopt for a listing or --count.
std::optional<Table> tabulate(const Options& o, const Snapshot& snap);

// Prints one result: `table` when there is one (tabulate()'s, or --watch's copy with a CHANGE
// column), else the count, else the listing sorted by --sort (which reorders snap.sockets).
void render_result(const Options& o, const RenderOptions& render, Snapshot& snap, const Table* table, Output& out);

}  // namespace tcpstat::app
