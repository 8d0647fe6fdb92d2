// Owns the default command: list matching sockets, or count them, or group them.
#include <cstdlib>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/console.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/group.hpp"
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

int run_list(Options& options, Output& out) {
    auto backend = make_system_backend(options.request);
    Snapshot snap = gather(options, *backend);
    options.render.color = use_color(options.color, out);
    const bool matched = !snap.sockets.empty();

    if (options.count) {
        auto n = snap.sockets.size();
        if (options.render.format == Format::Json || options.render.format == Format::Jsonl)
            out.write(fmt::format("{{\"count\":{}}}\n", n));
        else
            out.write(fmt::format("{}\n", n));
    } else if (!options.group_by.empty()) {
        render_table(group_sockets(snap, options.group_by, nullptr, options.group_sort), options.render, out);
    } else {
        sort_sockets(snap, options.sort_keys);
        render_sockets(snap, options.render, out);
    }
    out.flush();
    print_warnings(snap);
    return matched ? 0 : 1;
}

int run_summary(Options& options, Output& out) {
    auto backend = make_system_backend(options.request);
    Snapshot snap = gather(options, *backend);
    options.render.color = use_color(options.color, out);
    render_table(summarize(snap, options.filter.tcp, options.filter.udp), options.render, out);
    out.flush();
    print_warnings(snap);
    return snap.sockets.empty() ? 1 : 0;
}

}  // namespace tcpstat::app
