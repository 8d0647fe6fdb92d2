// Owns how one frame of `tcpstat top` is laid out on the screen: header, table, detail, help, prompt.
#pragma once

#include <string>
#include <vector>

#include "tcpstat/model.hpp"
#include "tcpstat/top_model.hpp"
#include "tui/screen.hpp"

namespace tcpstat::tui {

// Everything one frame shows; the app fills it, draw_top() only lays it out.
struct TopFrame {
    std::string title;    // first line: source, interval, grouping, PAUSED
    std::string totals;   // second line: the per-state summary
    std::string where;    // third line: filters and the level ("groups", "CLOSE_WAIT leaky-srv: sockets")
    const TopTable* table = nullptr;  // the level's rows; null in the detail pane
    std::vector<std::string> detail;  // the detail pane's lines (already terminal-safe)
    std::string status;   // last line, when no prompt is open
    bool status_error = false;
    bool prompt_open = false;
    std::string prompt;        // "/ -s close_wait" or "close 230 sockets? y/n"
    std::string prompt_error;  // a bad filter's message, under the prompt
    bool help = false;
};

inline constexpr int kMinRows = 10;
inline constexpr int kMinCols = 60;

void draw_top(Screen& screen, const TopFrame& frame);

// The help overlay's lines (also the text `?` shows).
const std::vector<std::string>& top_help_lines();

// One socket in full: endpoints, state, queues, timers, retransmits, user, inode, netns, every
// owner with its command line, and tcp_info where the source gave it. Terminal-safe text.
std::vector<std::string> socket_detail_lines(const Socket& s, const Snapshot& snap);

// A value of a table cell as terminal-safe text ("-" when missing); measurements in words
// ("3h12m", "+40/min").
std::string cell_text(const Value& v, ColumnUnit unit = ColumnUnit::None);

}  // namespace tcpstat::tui
