// Owns the rendering of grouped counts and the summary in every format, Prometheus included.
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "golden.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::golden {
namespace {

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

void render_all(const std::string& stem, const Table& t) {
    expect_golden(stem + ".table", render(t, Format::Table));
    expect_golden(stem + "_noheader.table", render(t, Format::Table, false));
    expect_golden(stem + "_color.table", render(t, Format::Table, true, true));
    expect_golden(stem + ".tsv", render(t, Format::Tsv));
    expect_golden(stem + "_noheader.tsv", render(t, Format::Tsv, false));
    expect_golden(stem + ".csv", render(t, Format::Csv));
    expect_golden(stem + ".json", render(t, Format::Json));
    expect_golden(stem + ".jsonl", render(t, Format::Jsonl));
    expect_golden(stem + ".prom", render(t, Format::Prometheus));
}

TEST(TablesGolden, Groups) { render_all("groups", make_groups_table()); }
TEST(TablesGolden, Summary) { render_all("summary", make_summary_table()); }

nlohmann::json value_json(const Value& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
    if (const auto* s = std::get_if<std::string>(&v)) {
        for (const auto& h : hostile_names())
            if (h.raw == *s) return h.json;
        return *s;
    }
    return nullptr;
}

TEST(TablesJson, RowsParseBackUnderTheTableName) {
    for (const Table& t : {make_groups_table(), make_summary_table()}) {
        const auto doc = nlohmann::ordered_json::parse(render(t, Format::Json));
        ASSERT_EQ(doc.size(), 1u);
        const auto& rows = doc.at(t.name);
        ASSERT_EQ(rows.size(), t.rows.size());
        const auto jl = lines(render(t, Format::Jsonl));
        ASSERT_EQ(jl.size(), t.rows.size());
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            const auto line = nlohmann::ordered_json::parse(jl[r]);
            EXPECT_EQ(line, rows[r]);
            std::size_t c = 0;
            for (const auto& item : rows[r].items()) {
                ASSERT_LT(c, t.columns.size());
                EXPECT_EQ(item.key(), t.columns[c].name);
                EXPECT_EQ(nlohmann::json(item.value()), value_json(t.rows[r][c])) << t.name << " row " << r;
                ++c;
            }
            EXPECT_EQ(c, t.columns.size());
        }
    }
}

TEST(TablesText, NullShowsAsDashInTableAndEmptyElsewhere) {
    const Table t = make_groups_table();
    const auto table = lines(render(t, Format::Table));
    EXPECT_EQ(table[4], "TIME_WAIT    -                -      1");
    const auto tsv = lines(render(t, Format::Tsv));
    EXPECT_EQ(tsv[4], "TIME_WAIT\t\t\t1");
    const auto csv = render(t, Format::Csv);
    EXPECT_NE(csv.find("\r\nTIME_WAIT,,,1\r\n"), std::string::npos);
}

// A sample line of the text exposition: name, optional labels with only \\ \" \n escapes, value.
const std::regex kSample(R"re(^tcpstat_sockets(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? [0-9]+$)re");

void check_exposition(const std::string& text, std::size_t samples) {
    const auto ls = lines(text);
    ASSERT_GE(ls.size(), 2u);
    EXPECT_EQ(ls[0], "# HELP tcpstat_sockets Sockets counted by tcpstat, by the labels requested.");
    EXPECT_EQ(ls[1], "# TYPE tcpstat_sockets gauge");
    EXPECT_EQ(ls.size(), samples + 2);
    for (std::size_t i = 2; i < ls.size(); ++i) {
        EXPECT_TRUE(std::regex_match(ls[i], kSample)) << visible(ls[i]);
    }
    EXPECT_EQ(text.back(), '\n');
    for (unsigned char b : text) EXPECT_TRUE(b >= 0x20 || b == '\n') << int(b);
}

TEST(Prometheus, GroupsBecomeLabelledSamples) {
    const std::string text = render(make_groups_table(), Format::Prometheus);
    check_exposition(text, 6);
    const auto ls = lines(text);
    EXPECT_EQ(ls[2], R"(tcpstat_sockets{state="established",process="evil\\x1b[31m",pid="1337"} 3)");
    EXPECT_EQ(ls[3], R"(tcpstat_sockets{state="close_wait",process="quo\"te,comma",pid="2003"} 2)");
    EXPECT_EQ(ls[4], R"(tcpstat_sockets{state="listen",process="new\\nline"} 1)");
    EXPECT_EQ(ls[5], R"(tcpstat_sockets{state="time_wait"} 1)");
    EXPECT_EQ(ls[6], "tcpstat_sockets{state=\"listen\",process=\"pr\xc3\xb8" "cess\",pid=\"2005\"} 1");
    EXPECT_EQ(ls[7], R"(tcpstat_sockets{state="syn_sent",process="back\\\\slash",pid="2007"} 1)");
}

TEST(Prometheus, SummaryIsOneSamplePerFamilyWithoutTotals) {
    const std::string text = render(make_summary_table(), Format::Prometheus);
    check_exposition(text, 7 * 2);
    EXPECT_EQ(text.find("total"), std::string::npos);
    EXPECT_NE(text.find("tcpstat_sockets{proto=\"tcp\",family=\"ipv4\",state=\"established\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("tcpstat_sockets{proto=\"tcp\",family=\"ipv6\",state=\"established\"} 3\n"), std::string::npos);
    EXPECT_NE(text.find("tcpstat_sockets{proto=\"udp\",family=\"ipv6\",state=\"estab\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("tcpstat_sockets{proto=\"udp\",family=\"ipv4\",state=\"estab\"} 0\n"), std::string::npos);
}

TEST(Prometheus, UnlabelledCountAndMissingCountColumn) {
    Table t;
    t.columns = {{"pid", "PID", FieldType::Number}, {"count", "COUNT", FieldType::Number}};
    t.rows = {{std::monostate{}, std::int64_t{4}}};
    EXPECT_EQ(render(t, Format::Prometheus).substr(render(t, Format::Prometheus).find("tcpstat_sockets 4")),
              "tcpstat_sockets 4\n");
    Table bad;
    bad.columns = {{"pid", "PID", FieldType::Number}};
    EXPECT_THROW(render(bad, Format::Prometheus), UsageError);
}

}  // namespace
}  // namespace tcpstat::golden
