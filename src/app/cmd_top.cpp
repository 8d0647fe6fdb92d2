// Owns `tcpstat top`: the interactive loop that turns keys and background refreshes into the view's transitions and frames.
#include "app/commands.hpp"
#include "tcpstat/error.hpp"

#ifdef _WIN32

namespace tcpstat::app {

int run_top(Options&) {
    throw RuntimeError("tcpstat top is not available on Windows (it needs a curses terminal): watch the same "
                       "numbers with tcpstat -g state,process --watch 2");
}

}  // namespace tcpstat::app

#else

#include <curses.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <iterator>

#include <fmt/format.h>

#include "app/self_exec.hpp"
#include "app/top_collector.hpp"
#include "app/top_view.hpp"
#include "tui/screen.hpp"
#include "tui/top_draw.hpp"

namespace tcpstat::app {
namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_top_signal(int) { g_stop = 1; }

// Ctrl-C, kill, the terminal closing, Ctrl-\: each ends the loop so the terminal is restored.
// Installed before curses starts, so curses keeps them instead of its own.
class TopSignals {
public:
    TopSignals() {
        g_stop = 0;
        struct sigaction sa{};
        sa.sa_handler = on_top_signal;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &old_[i]);
    }
    ~TopSignals() {
        for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old_[i], nullptr);
    }
    TopSignals(const TopSignals&) = delete;
    TopSignals& operator=(const TopSignals&) = delete;

private:
    static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction old_[std::size(kSignals)]{};
};

// The key loop: keys and finished refreshes into the view's transitions, each change of
// settings to the collector, and a frame after each (at least once a second).
class TopLoop {
public:
    TopLoop(tui::Screen& screen, TopCollector& collector, TopSettings settings)
        : screen_(screen), collector_(collector), v_(std::move(settings)) {}

    void run() {
        auto last_draw = std::chrono::steady_clock::now();
        draw();
        while (!g_stop && !v_.quit) {
            const int k = screen_.key(100);
            bool dirty = false;
            if (k != -1) {
                handle(k);
                dirty = true;
            }
            if (auto s = collector_.take()) {
                v_.apply(std::move(*s));
                dirty = true;
            }
            const auto now = std::chrono::steady_clock::now();
            if (dirty || now - last_draw > std::chrono::seconds(1)) {
                draw();
                last_draw = now;
            }
        }
    }

private:
    void request(TopRefresh r) {
        if (r != TopRefresh::None) collector_.update(v_.settings, r == TopRefresh::Now);
    }

    // --- keys ---
    void handle(int k) {
        if (v_.help) {
            v_.help = false;
            return;
        }
        if (v_.filter_open) return filter_key(k);
        if (v_.confirm_open) return confirm_key(k);
        TopTable* t = v_.table();
        const long page = std::max(1, screen_.rows() - 6);
        switch (k) {
            case 'q':
            case 'Q': v_.quit = true; return;
            case '?':
            case 'h': v_.help = true; return;
            case KEY_UP: if (t) t->move(-1); return;
            case KEY_DOWN: if (t) t->move(1); return;
            case KEY_PPAGE: if (t) t->move(-page); return;
            case KEY_NPAGE: if (t) t->move(page); return;
            case KEY_HOME: if (t) t->select_first(); return;
            case KEY_END: if (t) t->select_last(); return;
            case '\r':
            case '\n':
            case KEY_ENTER:
            case KEY_RIGHT: return request(v_.enter());
            case 27:
            case KEY_LEFT:
            case KEY_BACKSPACE:
            case 127: return request(v_.back());
            case 'g': return request(v_.next_grouping());
            case 's': if (t) t->sort_next(); return;
            case 'r': if (t) t->reverse(); return;
            case 'p': return request(v_.toggle_pause());
            case '+': return request(v_.step_interval(1));
            case '-': return request(v_.step_interval(-1));
            case '/': return v_.open_filter();
            case 'k': return v_.ask_kill();
            case KEY_RESIZE: return;
            default:
                if (t && k >= '1' && k <= '9') t->sort_by(static_cast<std::size_t>(k - '1'));
                return;
        }
    }

    void filter_key(int k) {
        if (k == 27) {
            v_.filter_open = false;
            return;
        }
        if (k == '\r' || k == '\n' || k == KEY_ENTER) return request(v_.apply_filter());
        if (k == KEY_BACKSPACE || k == 127 || k == 8) {
            if (!v_.filter_text.empty()) v_.filter_text.pop_back();
            return;
        }
        if (k == 21) {  // Ctrl-U
            v_.filter_text.clear();
            return;
        }
        if (k >= 32 && k < 256 && k != 127) v_.filter_text += static_cast<char>(k);
    }

