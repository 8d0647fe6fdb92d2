// Owns --watch: repeated samples of a listing, grouping or summary until --iterations or a signal.
#include "app/watch.hpp"

#include <algorithm>
#include <iterator>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "app/list_steps.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/delta.hpp"
#include "tcpstat/growth.hpp"
#include "tcpstat/render.hpp"

#ifdef _WIN32
#include <io.h>
#include <thread>
#else
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>
#endif

namespace tcpstat::app {
namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_cursor_hidden = 0;

constexpr char kShowCursor[] = "\x1b[?25h";
constexpr char kHideCursor[] = "\x1b[?25l";
constexpr char kHomeAndClear[] = "\x1b[H\x1b[2J";

void write_show_cursor() {
    // Async-signal-safe: a plain write(2) of a constant, result deliberately ignored.
    if (g_cursor_hidden) (void)!::write(1, kShowCursor, sizeof kShowCursor - 1);
}

extern "C" void on_stop_signal(int) {
    // The first signal lets the current sample finish; a second one means the loop is stuck
    // (a reader that stopped reading), so leave at once.
    if (g_stop) {
        write_show_cursor();
        std::_Exit(0);
    }
    g_stop = 1;
}

#ifndef _WIN32
// Every catchable way a terminal user or a supervisor ends the loop: Ctrl-C, kill, Ctrl-\, the
// terminal closing. Each lets the current sample finish and then shows the cursor again.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
#endif

// Installs the stop handlers for the duration of the loop.
class StopSignals {
public:
    StopSignals() {
        g_stop = 0;
#ifdef _WIN32
        old_int_ = std::signal(SIGINT, on_stop_signal);
        old_term_ = std::signal(SIGTERM, on_stop_signal);
#else
        struct sigaction sa{};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        // Restart interrupted reads and writes so a signal never turns into a spurious I/O
        // error; the sleep (ppoll) is never restarted, so it still wakes at once.
        sa.sa_flags = SA_RESTART;
        for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &sa, &old_[i]);
#endif
    }
    ~StopSignals() {
#ifdef _WIN32
        std::signal(SIGINT, old_int_);
        std::signal(SIGTERM, old_term_);
#else
        for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &old_[i], nullptr);
#endif
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
#ifdef _WIN32
    void (*old_int_)(int) = nullptr;
    void (*old_term_)(int) = nullptr;
#else
    struct sigaction old_[std::size(kStopSignals)]{};
#endif
};

// Sleeps until `when` or a stop signal; false when stopped.
bool wait_until(Clock::time_point when) {
#ifdef _WIN32
    while (!g_stop && Clock::now() < when)
        std::this_thread::sleep_for(std::min<Clock::duration>(when - Clock::now(), std::chrono::milliseconds(50)));
#else
    // Signals stay blocked except inside ppoll, so one arriving between the check of g_stop and
    // the sleep is not lost until the next sample.
    sigset_t stop_set, old;
    sigemptyset(&stop_set);
    for (int sig : kStopSignals) sigaddset(&stop_set, sig);
    sigprocmask(SIG_BLOCK, &stop_set, &old);
    sigset_t during = old;
    for (int sig : kStopSignals) sigdelset(&during, sig);
    while (!g_stop) {
        auto left = when - Clock::now();
        if (left <= Clock::duration::zero()) break;
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
        ppoll(nullptr, 0, &ts, &during);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
#endif
    return !g_stop;
}

std::string utc_stamp() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &now);
#else
    gmtime_r(&now, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
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
        g_cursor_hidden = 1;
    }
    ~CursorGuard() {
        if (!active_) return;
        write_show_cursor();
        g_cursor_hidden = 0;
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
        Sample s = take_sample(o, plan, *backend, growth);
        code = s.snap.sockets.empty() ? 1 : 0;

        std::optional<Table> shown;
        if (redraw && s.table) shown = with_change(*s.table, previous ? &*previous : nullptr);
        const Table* table = shown ? &*shown : (s.table ? &*s.table : nullptr);
        const std::string text = render_sample(o, render, s, table);

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
        if (g_stop) break;
    }
    if (g_stop) code = 0;
    return code;
}

}  // namespace tcpstat::app
