// Tests the `tcpstat top` view model: groupings, the refresh diff and its marks, sorting with a
// selection that follows its row, drill-down rows and the kill filters of chosen sockets.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/top_model.hpp"

using namespace tcpstat;

namespace {

using Row = std::vector<Value>;

Table groups(std::vector<Row> rows) {
    Table t;
    t.columns = {{"state", "STATE", FieldType::Text},
                 {"process", "PROCESS", FieldType::Text},
                 {"count", "COUNT", FieldType::Number}};
    t.rows = std::move(rows);
    return t;
}
Row g(const char* state, const char* proc, std::int64_t n) { return Row{std::string(state), std::string(proc), n}; }

Socket sock(TcpState st, std::uint16_t lport, std::uint16_t rport, Pid pid) {
    Socket s;
    s.state = st;
    s.local = {parse_address("127.0.0.1").value(), lport};
    s.remote = {parse_address("127.0.0.1").value(), rport};
    if (pid) s.owners.push_back({pid, 3});
    return s;
}

std::string text_at(const TopRow& r, std::size_t c) { return std::get<std::string>(r.cells.at(c)); }

}  // namespace

TEST(TopModel, GroupingsCycleAndSkipNetnsWithoutNamespaces) {
    EXPECT_EQ(top_grouping_keys(TopGrouping::StateProcess), (std::vector<GroupKey>{GroupKey::State, GroupKey::Process}));
    EXPECT_EQ(top_grouping_keys(TopGrouping::Peer), std::vector<GroupKey>{GroupKey::Raddr});
    EXPECT_EQ(next_top_grouping(TopGrouping::Peer, false), TopGrouping::User);
    EXPECT_EQ(next_top_grouping(TopGrouping::Peer, true), TopGrouping::Netns);
    EXPECT_EQ(next_top_grouping(TopGrouping::User, false), TopGrouping::StateProcess);
}

TEST(TopModel, FirstRefreshHasNoChangeAndNoMarks) {
    auto rows = top_group_rows(groups({g("CLOSE_WAIT", "leaky", 5)}), nullptr);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].mark, RowMark::None);
    EXPECT_FALSE(rows[0].change);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(rows[0].cells.back()));
    EXPECT_EQ(top_group_columns(groups({})).back().header, "CHANGE");
}

TEST(TopModel, DiffMarksNewChangedAndGoneRows) {
    Table before = groups({g("CLOSE_WAIT", "leaky", 5), g("LISTEN", "sshd", 1), g("ESTABLISHED", "web", 2)});
    Table now = groups({g("CLOSE_WAIT", "leaky", 8), g("LISTEN", "sshd", 1), g("TIME_WAIT", "", 3)});
    auto rows = top_group_rows(now, &before);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].mark, RowMark::Changed);
    EXPECT_EQ(rows[0].change, 3);
    EXPECT_EQ(rows[1].mark, RowMark::None);
    EXPECT_EQ(rows[1].change, 0);
    EXPECT_EQ(rows[2].mark, RowMark::New);
    EXPECT_EQ(rows[3].mark, RowMark::Gone);
    EXPECT_EQ(text_at(rows[3], 1), "web");
    EXPECT_EQ(rows[3].change, -2);
    EXPECT_EQ(row_mark_symbol(RowMark::New), '+');
    EXPECT_EQ(row_mark_symbol(RowMark::Gone), '-');
    EXPECT_EQ(row_mark_symbol(RowMark::Changed), '*');
}

TEST(TopModel, SortsByAnyColumnReversedAndSelectionFollowsItsRow) {
    Table t = groups({g("CLOSE_WAIT", "leaky", 230), g("ESTABLISHED", "web", 12), g("LISTEN", "sshd", 1)});
    TopTable view;
    view.set(top_group_columns(t), top_group_rows(t, nullptr), 2, 2);
    // Default: COUNT, largest first.
    EXPECT_EQ(view.sort_column(), 2u);
    EXPECT_EQ(text_at(view.rows()[0], 1), "leaky");
    view.move(1);
    EXPECT_EQ(text_at(*view.selected_row(), 1), "web");
    view.reverse();
    EXPECT_EQ(text_at(view.rows()[0], 1), "sshd");
    EXPECT_EQ(text_at(*view.selected_row(), 1), "web");
    view.sort_by(1);  // PROCESS: alphabetical
    EXPECT_EQ(text_at(view.rows()[0], 1), "leaky");
    EXPECT_EQ(text_at(view.rows()[2], 1), "web");
    view.sort_by(1);  // again: reversed
    EXPECT_EQ(text_at(view.rows()[0], 1), "web");
    view.sort_next();  // COUNT
    EXPECT_EQ(view.sort_column(), 2u);
    EXPECT_FALSE(view.reversed());
    // A refresh keeps the sort and the selected row, wherever it moved.
    Table t2 = groups({g("ESTABLISHED", "web", 500), g("CLOSE_WAIT", "leaky", 231), g("LISTEN", "sshd", 1)});
    view.set(top_group_columns(t2), top_group_rows(t2, &t), 2, 2);
    EXPECT_EQ(text_at(view.rows()[0], 1), "web");
    EXPECT_EQ(text_at(*view.selected_row(), 1), "web");
    view.move(100);
    EXPECT_EQ(view.selected(), 2u);
    view.move(-100);
    EXPECT_EQ(view.selected(), 0u);
}

