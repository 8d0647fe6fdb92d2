// Owns the transitions of `tcpstat top`'s view state (app/top_view.hpp).
#ifndef _WIN32

#include "app/top_view.hpp"

#include <fmt/format.h>

#include "app/cli.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/grouping.hpp"
#include "tui/top_draw.hpp"

namespace tcpstat::app {
namespace {

constexpr double kIntervals[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600};

void append_word(std::string& to, const std::string& word) {
    if (!to.empty()) to += ' ';
    to += word;
}

bool same_socket(const Socket& a, const Socket& b) {
    return a.protocol == b.protocol && a.local == b.local && a.remote == b.remote && a.netns == b.netns;
}

}  // namespace

std::string seconds_text(double s) { return s < 1 ? fmt::format("{:.1f}s", s) : fmt::format("{:g}s", s); }

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

void TopView::apply(TopSample s) {
    if (settings.paused) return;  // one in flight when p was pressed: the view stays frozen
    if (s.settings.generation != settings.generation) return;  // taken before the last change
    if (!s.error.empty()) {
        set_status(s.error, true);
        return;
    }
    snap = s.snap;
    first_seen = std::move(s.first_seen);
    taken_ms = s.taken_ms;
    totals = s.totals;
    took = s.seconds;
    stamp = std::time(nullptr);
    if (busy_status) status.clear();
    busy_status = false;
    set_groups(s.groups, have_before ? &before : nullptr);
    before = std::move(s.groups);
    have_before = true;
    if (level == TopLevel::Sockets) fill_sockets();
    if (level == TopLevel::Detail) find_detail_socket();
}

void TopView::set_groups(const Table& rows, const Table* earlier) {
    const std::size_t keys = top_grouping_keys(settings.grouping).size();
    groups.set(top_group_columns(rows), top_group_rows(rows, earlier), keys, keys);  // COUNT
}

void TopView::fill_sockets() {
    if (!snap) return;
    // Keyed by proto, state, local, remote; listed by remote endpoint.
    sockets.set(top_socket_columns(), top_socket_rows(*snap, top_grouping_keys(drilled_grouping), drilled), 4, 3);
}

void TopView::find_detail_socket() {
    detail_gone = true;
    if (!snap) return;
    for (const Socket& s : snap->sockets) {
        if (same_socket(s, detail)) {
            detail = s;
            detail_snap = snap;
            detail_gone = false;
            return;
        }
    }
}

TopRefresh TopView::changed(bool reset_baseline) {
    ++settings.generation;
    if (reset_baseline) have_before = false;
    return TopRefresh::Now;
}

TopRefresh TopView::enter() {
    if (level == TopLevel::Groups) {
        const TopRow* r = groups.selected_row();
        if (!r) return TopRefresh::None;
        const std::size_t nkeys = top_grouping_keys(settings.grouping).size();
        drilled.assign(r->cells.begin(), r->cells.begin() + static_cast<std::ptrdiff_t>(nkeys));
        drilled_grouping = settings.grouping;
        drilled_label.clear();
        for (const Value& v : drilled) append_word(drilled_label, tui::cell_text(v));
        level = TopLevel::Sockets;
        fill_sockets();
    } else if (level == TopLevel::Sockets) {
        const TopRow* r = sockets.selected_row();
        if (!r || !snap) return TopRefresh::None;
        detail = snap->sockets[r->ref];
        detail_snap = snap;
        detail_gone = false;
        level = TopLevel::Detail;
        settings.details = true;  // tcp_info and command lines from the next refresh on
        return TopRefresh::Now;
    }
    return TopRefresh::None;
}

TopRefresh TopView::back() {
    if (level == TopLevel::Detail) {
        level = TopLevel::Sockets;
        settings.details = false;
        return TopRefresh::Later;
    }
    if (level == TopLevel::Sockets) level = TopLevel::Groups;
    return TopRefresh::None;
}

TopRefresh TopView::next_grouping() {
    if (level != TopLevel::Groups) {
        set_status("g switches the grouping of the main view: Esc first", true);
        return TopRefresh::None;
    }
    const bool with_netns = settings.options.request.netns || settings.options.request.all_netns;
    settings.grouping = next_top_grouping(settings.grouping, with_netns);
    // Regroup the snapshot at hand at once, with each group's OLDEST; RATE and the CHANGE
    // column start again with the next refresh (no earlier counts of these groups exist).
    if (snap) {
        std::vector<std::int64_t> oldest;
        const Table rows = group_sockets(*snap, top_grouping_keys(settings.grouping), nullptr, {}, first_seen, &oldest);
        set_groups(GrowthTracker::oldest_only(rows, oldest, taken_ms), nullptr);
    }
    return changed(true);
}

TopRefresh TopView::step_interval(int dir) {
    const double now = settings.interval;
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
    settings.interval = next;
    set_status(fmt::format("refreshing every {}", seconds_text(next)), false);
    return TopRefresh::Later;
}

TopRefresh TopView::toggle_pause() {
    settings.paused = !settings.paused;
    return settings.paused ? TopRefresh::Later : TopRefresh::Now;
}

void TopView::open_filter() {
    filter_open = true;
    filter_error.clear();
    filter_text = join_words(settings.options.filter_words);
}

TopRefresh TopView::apply_filter() {
    const std::vector<std::string> words = split_words(filter_text);
    try {
        Options o = to_options(parse_filter_words(words));
        const CollectRequest& was = settings.options.request;
        o.request.source = was.source;
        o.request.proc_root = was.proc_root;
        o.request.netns = was.netns;
        o.request.all_netns = was.all_netns;
        o.filter_words = words;
        settings.options = std::move(o);
    } catch (const UsageError& e) {
        filter_error = tui::cell_text(Value{std::string(e.what())});
        return TopRefresh::None;
    }
    filter_open = false;
    level = TopLevel::Groups;
    settings.details = false;
    set_status("filtering...", false);
    busy_status = true;
    return changed(true);
}

std::vector<Socket> TopView::chosen_sockets(std::string& label) const {
    std::vector<Socket> out;
    if (!snap) return out;
    if (level == TopLevel::Groups) {
        const TopRow* r = groups.selected_row();
        if (!r) return out;
        const auto keys = top_grouping_keys(settings.grouping);
        const std::vector<Value> values(r->cells.begin(), r->cells.begin() + static_cast<std::ptrdiff_t>(keys.size()));
        for (const Socket& s : snap->sockets)
            if (socket_in_group(*snap, s, keys, values)) out.push_back(s);
        for (const Value& v : values) append_word(label, tui::cell_text(v));
    } else if (level == TopLevel::Sockets) {
        const TopRow* r = sockets.selected_row();
        if (!r) return out;
        out.push_back(snap->sockets[r->ref]);
        label = fmt::format("{} -> {}", tui::cell_text(r->cells[2]), tui::cell_text(r->cells[3]));
    } else if (!detail_gone) {
        out.push_back(detail);
        label = "this socket";
    }
    return out;
}

void TopView::ask_kill() {
    if (settings.options.request.all_netns)
        return set_status("k cannot close sockets across --all-netns: run tcpstat top --netns NAME", true);
    std::string label;
    kill_targets = chosen_sockets(label);
    if (kill_targets.empty()) return set_status("k: no socket selected", true);
    confirm_open = true;
    confirm_text = fmt::format("close {} socket{} ({}) with tcpstat kill? y/n", kill_targets.size(),
                               kill_targets.size() == 1 ? "" : "s", label);
}

void TopView::set_status(std::string text, bool error) {
    status = tui::cell_text(Value{std::move(text)});
    status_error = error;
    status_since = std::chrono::steady_clock::now();
}

}  // namespace tcpstat::app

#endif
