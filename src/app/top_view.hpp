// Owns the state of `tcpstat top`'s view and its transitions: the level shown, what is selected, sorted, grouped, filtered and drilled into, the prompts and the status line; no terminal, no keys, no thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "app/top_collector.hpp"
#include "tcpstat/top_model.hpp"

namespace tcpstat::app {

// "0.5s", "2s": a refresh interval as the title and the status line show it.
std::string seconds_text(double s);
// The filter bar's words: split on blanks, '...' and "..." keep blanks inside one word;
// join_words quotes a word with a blank again.
std::vector<std::string> split_words(const std::string& text);
std::string join_words(const std::vector<std::string>& words);

enum class TopLevel { Groups, Sockets, Detail };

// What a transition asks of the collector: nothing, its new settings from the next refresh on,
// or its new settings and a refresh at once.
enum class TopRefresh { None, Later, Now };

// The view's state. The key loop calls the transitions and hands `settings` to the collector as
// each returns; drawing reads the fields.
struct TopView {
    explicit TopView(TopSettings s) : settings(std::move(s)) {}

    // --- refreshes ---
    void apply(TopSample s);
    void set_groups(const Table& groups, const Table* before);
    void fill_sockets();
    void find_detail_socket();

    // --- transitions ---
    // The table the arrows, sorting and digits act on (none in the detail pane).
    TopTable* table() { return level == TopLevel::Groups ? &groups : level == TopLevel::Sockets ? &sockets : nullptr; }
    TopRefresh changed(bool reset_baseline);
    TopRefresh enter();
    TopRefresh back();
    TopRefresh next_grouping();
    TopRefresh step_interval(int dir);
    TopRefresh toggle_pause();
    void open_filter();
    TopRefresh apply_filter();
    // k: what is selected (a group's sockets, one socket, the detail's) and its words.
    std::vector<Socket> chosen_sockets(std::string& label) const;
    void ask_kill();
    // Shown on the last line for a few seconds (a refresh error until the next good refresh).
    void set_status(std::string text, bool error);

    TopSettings settings;
    bool quit = false, help = false;
    TopLevel level = TopLevel::Groups;
    std::shared_ptr<const Snapshot> snap, detail_snap;
    std::vector<std::int64_t> first_seen;  // per snap->sockets (the collector's growth tracker)
    std::int64_t taken_ms = 0;
    std::string totals;
    double took = 0;
    std::time_t stamp = 0;
    TopTable groups, sockets;
    Table before;
    bool have_before = false;
    TopGrouping drilled_grouping = TopGrouping::StateProcess;
    std::vector<Value> drilled;
    std::string drilled_label;
    Socket detail;
    bool detail_gone = false;
    std::string status;
    bool status_error = false, busy_status = false;
    std::chrono::steady_clock::time_point status_since;
    bool filter_open = false;
    std::string filter_text, filter_error;
    bool confirm_open = false;
    std::string confirm_text;
    std::vector<Socket> kill_targets;
};

}  // namespace tcpstat::app
