// Owns the second half of a listing, grouping or summary run: tabulate, then print.
#include "app/list_steps.hpp"

#include "tcpstat/grouping.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat/sorting.hpp"
#include "tcpstat/summary.hpp"

namespace tcpstat::app {

std::optional<Table> tabulate(const Options& o, const Snapshot& snap) {
    if (o.command == Command::Summary) return summarize(snap, o.filter.tcp, o.filter.udp);
    if (!o.group_by.empty()) return group_sockets(snap, o.group_by, nullptr, o.group_sort);
    return std::nullopt;
}

void render_result(const Options& o, const RenderOptions& render, Snapshot& snap, const Table* table, Output& out) {
    if (table) {
        render_table(*table, render, out);
    } else if (o.count) {
        render_count(snap.sockets.size(), render, out);
    } else {
        sort_sockets(snap, o.sort_keys);
        render_sockets(snap, render, out);
    }
}

}  // namespace tcpstat::app
