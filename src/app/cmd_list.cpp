// Owns the default command and summary: list matching sockets, or count them, or group them.
#include <cstdlib>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/list_steps.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/console.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {

void print_warnings(const Snapshot& snap) {
    std::set<std::string_view> seen;
    for (const std::string& w : snap.warnings)
        if (seen.insert(w).second) print_diagnostic(stderr, "tcpstat: warning: ", w);
}

bool use_color(ColorMode mode, const Output& out) {
    if (mode == ColorMode::Always) return true;
    if (mode == ColorMode::Never) return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    const char* term = std::getenv("TERM");
    if (term && std::strcmp(term, "dumb") == 0) return false;
    return out.is_tty() && terminal_can_colour();
}

// list and summary: gather, tabulate, print; --watch repeats the same steps (watch.cpp).
int run_list(Options& options, Output& out) {
    auto backend = make_system_backend(options.request);
    RenderOptions render = options.render;
    render.color = use_color(options.color, out);
    if (streams(options)) {
        const auto [snap, matched] = stream_listing(options, plan_gathering(options, *backend), *backend, render, out);
        out.flush();
        print_warnings(snap);
        return matched == 0 ? 1 : 0;
    }
    if (streams_summary(options)) {
        const StreamedSummary summary = stream_summary(options, plan_gathering(options, *backend), *backend);
        render_table(summary.table, render, out);
        out.flush();
        print_warnings(summary.snap);
        return summary.matched == 0 ? 1 : 0;
    }
    if (packs(options)) {
        const PackedListing listing = gather_packed(plan_gathering(options, *backend), *backend);
        render_packed_sockets(listing.rows, listing.context, render, out);
        out.flush();
        print_warnings(listing.context);
        return listing.rows.empty() ? 1 : 0;
    }
    Snapshot snap = gather(options, *backend);
    const std::optional<Table> table = tabulate(options, snap);
    render_result(options, render, snap, table ? &*table : nullptr, out);
    out.flush();
    print_warnings(snap);
    return snap.sockets.empty() ? 1 : 0;
}

int run_summary(Options& options, Output& out) { return run_list(options, out); }

}  // namespace tcpstat::app