TEST(TopModel, DrillDownListsExactlyTheGroupsSockets) {
    Snapshot snap;
    snap.processes[10] = Process{"leaky", std::nullopt, std::nullopt, std::nullopt};
    snap.processes[20] = Process{"web", std::nullopt, std::nullopt, std::nullopt};
    snap.sockets = {sock(TcpState::CloseWait, 6800, 40001, 10), sock(TcpState::CloseWait, 6800, 40002, 10),
                    sock(TcpState::CloseWait, 7000, 40003, 20), sock(TcpState::Established, 6800, 40004, 10),
                    sock(TcpState::TimeWait, 6800, 40005, 0)};
    const auto keys = top_grouping_keys(TopGrouping::StateProcess);
    auto rows = top_socket_rows(snap, keys, {Value{std::string("CLOSE_WAIT")}, Value{std::string("leaky")}});
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].ref, 0u);
    EXPECT_EQ(rows[1].ref, 1u);
    EXPECT_EQ(text_at(rows[0], 3), "127.0.0.1:40001");
    // The unowned group (null process) holds the TIME_WAIT socket only.
    auto unowned = top_socket_rows(snap, keys, {Value{std::string("TIME_WAIT")}, Value{}});
    ASSERT_EQ(unowned.size(), 1u);
    EXPECT_EQ(unowned[0].ref, 4u);
    EXPECT_EQ(top_socket_columns().size(), rows[0].cells.size());
}

TEST(TopModel, KillFiltersSelectExactlyTheChosenSockets) {
    Socket a = sock(TcpState::CloseWait, 6800, 40002, 10), b = sock(TcpState::CloseWait, 6800, 40001, 10),
           c = sock(TcpState::Established, 6800, 40003, 10);
    auto args = kill_filter_args({&a, &b, &c});
    ASSERT_EQ(args.size(), 2u);
    EXPECT_EQ(args[0], (std::vector<std::string>{"-t", "-s", "ESTABLISHED", "--src", "127.0.0.1", "--sport", "6800",
                                                 "--dst", "127.0.0.1", "--dport", "40003"}));
    EXPECT_EQ(args[1].back(), "40001,40002");
    EXPECT_EQ(args[1][2], "CLOSE_WAIT");
    // Long port lists are split so no argument list grows without bound.
    EXPECT_EQ(kill_filter_args({&a, &b}, 1).size(), 2u);
}

TEST(TopModel, StateTotalsNameNonZeroStatesAndTheTotal) {
    Snapshot snap;
    snap.sockets = {sock(TcpState::CloseWait, 1, 2, 0), sock(TcpState::CloseWait, 1, 3, 0),
                    sock(TcpState::Listen, 1, 0, 0)};
    EXPECT_EQ(top_state_totals(snap, true, false), "LISTEN 1  CLOSE_WAIT 2  total 3");
}

TEST(TopModel, MeasurementsFollowChangeAndKeepTheirRows) {
    Table t = groups({g("CLOSE_WAIT", "leaky", 5)});
    t.columns.push_back(Column{"oldest", "OLDEST", FieldType::Number, ColumnUnit::Seconds});
    t.columns.push_back(Column{"rate", "RATE", FieldType::Number, ColumnUnit::PerMinute});
    t.rows[0].push_back(std::int64_t{90});
    t.rows[0].push_back(std::int64_t{12});
    Table before = groups({g("CLOSE_WAIT", "leaky", 2)});
    const auto cols = top_group_columns(t);
    std::vector<std::string> names;
    for (const Column& c : cols) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"state", "process", "count", "change", "oldest", "rate"}));
    const auto rows = top_group_rows(t, &before);
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_EQ(rows[0].cells.size(), 6u);
    EXPECT_EQ(std::get<std::int64_t>(rows[0].cells[3]), 3) << "change: 5 - 2";
    EXPECT_EQ(std::get<std::int64_t>(rows[0].cells[4]), 90);
    EXPECT_EQ(std::get<std::int64_t>(rows[0].cells[5]), 12);
}
