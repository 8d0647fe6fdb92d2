// Owns --watch: repeated samples of a listing, grouping or summary until --iterations or a signal.
#include "app/watch.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "app/list_steps.hpp"
#include "app/pipeline.hpp"
#include "app/stop_signals.hpp"
#include "tcpstat/delta.hpp"
#include "tcpstat/growth.hpp"
#include "tcpstat/render.hpp"

#ifndef _WIN32
#include <sys/ioctl.h>
#endif

namespace tcpstat::app {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kHideCursor[] = "\x1b[?25l";
constexpr char kHomeAndClear[] = "\x1b[H\x1b[2J";

std::string utc_stamp() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return format_utc(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

// Terminal height in lines, 0 when unknown.
int terminal_rows() {
#ifdef _WIN32
    return 0;
#else
    winsize ws{};
    if (::ioctl(1, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_row;
#endif
}

// Hides the cursor while redrawing and always shows it again, on every way out.
class CursorGuard {
public:
    CursorGuard(Output& out, bool active) : active_(active) {
        if (!active_) return;
        out.write(kHideCursor);
        out.flush();
        set_cursor_hidden(true);
    }
    ~CursorGuard() {
        if (!active_) return;
        show_cursor_if_hidden();
        set_cursor_hidden(false);
    }
    CursorGuard(const CursorGuard&) = delete;
    CursorGuard& operator=(const CursorGuard&) = delete;

private:
    bool active_;
};

struct Sample {
    Snapshot snap;
    std::optional<Table> table;  // groupings and summary
};

// The listing's own steps (gather, tabulate), on a plan made once for the whole loop.
Sample take_sample(const Options& o, const GatherPlan& plan, Backend& backend, GrowthTracker& growth) {
    Sample s{gather(plan, backend), std::nullopt};
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
    s.table = tabulate(o, s.snap, &growth, now);
    return s;
}

// Renders one sample exactly as a single run would print it.
std::string render_sample(const Options& o, const RenderOptions& render, Sample& s, const Table* table) {
    std::string text;
    Output buf(&text);
    render_result(o, render, s.snap, table, buf);
    buf.flush();
    return text;
}

// A frame for the terminal: home, clear, a header, then as many lines as fit.
std::string frame(const Options& o, long number, const std::string& stamp, const std::vector<std::string>& notes,
                  const std::string& body) {
    std::string f = kHomeAndClear;
    f += fmt::format("every {}s  {}  sample {}", *o.watch_seconds, stamp, number);
    if (o.iterations) f += fmt::format("/{}", *o.iterations);
    f += "  (Ctrl-C quits)\n";
    for (const auto& n : notes) f += diagnostic_line("warning: ", n);
    f += '\n';
    const int rows = terminal_rows();
    const int room = rows > 0 ? rows - 3 - static_cast<int>(notes.size()) : -1;
    int used = 0;
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto nl = body.find('\n', pos);
        if (nl == std::string::npos) nl = body.size() - 1;
        if (room >= 0 && used == room) {
            std::size_t left = 0;
            for (std::size_t p = pos; p < body.size(); ++p) left += body[p] == '\n';
            f += fmt::format("... {} more lines: filter, group (-g) or enlarge the terminal\n", left);
            break;
        }
        f.append(body, pos, nl + 1 - pos);
        ++used;
        pos = nl + 1;
    }
    return f;
}

}  // namespace

int run_watch(const Options& o) {
    const bool to_file = !o.output_path.empty();
    Output out(1);
    const bool redraw = !to_file && out.is_tty() && o.render.format == Format::Table;
    RenderOptions render = o.render;
    render.color = !to_file && use_color(o.color, out);
    auto backend = make_system_backend(o.request);
    const GatherPlan plan = plan_gathering(o, *backend);
    const bool streaming = streams(o);
    const bool packing = !streaming && packs(o);
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*o.watch_seconds));

    StopSignals signals;
    CursorGuard cursor(out, redraw);
    std::optional<Table> previous;
    GrowthTracker growth;
    std::set<std::string> warned;
    int code = 0;
    auto next = Clock::now();
    for (long i = 0; !o.iterations || i < *o.iterations; ++i) {
        if (i > 0 && !wait_until(next)) break;
        const std::string stamp = utc_stamp();
        Sample s;
        std::string text;
        if (streaming) {
            // --count and unordered row formats print as the dump arrives, as a single run does:
            // a sample holds a batch of sockets, not all of them (120k: ~6 MiB instead of ~30).
            Output buf(&text);
            auto [snap, matched] = stream_listing(o, plan, *backend, render, buf);
            buf.flush();
            s.snap = std::move(snap);
            code = matched == 0 ? 1 : 0;
        } else if (packing) {
            // A table (or owner) listing keeps its rows packed, as a single run does.
            PackedListing listing = gather_packed(plan, *backend);
            Output buf(&text);
            render_packed_sockets(listing.rows, listing.context, render, buf);
            buf.flush();
            code = listing.rows.empty() ? 1 : 0;
            s.snap = std::move(listing.context);
        } else {
            s = take_sample(o, plan, *backend, growth);
            code = s.snap.sockets.empty() ? 1 : 0;
            std::optional<Table> shown;
            if (redraw && s.table) shown = with_change(*s.table, previous ? &*previous : nullptr);
            const Table* table = shown ? &*shown : (s.table ? &*s.table : nullptr);
            text = render_sample(o, render, s, table);
        }

        std::vector<std::string> notes;
        for (const auto& w : s.snap.warnings)
            if (redraw || warned.insert(w).second) notes.push_back(w);
        if (to_file) {
            write_atomically(o.output_path, [&](Output& f) {
                f.write(text);
                return 0;
            });
        } else if (redraw) {
            std::set<std::string> uniq(notes.begin(), notes.end());
            out.write(frame(o, i + 1, stamp, {uniq.begin(), uniq.end()}, text));
        } else {
            write_stamped(text, stamp, render, out);
        }
        out.flush();
        if (!redraw)
            for (const auto& w : notes) print_diagnostic(stderr, "tcpstat: warning: ", w);
        previous = std::move(s.table);

        next += period;
        const auto now = Clock::now();
        if (next < now) next = now;  // a slow sample delays the next one; no catch-up burst
        if (stop_requested()) break;
    }
    if (stop_requested()) code = 0;
    return code;
}

}  // namespace tcpstat::app
