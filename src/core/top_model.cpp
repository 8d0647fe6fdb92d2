// Owns the view model of `tcpstat top`: groupings, sortable selectable rows, the refresh diff, kill filters.
#include "tcpstat/top_model.hpp"

#include "tcpstat/field_value.hpp"
#include "tcpstat/summary.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "tcpstat/delta.hpp"
#include "tcpstat/endpoint.hpp"
#include "tcpstat/types.hpp"

namespace tcpstat {
namespace {

constexpr TopGrouping kOrder[] = {TopGrouping::StateProcess, TopGrouping::State, TopGrouping::Process,
                                  TopGrouping::Lport,        TopGrouping::Peer,  TopGrouping::Netns,
                                  TopGrouping::User};

// Null last; numbers before text; numbers numerically, text bytewise.
int compare_values(const Value& a, const Value& b) {
    const bool an = std::holds_alternative<std::monostate>(a), bn = std::holds_alternative<std::monostate>(b);
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
    const auto* ai = std::get_if<std::int64_t>(&a);
    const auto* bi = std::get_if<std::int64_t>(&b);
    if (ai && bi) return *ai < *bi ? -1 : *ai > *bi;
    if (ai || bi) return ai ? -1 : 1;
    const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
    return c < 0 ? -1 : c > 0;
}

std::int64_t count_of(const Value& v) {
    const auto* n = std::get_if<std::int64_t>(&v);
    return n ? *n : 0;
}

}  // namespace

std::vector<GroupKey> top_grouping_keys(TopGrouping g) {
    switch (g) {
        case TopGrouping::StateProcess: return {GroupKey::State, GroupKey::Process};
        case TopGrouping::State: return {GroupKey::State};
        case TopGrouping::Process: return {GroupKey::Process};
        case TopGrouping::Lport: return {GroupKey::Lport};
        case TopGrouping::Peer: return {GroupKey::Raddr};
        case TopGrouping::Netns: return {GroupKey::Netns};
        case TopGrouping::User: return {GroupKey::User};
    }
    return {GroupKey::State};
}

std::string_view top_grouping_name(TopGrouping g) {
    switch (g) {
        case TopGrouping::StateProcess: return "state x process";
        case TopGrouping::State: return "state";
        case TopGrouping::Process: return "process";
        case TopGrouping::Lport: return "local port";
        case TopGrouping::Peer: return "peer";
        case TopGrouping::Netns: return "netns";
        case TopGrouping::User: return "user";
    }
    return "state";
}

TopGrouping next_top_grouping(TopGrouping g, bool with_netns) {
    const auto* at = std::find(std::begin(kOrder), std::end(kOrder), g);
    do {
        ++at;
        if (at == std::end(kOrder)) at = std::begin(kOrder);
    } while (*at == TopGrouping::Netns && !with_netns);
    return *at;
}

char row_mark_symbol(RowMark m) {
    switch (m) {
        case RowMark::New: return '+';
        case RowMark::Changed: return '*';
        case RowMark::Gone: return '-';
        case RowMark::None: break;
    }
    return ' ';
}

void TopTable::set(std::vector<Column> columns, std::vector<TopRow> rows, std::size_t key_columns,
                   std::size_t default_sort) {
    std::optional<std::vector<Value>> keep;
    if (const TopRow* r = selected_row()) keep = key_of(*r);
    const bool same_shape = columns.size() == columns_.size() &&
                            std::equal(columns.begin(), columns.end(), columns_.begin(),
                                       [](const Column& a, const Column& b) { return a.name == b.name; });
    columns_ = std::move(columns);
    rows_ = std::move(rows);
    key_columns_ = key_columns;
    if (!same_shape) {
        sort_set_ = false;
        reversed_ = false;
        keep.reset();
    }
    if (!sort_set_) sort_column_ = std::min(default_sort, columns_.empty() ? 0 : columns_.size() - 1);
    apply_sort();
    selected_ = 0;
    if (keep) {
        for (std::size_t i = 0; i < rows_.size(); ++i)
            if (key_of(rows_[i]) == *keep) selected_ = i;
    }
}

std::vector<Value> TopTable::key_of(const TopRow& r) const {
    const std::size_t n = std::min(key_columns_, r.cells.size());
    return std::vector<Value>(r.cells.begin(), r.cells.begin() + static_cast<std::ptrdiff_t>(n));
}

void TopTable::apply_sort() {
    if (columns_.empty()) return;
    const std::size_t c = sort_column_;
    // Counts and sizes read largest first, names alphabetically; reversing flips either.
    const bool descending = (columns_[c].type == FieldType::Number) != reversed_;
    std::stable_sort(rows_.begin(), rows_.end(), [&](const TopRow& a, const TopRow& b) {
        const Value& va = c < a.cells.size() ? a.cells[c] : Value{};
        const Value& vb = c < b.cells.size() ? b.cells[c] : Value{};
        const int r = compare_values(va, vb);
        if (std::holds_alternative<std::monostate>(va) || std::holds_alternative<std::monostate>(vb))
            return r < 0;  // missing values stay last either way
        return descending ? r > 0 : r < 0;
    });
}

void TopTable::resort() {
    std::optional<std::vector<Value>> keep;
    if (const TopRow* r = selected_row()) keep = key_of(*r);
    sort_set_ = true;
    apply_sort();
    if (keep)
        for (std::size_t i = 0; i < rows_.size(); ++i)
            if (key_of(rows_[i]) == *keep) selected_ = i;
}

void TopTable::sort_by(std::size_t column) {
    if (column >= columns_.size()) return;
    reversed_ = sort_set_ && column == sort_column_ ? !reversed_ : false;
    sort_column_ = column;
    resort();
}

void TopTable::sort_next() {
    if (columns_.empty()) return;
    sort_column_ = (sort_column_ + 1) % columns_.size();
    reversed_ = false;  // a new column starts in its natural direction
    resort();
}

void TopTable::reverse() {
    if (columns_.empty()) return;
    reversed_ = !reversed_;
    resort();
}

void TopTable::move(long delta) {
    if (rows_.empty()) {
        selected_ = 0;
        return;
    }
    const long last = static_cast<long>(rows_.size()) - 1;
    selected_ = static_cast<std::size_t>(std::clamp(static_cast<long>(selected_) + delta, 0L, last));
}

std::vector<Column> top_group_columns(const Table& groups) {
    // The measurements (OLDEST, RATE) come after CHANGE, so COUNT and CHANGE stay side by side.
    std::vector<Column> cols;
    for (const Column& c : groups.columns)
        if (c.unit == ColumnUnit::None) cols.push_back(c);
    cols.push_back(Column{"change", "CHANGE", FieldType::Number});
    for (const Column& c : groups.columns)
        if (c.unit != ColumnUnit::None) cols.push_back(c);
    return cols;
}

std::vector<TopRow> top_group_rows(const Table& now, const Table* before) {
    // with_change() already matches rows by their keys and keeps gone groups once; read its
    // change cell ("new", "+3", "-2", "0", or empty on the first sample) back into numbers.
    const Table t = with_change(now, before);
    const DeltaColumns dc = delta_columns(now);
    const std::size_t change_col = t.columns.size() - 1;
    std::vector<TopRow> rows;
    rows.reserve(t.rows.size());
    for (const auto& r : t.rows) {
        TopRow row;
        for (std::size_t c = 0; c < change_col; ++c)
            if (now.columns[c].unit == ColumnUnit::None) row.cells.push_back(r[c]);
        const std::int64_t count = count_of(r[dc.value]);
        const auto* text = std::get_if<std::string>(&r[change_col]);
        if (!before || !text || text->empty()) {
            row.cells.emplace_back(Value{});
        } else if (*text == "new") {
            row.mark = RowMark::New;
            row.change = count;
        } else {
            row.change = std::stoll(*text);
            if (count == 0 && *row.change < 0) row.mark = RowMark::Gone;
            else if (*row.change != 0) row.mark = RowMark::Changed;
        }
        if (row.change) row.cells.emplace_back(*row.change);
        for (std::size_t c = 0; c < change_col; ++c)
            if (now.columns[c].unit != ColumnUnit::None) row.cells.push_back(r[c]);
        rows.push_back(std::move(row));
    }
    return rows;
}

namespace {

// The drill-down's columns, valued like the listing's.
constexpr Field kSocketFields[] = {Field::Proto, Field::State, Field::Local, Field::Remote,
                                   Field::Pid,   Field::Process, Field::RecvQ, Field::SendQ};

}  // namespace

std::vector<Column> top_socket_columns() {
    std::vector<Column> out;
    for (Field f : kSocketFields) {
        const FieldInfo& fi = field_info(f);
        out.push_back(Column{std::string(fi.name), std::string(fi.header), fi.type});
    }
    return out;
}

std::vector<TopRow> top_socket_rows(const Snapshot& snap, const std::vector<GroupKey>& keys,
                                    const std::vector<Value>& values) {
    std::vector<TopRow> rows;
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) {
        const Socket& s = snap.sockets[i];
        if (!socket_in_group(snap, s, keys, values)) continue;
        TopRow row;
        row.ref = i;
        for (Field f : kSocketFields) row.cells.push_back(to_value(field_value(snap, s, f)));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<std::vector<std::string>> kill_filter_args(const std::vector<const Socket*>& sockets,
                                                       std::size_t max_ports) {
    using Key = std::tuple<int, int, std::string, std::uint16_t, std::string>;
    std::map<Key, std::vector<std::uint16_t>> by_tuple;
    for (const Socket* s : sockets) {
        Key k{static_cast<int>(s->protocol), static_cast<int>(s->state), format_address(s->local.addr),
              s->local.port, format_address(s->remote.addr)};
        by_tuple[k].push_back(s->remote.port);
    }
    std::vector<std::vector<std::string>> out;
    for (auto& [k, ports] : by_tuple) {
        const auto& [proto, state, laddr, lport, raddr] = k;
        const auto p = static_cast<Protocol>(proto);
        std::sort(ports.begin(), ports.end());
        ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
        for (std::size_t from = 0; from < ports.size(); from += max_ports) {
            std::string list;
            for (std::size_t i = from; i < std::min(ports.size(), from + max_ports); ++i)
                list += fmt::format("{}{}", list.empty() ? "" : ",", ports[i]);
            out.push_back({p == Protocol::Udp ? "-u" : "-t", "-s",
                           std::string(state_name(static_cast<TcpState>(state), p)), "--src", laddr, "--sport",
                           fmt::format("{}", lport), "--dst", raddr, "--dport", list});
        }
    }
    return out;
}

std::string top_state_totals(const Snapshot& snap, bool tcp, bool udp) {
    const Table t = summarize(snap, tcp, udp);
    std::string out;
    std::int64_t total = 0;
    for (const auto& r : t.rows) {
        const auto* state = std::get_if<std::string>(&r[1]);
        const std::int64_t n = count_of(r.back());
        if (!state || n == 0) continue;
        if (*state == "total") {
            total += n;
            continue;
        }
        out += fmt::format("{}{} {}", out.empty() ? "" : "  ", *state, n);
    }
    out += fmt::format("{}total {}", out.empty() ? "" : "  ", total);
    return out;
}

}  // namespace tcpstat
