// Tests the --watch CHANGE column: rows matched by their keys, signs, new and drained groups.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/delta.hpp"
#include "tcpstat/error.hpp"

using namespace tcpstat;

namespace {

using Row = std::vector<Value>;

Table groups(std::vector<Row> rows) {
    Table t;
    t.columns = {{"pid", "PID", FieldType::Number},
                 {"process", "PROCESS", FieldType::Text},
                 {"count", "COUNT", FieldType::Number}};
    t.rows = std::move(rows);
    return t;
}

Row g(std::int64_t pid, const char* name, std::int64_t n) { return Row{pid, std::string(name), n}; }

std::string change(const Table& t, std::size_t r) {
    const Value& v = t.rows.at(r).back();
    if (std::holds_alternative<std::monostate>(v)) return "<null>";
    return std::get<std::string>(v);
}

}  // namespace

TEST(Delta, FirstSampleHasEmptyChangeColumn) {
    Table t = with_change(groups({g(10, "a", 5)}), nullptr);
    ASSERT_EQ(t.columns.size(), 4u);
    EXPECT_EQ(t.columns.back().name, "change");
    EXPECT_EQ(t.columns.back().header, "CHANGE");
    EXPECT_EQ(change(t, 0), "<null>");
}

TEST(Delta, SignedDifferencesMatchedByKeyNotByPosition) {
    Table before = groups({g(10, "a", 5), g(20, "b", 3), g(30, "c", 7)});
    // Order changed (largest first), and one value is equal.
    Table now = groups({g(20, "b", 15), g(30, "c", 7), g(10, "a", 2)});
    Table t = with_change(now, &before);
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(change(t, 0), "+12");
    EXPECT_EQ(change(t, 1), "0");
    EXPECT_EQ(change(t, 2), "-3");
}

TEST(Delta, EveryKeyColumnTakesPart) {
    // Same pid, another process name (pid reuse): a different group.
    Table before = groups({g(10, "old", 4)});
    Table now = groups({g(10, "new-name", 4)});
    Table t = with_change(now, &before);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(change(t, 0), "new");
    EXPECT_EQ(std::get<std::string>(t.rows[1][1]), "old");
    EXPECT_EQ(std::get<std::int64_t>(t.rows[1][2]), 0);
    EXPECT_EQ(change(t, 1), "-4");
}

TEST(Delta, NullKeysMatchEachOther) {
    Table before = groups({Row{Value{}, Value{}, std::int64_t{3}}});
    Table now = groups({Row{Value{}, Value{}, std::int64_t{9}}});
    Table t = with_change(now, &before);
    ASSERT_EQ(t.rows.size(), 1u);
    EXPECT_EQ(change(t, 0), "+6");
}

TEST(Delta, DrainedGroupsAppearOnceAfterTheCurrentRows) {
    Table before = groups({g(1, "x", 2), g(2, "y", 8)});
    Table now = groups({g(1, "x", 2)});
    Table t = with_change(now, &before);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(change(t, 0), "0");
    EXPECT_EQ(std::get<std::int64_t>(t.rows[1][0]), 2);
    EXPECT_EQ(change(t, 1), "-8");
    // The next sample compares with what was really sampled, not with the displayed rows.
    Table again = with_change(now, &now);
    EXPECT_EQ(again.rows.size(), 1u);
}

TEST(Delta, SummaryComparesTotalsByProtocolAndState) {
    Table before;
    before.name = "summary";
    before.columns = {{"proto", "PROTO", FieldType::Text},
                      {"state", "STATE", FieldType::Text},
                      {"ipv4", "IPV4", FieldType::Number},
                      {"ipv6", "IPV6", FieldType::Number},
                      {"total", "TOTAL", FieldType::Number}};
    auto s = [](const char* p, const char* st, std::int64_t a, std::int64_t b) {
        return Row{std::string(p), std::string(st), a, b, a + b};
    };
    before.rows = {s("tcp", "LISTEN", 3, 1), s("tcp", "CLOSE_WAIT", 0, 0), s("udp", "LISTEN", 5, 0)};
    Table now = before;
    // ipv4/ipv6 move but are not keys: only the total is compared.
    now.rows = {s("tcp", "LISTEN", 1, 3), s("tcp", "CLOSE_WAIT", 10, 2), s("udp", "LISTEN", 4, 0)};
    DeltaColumns cols = delta_columns(now);
    EXPECT_EQ(cols.value, 4u);
    EXPECT_EQ(cols.keys, (std::vector<std::size_t>{0, 1}));
    Table t = with_change(now, &before);
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(change(t, 0), "0");
    EXPECT_EQ(change(t, 1), "+12");
    EXPECT_EQ(change(t, 2), "-1");
}

TEST(Delta, TableWithoutCountIsRejected) {
    Table t;
    t.columns = {{"state", "STATE", FieldType::Text}};
    EXPECT_THROW(delta_columns(t), UsageError);
}
