// Owns the view model of `tcpstat top`: groupings, the rows of one level with sort and selection,
// the diff with the previous refresh, and the kill filters for chosen sockets. No terminal here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/grouping.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

// What the main view groups by; `g` steps through them in this order.
enum class TopGrouping : std::uint8_t { StateProcess, State, Process, Lport, Peer, Netns, User };

std::vector<GroupKey> top_grouping_keys(TopGrouping g);
std::string_view top_grouping_name(TopGrouping g);  // "state x process", "local port", ...
// The next grouping after g; netns only when sockets carry a namespace (--netns, --all-netns).
TopGrouping next_top_grouping(TopGrouping g, bool with_netns);

// How a row changed since the previous refresh: shown for one refresh, in colour and as a marker.
enum class RowMark : std::uint8_t { None, New, Changed, Gone };
char row_mark_symbol(RowMark m);  // ' ', '+', '*', '-'

struct TopRow {
    std::vector<Value> cells;           // one per column
    RowMark mark = RowMark::None;
    std::optional<std::int64_t> change;  // groups: count now minus before (absent on the first refresh)
    std::size_t ref = 0;                 // the caller's index (a socket in its snapshot)
};

// One level of the view: a table whose rows can be sorted by any column and walked with a
// selection that follows its row (by the key cells) across refreshes and re-sorts.
class TopTable {
public:
    // `key_columns`: the leading columns that identify a row; `default_sort`: the column sorted
    // on until the user picks one.
    void set(std::vector<Column> columns, std::vector<TopRow> rows, std::size_t key_columns,
             std::size_t default_sort);
    const std::vector<Column>& columns() const { return columns_; }
    const std::vector<TopRow>& rows() const { return rows_; }

    // Sort by `column` (descending for numbers, ascending for text); the same column again
    // reverses. Ties keep the order they came in.
    void sort_by(std::size_t column);
    void sort_next();  // the next column, wrapping
    void reverse();
    std::size_t sort_column() const { return sort_column_; }
    bool reversed() const { return reversed_; }

    void move(long delta);  // clamps
    void select_first() { move(-static_cast<long>(rows_.size())); }
    void select_last() { move(static_cast<long>(rows_.size())); }
    std::size_t selected() const { return selected_; }
    const TopRow* selected_row() const { return rows_.empty() ? nullptr : &rows_[selected_]; }

private:
    void apply_sort();
    void resort();  // apply_sort, keeping the selected row selected
    std::vector<Value> key_of(const TopRow& r) const;

    std::vector<Column> columns_;
    std::vector<TopRow> rows_;
    std::size_t key_columns_ = 0;
    std::size_t sort_column_ = 0;
    bool sort_set_ = false;
    bool reversed_ = false;
    std::size_t selected_ = 0;
};

// The group rows of a refresh with their CHANGE and marks against the previous refresh (same
// grouping): new groups, groups whose count changed, and gone groups (count 0) kept once.
// Columns: the group keys, COUNT, CHANGE, then any measurements of `now` (OLDEST, RATE).
// Without `before` nothing is marked.
std::vector<Column> top_group_columns(const Table& groups);
std::vector<TopRow> top_group_rows(const Table& now, const Table* before);

// The rows of a drill-down: every socket of `snap` in the group `values` of `keys`, one row
// each with columns proto, state, local, remote, pid, process, recv_q, send_q; ref is the
// socket's index in snap.sockets.
std::vector<Column> top_socket_columns();
std::vector<TopRow> top_socket_rows(const Snapshot& snap, const std::vector<GroupKey>& keys,
                                    const std::vector<Value>& values);

// Filters for `tcpstat kill` selecting exactly these sockets: one argument list per distinct
// (protocol, state, local endpoint, remote address), with the remote ports listed (at most
// `max_ports` per list), e.g. {"-t", "-s", "CLOSE_WAIT", "--src", "127.0.0.1", "--sport",
// "6800", "--dst", "127.0.0.1", "--dport", "40001,40002"}.
std::vector<std::vector<std::string>> kill_filter_args(const std::vector<const Socket*>& sockets,
                                                       std::size_t max_ports = 400);

// Per-state totals of the snapshot for the header: "ESTABLISHED 12  CLOSE_WAIT 230 ...", in
// state-machine order, non-zero states only, then "total N".
std::string top_state_totals(const Snapshot& snap, bool tcp, bool udp);

}  // namespace tcpstat