    // k's answer: y closes the chosen sockets through `tcpstat kill`.
    void confirm_key(int k) {
        v_.confirm_open = false;
        if (k != 'y' && k != 'Y') return v_.set_status("nothing closed", false);
        // Without a kill command `kill --help` prints the main help: say so instead of guessing.
        if (run_self({"kill", "--help"}, 10).output.find("Usage: tcpstat kill") == std::string::npos)
            return v_.set_status("tcpstat kill is not available in this build: k cannot close sockets", true);
        const TopSettings& settings = v_.settings;
        std::vector<const Socket*> ptrs;
        for (const Socket& s : v_.kill_targets) ptrs.push_back(&s);
        int failed = 0;
        std::string first_error;
        for (std::vector<std::string> args : kill_filter_args(ptrs)) {
            args.insert(args.begin(), "kill");
            if (settings.options.request.netns) {
                args.emplace_back("--netns");
                args.push_back(*settings.options.request.netns);
            }
            args.emplace_back("--yes");
            const SelfExecResult r = run_self(args);
            if (r.exit_code != 0) {
                ++failed;
                if (first_error.empty()) first_error = r.output.substr(0, r.output.find('\n'));
            }
        }
        const std::size_t n = v_.kill_targets.size();
        if (failed) v_.set_status(fmt::format("tcpstat kill failed: {}", first_error), true);
        else v_.set_status(fmt::format("closed {} socket{}", n, n == 1 ? "" : "s"), false);
        v_.kill_targets.clear();
        request(TopRefresh::Now);
    }

    // --- frames ---
    void draw() {
        tui::TopFrame f;
        char when[16] = "--:--:--";
        if (v_.stamp) std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&v_.stamp));
        const TopSettings& settings = v_.settings;
        f.title = fmt::format("tcpstat top  source {}  every {}  {}  grouping {}{}",
                              v_.snap ? v_.snap->source : "-", seconds_text(settings.interval), when,
                              top_grouping_name(settings.grouping), settings.paused ? "  PAUSED (p resumes)" : "");
        if (v_.snap) f.title += fmt::format("  ({:.2f}s)", v_.took);
        f.totals = v_.snap ? v_.totals : "collecting...";
        const std::string filters = settings.options.filter_words.empty()
                                        ? "all TCP sockets"
                                        : tui::cell_text(Value{join_words(settings.options.filter_words)});
        switch (v_.level) {
            case TopLevel::Groups:
                f.where = fmt::format("filter: {}   [groups]  Enter: sockets  ? keys", filters);
                f.table = &v_.groups;
                break;
            case TopLevel::Sockets:
                f.where = fmt::format("filter: {}   [{}: sockets]  Enter: details  Esc: back", filters, v_.drilled_label);
                f.table = &v_.sockets;
                break;
            case TopLevel::Detail:
                f.where = fmt::format("filter: {}   [{}: socket details{}]  Esc: back", filters, v_.drilled_label,
                                      v_.detail_gone ? ", GONE since the last refresh" : "");
                if (v_.detail_snap) f.detail = tui::socket_detail_lines(v_.detail, *v_.detail_snap);
                break;
        }
        f.help = v_.help;
        if (!v_.status.empty() && !v_.busy_status &&
            std::chrono::steady_clock::now() - v_.status_since > std::chrono::seconds(5))
            v_.status.clear();
        f.status = v_.status.empty() ? std::string("? keys  g grouping  / filter  p pause  k close  q quit") : v_.status;
        f.status_error = v_.status_error;
        if (v_.filter_open) {
            f.prompt_open = true;
            f.prompt = fmt::format("/ {}", tui::cell_text(Value{v_.filter_text}));
            f.prompt_error = v_.filter_error;
        } else if (v_.confirm_open) {
            f.prompt_open = true;
            f.prompt = v_.confirm_text;
        }
        tui::draw_top(screen_, f);
    }

    tui::Screen& screen_;
    TopCollector& collector_;
    TopView v_;
};

}  // namespace

int run_top(Options& options) {
    if (!isatty(0) || !isatty(1))
        throw RuntimeError("tcpstat top needs a terminal on stdin and stdout; for pipes and files use "
                           "tcpstat -g state,process --watch 2");
    winsize ws{};
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
        (ws.ws_row < tui::kMinRows || ws.ws_col < tui::kMinCols))
        throw RuntimeError(fmt::format("terminal too small for tcpstat top: {}x{}, it needs at least {}x{}", ws.ws_col,
                                       ws.ws_row, tui::kMinCols, tui::kMinRows));
    Output probe(1);
    const bool color = use_color(options.color, probe);
    TopSettings settings;
    settings.interval = options.top_interval;
    settings.options = options;
    TopSignals signals;
    TopCollector collector(settings);  // declared before the screen: the terminal is restored first
    tui::Screen screen(color);
    TopLoop loop(screen, collector, settings);
    loop.run();
    screen.restore();
    return 0;
}

}  // namespace tcpstat::app

#endif
