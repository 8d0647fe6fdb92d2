// Owns the second half of a listing, grouping or summary run: tabulate, then print the count, the
// table or the sorted listing. A single run and each --watch sample go through these steps.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "app/options.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/growth.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/result_table.hpp"

namespace tcpstat::app {

// The small table of a grouping (-g) or of summary; nullopt for a listing or --count. With
// `growth` (--watch), groups carry OLDEST and RATE as of `now_ms` (steady clock).
std::optional<Table> tabulate(const Options& o, const Snapshot& snap, GrowthTracker* growth = nullptr,
                              std::int64_t now_ms = 0);

// Prints one result: `table` when there is one (tabulate()'s, or --watch's copy with a CHANGE
// column), else the count, else the listing sorted by --sort (which reorders snap.sockets).
void render_result(const Options& o, const RenderOptions& render, Snapshot& snap, const Table* table, Output& out);

// Whether a run can print its rows as the dump arrives: a listing with no global order (no
// --sort, no grouping), nothing that needs owners or reverse lookups, in a format that writes
// rows one by one (tsv, csv, jsonl), or --count. The table keeps every row to align columns.
bool streams(const Options& o);

// summary counted as the dump arrives (with no owner filter: nothing to join), so it holds a
// batch rather than every socket. The snapshot has no sockets: its warnings and source.
struct StreamedSummary {
    Snapshot snap;
    Table table;
    std::size_t matched = 0;
};
bool streams_summary(const Options& o);
StreamedSummary stream_summary(const Options& o, const GatherPlan& plan, Backend& backend);

// Whether a run that does not stream keeps its rows packed rather than as Sockets (a third of
// the memory at 100k): a listing with no global order (the table, -f json, or a row format with
// owner fields), and nothing only a Socket array carries or joins: no owner filter, ages,
// reverse lookups, -e or -m.
bool packs(const Options& o);

// A streamed run: collects into a sink that filters each batch and prints (or counts) it, so
// memory stays a batch whatever the number of sockets. Returns the snapshot without sockets
// (warnings, source) and the number of sockets that matched.
std::pair<Snapshot, std::size_t> stream_listing(const Options& o, const GatherPlan& plan, Backend& backend,
                                                const RenderOptions& render, Output& out);

}  // namespace tcpstat::app
