// Owns `tcpstat top`: the interactive loop that turns keys and background refreshes into frames.
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

#include "app/cli.hpp"
#include "app/self_exec.hpp"
#include "app/top_collector.hpp"
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

constexpr double kIntervals[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600};

std::string seconds_text(double s) { return s < 1 ? fmt::format("{:.1f}s", s) : fmt::format("{:g}s", s); }

// Words of the filter bar: split on blanks, '...' and "..." keep blanks inside one word.
std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote) quote = 0;
            else cur += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(cur);
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(cur);
    return words;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) {
        if (!out.empty()) out += ' ';
        if (w.find(' ') == std::string::npos) {
            out += w;
        } else {
            out += '\'';
            out += w;
            out += '\'';
        }
    }
    return out;
}

void append_word(std::string& to, const std::string& word) {
    if (!to.empty()) to += ' ';
    to += word;
}

enum class Level { Groups, Sockets, Detail };

class TopView {
public:
    TopView(tui::Screen& screen, TopCollector& collector, TopSettings settings)
        : screen_(screen), collector_(collector), settings_(std::move(settings)) {}

    void run() {
        auto last_draw = std::chrono::steady_clock::now();
        draw();
        while (!g_stop && !quit_) {
            const int k = screen_.key(100);
            bool dirty = false;
            if (k != -1) {
                handle(k);
                dirty = true;
            }
            if (auto s = collector_.take()) {
                apply(std::move(*s));
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
    // --- refreshes ---
    void apply(TopSample s) {
        if (settings_.paused) return;  // one in flight when p was pressed: the view stays frozen
        if (s.settings.generation != settings_.generation) return;  // taken before the last change
        if (!s.error.empty()) {
            set_status(s.error, true);
            return;
        }
        snap_ = s.snap;
        first_seen_ = std::move(s.first_seen);
        taken_ms_ = s.taken_ms;
        totals_ = s.totals;
        took_ = s.seconds;
        stamp_ = std::time(nullptr);
        if (busy_status_) status_.clear();
        busy_status_ = false;
        set_groups(s.groups, have_before_ ? &before_ : nullptr);
        before_ = std::move(s.groups);
        have_before_ = true;
        if (level_ == Level::Sockets) fill_sockets();
        if (level_ == Level::Detail) find_detail_socket();
    }

    void set_groups(const Table& groups, const Table* before) {
        const std::size_t keys = top_grouping_keys(settings_.grouping).size();
        groups_.set(top_group_columns(groups), top_group_rows(groups, before), keys, keys);  // COUNT
    }

    void fill_sockets() {
        if (!snap_) return;
        // Keyed by proto, state, local, remote; listed by remote endpoint.
        sockets_.set(top_socket_columns(), top_socket_rows(*snap_, top_grouping_keys(drilled_grouping_), drilled_),
                     4, 3);
    }

    static bool same_socket(const Socket& a, const Socket& b) {
        return a.protocol == b.protocol && a.local == b.local && a.remote == b.remote && a.netns == b.netns;
    }

    void find_detail_socket() {
        detail_gone_ = true;
        if (!snap_) return;
        for (const Socket& s : snap_->sockets) {
            if (same_socket(s, detail_)) {
                detail_ = s;
                detail_snap_ = snap_;
                detail_gone_ = false;
                return;
            }
        }
    }

    void changed(bool reset_baseline) {
        ++settings_.generation;
        if (reset_baseline) have_before_ = false;
        collector_.update(settings_, true);
    }

    // --- keys ---
    void handle(int k) {
        if (help_) {
            help_ = false;
            return;
        }
        if (filter_open_) return filter_key(k);
        if (confirm_open_) return confirm_key(k);
        TopTable* t = level_ == Level::Groups ? &groups_ : level_ == Level::Sockets ? &sockets_ : nullptr;
        const long page = std::max(1, screen_.rows() - 6);
        switch (k) {
            case 'q':
            case 'Q': quit_ = true; return;
            case '?':
            case 'h': help_ = true; return;
            case KEY_UP: if (t) t->move(-1); return;
            case KEY_DOWN: if (t) t->move(1); return;
            case KEY_PPAGE: if (t) t->move(-page); return;
            case KEY_NPAGE: if (t) t->move(page); return;
            case KEY_HOME: if (t) t->select_first(); return;
            case KEY_END: if (t) t->select_last(); return;
            case '\r':
            case '\n':
            case KEY_ENTER:
            case KEY_RIGHT: return enter();
            case 27:
            case KEY_LEFT:
            case KEY_BACKSPACE:
            case 127: return back();
            case 'g': return next_grouping();
            case 's': if (t) t->sort_next(); return;
            case 'r': if (t) t->reverse(); return;
            case 'p':
                settings_.paused = !settings_.paused;
                collector_.update(settings_, !settings_.paused);
                return;
            case '+': return step_interval(1);
            case '-': return step_interval(-1);
            case '/':
                filter_open_ = true;
                filter_error_.clear();
                filter_text_ = join_words(settings_.options.filter_words);
                return;
            case 'k': return ask_kill();
            case KEY_RESIZE: return;
            default:
                if (t && k >= '1' && k <= '9') t->sort_by(static_cast<std::size_t>(k - '1'));
                return;
        }
    }

    void enter() {
        if (level_ == Level::Groups) {
            const TopRow* r = groups_.selected_row();
            if (!r) return;
            const std::size_t nkeys = top_grouping_keys(settings_.grouping).size();
            drilled_.assign(r->cells.begin(), r->cells.begin() + static_cast<std::ptrdiff_t>(nkeys));
            drilled_grouping_ = settings_.grouping;
            drilled_label_.clear();
            for (const Value& v : drilled_) append_word(drilled_label_, tui::cell_text(v));
            level_ = Level::Sockets;
            fill_sockets();
        } else if (level_ == Level::Sockets) {
            const TopRow* r = sockets_.selected_row();
            if (!r || !snap_) return;
            detail_ = snap_->sockets[r->ref];
            detail_snap_ = snap_;
            detail_gone_ = false;
            level_ = Level::Detail;
            settings_.details = true;  // tcp_info and command lines from the next refresh on
            collector_.update(settings_, true);
        }
    }

    void back() {
        if (level_ == Level::Detail) {
            level_ = Level::Sockets;
            settings_.details = false;
            collector_.update(settings_, false);
        } else if (level_ == Level::Sockets) {
            level_ = Level::Groups;
        }
    }

    void next_grouping() {
        if (level_ != Level::Groups) return set_status("g switches the grouping of the main view: Esc first", true);
        const bool with_netns = settings_.options.request.netns || settings_.options.request.all_netns;
        settings_.grouping = next_top_grouping(settings_.grouping, with_netns);
        // Regroup the snapshot at hand at once, with each group's OLDEST; RATE and the CHANGE
        // column start again with the next refresh (no earlier counts of these groups exist).
        if (snap_) {
            std::vector<std::int64_t> oldest;
            const Table groups =
                group_sockets(*snap_, top_grouping_keys(settings_.grouping), nullptr, {}, first_seen_, &oldest);
            set_groups(GrowthTracker::oldest_only(groups, oldest, taken_ms_), nullptr);
        }
        changed(true);
    }

    void step_interval(int dir) {
        const double now = settings_.interval;
        double next = now;
        if (dir > 0) {
            for (double v : kIntervals)
                if (v > now + 1e-9) {
                    next = v;
                    break;
                }
        } else {
            for (double v : kIntervals)
                if (v < now - 1e-9) next = v;
        }
        settings_.interval = next;
        collector_.update(settings_, false);
        set_status(fmt::format("refreshing every {}", seconds_text(next)), false);
    }

    void filter_key(int k) {
        if (k == 27) {
            filter_open_ = false;
            return;
        }
        if (k == '\r' || k == '\n' || k == KEY_ENTER) return apply_filter();
        if (k == KEY_BACKSPACE || k == 127 || k == 8) {
            if (!filter_text_.empty()) filter_text_.pop_back();
            return;
        }
        if (k == 21) {  // Ctrl-U
            filter_text_.clear();
            return;
        }
        if (k >= 32 && k < 256 && k != 127) filter_text_ += static_cast<char>(k);
    }

    void apply_filter() {
        const std::vector<std::string> words = split_words(filter_text_);
        try {
            Options o = to_options(parse_filter_words(words));
            const CollectRequest& was = settings_.options.request;
            o.request.source = was.source;
            o.request.proc_root = was.proc_root;
            o.request.netns = was.netns;
            o.request.all_netns = was.all_netns;
            o.filter_words = words;
            settings_.options = std::move(o);
        } catch (const UsageError& e) {
            filter_error_ = tui::cell_text(Value{std::string(e.what())});
            return;
        }
        filter_open_ = false;
        level_ = Level::Groups;
        settings_.details = false;
        set_status("filtering...", false);
        busy_status_ = true;
        changed(true);
    }

    // --- k: close sockets through `tcpstat kill` ---
    std::vector<Socket> chosen_sockets(std::string& label) const {
        std::vector<Socket> out;
        if (!snap_) return out;
        if (level_ == Level::Groups) {
            const TopRow* r = groups_.selected_row();
            if (!r) return out;
            const auto keys = top_grouping_keys(settings_.grouping);
            const std::vector<Value> values(r->cells.begin(), r->cells.begin() + static_cast<std::ptrdiff_t>(keys.size()));
            for (const Socket& s : snap_->sockets)
                if (socket_in_group(*snap_, s, keys, values)) out.push_back(s);
            for (const Value& v : values) append_word(label, tui::cell_text(v));
        } else if (level_ == Level::Sockets) {
            const TopRow* r = sockets_.selected_row();
            if (!r) return out;
            out.push_back(snap_->sockets[r->ref]);
            label = fmt::format("{} -> {}", tui::cell_text(r->cells[2]), tui::cell_text(r->cells[3]));
        } else if (!detail_gone_) {
            out.push_back(detail_);
            label = "this socket";
        }
        return out;
    }

    void ask_kill() {
        if (settings_.options.request.all_netns)
            return set_status("k cannot close sockets across --all-netns: run tcpstat top --netns NAME", true);
        std::string label;
        kill_targets_ = chosen_sockets(label);
        if (kill_targets_.empty()) return set_status("k: no socket selected", true);
        confirm_open_ = true;
        confirm_text_ = fmt::format("close {} socket{} ({}) with tcpstat kill? y/n", kill_targets_.size(),
                                    kill_targets_.size() == 1 ? "" : "s", label);
    }

    void confirm_key(int k) {
        confirm_open_ = false;
        if (k != 'y' && k != 'Y') return set_status("nothing closed", false);
        // Without a kill command `kill --help` prints the main help: say so instead of guessing.
        if (run_self({"kill", "--help"}, 10).output.find("Usage: tcpstat kill") == std::string::npos)
            return set_status("tcpstat kill is not available in this build: k cannot close sockets", true);
        std::vector<const Socket*> ptrs;
        for (const Socket& s : kill_targets_) ptrs.push_back(&s);
        int failed = 0;
        std::string first_error;
        for (std::vector<std::string> args : kill_filter_args(ptrs)) {
            args.insert(args.begin(), "kill");
            if (settings_.options.request.netns) {
                args.emplace_back("--netns");
                args.push_back(*settings_.options.request.netns);
            }
            args.emplace_back("--yes");
            const SelfExecResult r = run_self(args);
            if (r.exit_code != 0) {
                ++failed;
                if (first_error.empty()) first_error = r.output.substr(0, r.output.find('\n'));
            }
        }
        if (failed) set_status(fmt::format("tcpstat kill failed: {}", first_error), true);
        else set_status(fmt::format("closed {} socket{}", kill_targets_.size(), kill_targets_.size() == 1 ? "" : "s"), false);
        kill_targets_.clear();
        collector_.update(settings_, true);
    }

    // Shown on the last line for a few seconds (a refresh error until the next good refresh).
    void set_status(std::string text, bool error) {
        status_ = tui::cell_text(Value{std::move(text)});
        status_error_ = error;
        status_since_ = std::chrono::steady_clock::now();
    }

    // --- frames ---
    void draw() {
        tui::TopFrame f;
        char when[16] = "--:--:--";
        if (stamp_) std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&stamp_));
        f.title = fmt::format("tcpstat top  source {}  every {}  {}  grouping {}{}",
                              snap_ ? snap_->source : "-", seconds_text(settings_.interval), when,
                              top_grouping_name(settings_.grouping), settings_.paused ? "  PAUSED (p resumes)" : "");
        if (snap_) f.title += fmt::format("  ({:.2f}s)", took_);
        f.totals = snap_ ? totals_ : "collecting...";
        const std::string filters = settings_.options.filter_words.empty()
                                        ? "all TCP sockets"
                                        : tui::cell_text(Value{join_words(settings_.options.filter_words)});
        switch (level_) {
            case Level::Groups:
                f.where = fmt::format("filter: {}   [groups]  Enter: sockets  ? keys", filters);
                f.table = &groups_;
                break;
            case Level::Sockets:
                f.where = fmt::format("filter: {}   [{}: sockets]  Enter: details  Esc: back", filters, drilled_label_);
                f.table = &sockets_;
                break;
            case Level::Detail:
                f.where = fmt::format("filter: {}   [{}: socket details{}]  Esc: back", filters, drilled_label_,
                                      detail_gone_ ? ", GONE since the last refresh" : "");
                if (detail_snap_) f.detail = tui::socket_detail_lines(detail_, *detail_snap_);
                break;
        }
        f.help = help_;
        if (!status_.empty() && !busy_status_ && std::chrono::steady_clock::now() - status_since_ > std::chrono::seconds(5))
            status_.clear();
        f.status = status_.empty() ? std::string("? keys  g grouping  / filter  p pause  k close  q quit") : status_;
        f.status_error = status_error_;
        if (filter_open_) {
            f.prompt_open = true;
            f.prompt = fmt::format("/ {}", tui::cell_text(Value{filter_text_}));
            f.prompt_error = filter_error_;
        } else if (confirm_open_) {
            f.prompt_open = true;
            f.prompt = confirm_text_;
        }
        tui::draw_top(screen_, f);
    }

    tui::Screen& screen_;
    TopCollector& collector_;
    TopSettings settings_;
    bool quit_ = false, help_ = false;
    Level level_ = Level::Groups;
    std::shared_ptr<const Snapshot> snap_, detail_snap_;
    std::vector<std::int64_t> first_seen_;  // per snap_->sockets (the collector's growth tracker)
    std::int64_t taken_ms_ = 0;
    std::string totals_;
    double took_ = 0;
    std::time_t stamp_ = 0;
    TopTable groups_, sockets_;
    Table before_;
    bool have_before_ = false;
    TopGrouping drilled_grouping_ = TopGrouping::StateProcess;
    std::vector<Value> drilled_;
    std::string drilled_label_;
    Socket detail_;
    bool detail_gone_ = false;
    std::string status_;
    bool status_error_ = false, busy_status_ = false;
    std::chrono::steady_clock::time_point status_since_;
    bool filter_open_ = false;
    std::string filter_text_, filter_error_;
    bool confirm_open_ = false;
    std::string confirm_text_;
    std::vector<Socket> kill_targets_;
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
    TopView view(screen, collector, settings);
    view.run();
    screen.restore();
    return 0;
}

}  // namespace tcpstat::app

#endif
