// Owns the text of the check plugin line: its layout, perfdata, and hostile names kept to one
// line of valid UTF-8 escaped as in the text formats.
#include <string>

#include <gtest/gtest.h>

#include "common/text_oracle.hpp"
#include "render/escape.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {
namespace {

using tcpstat::testing::valid_utf8;

std::string line_of(const CheckResult& r) {
    std::string text;
    {
        Output out(&text);
        write_check_line(r, out);
        out.flush();
    }
    return text;
}

CheckResult evaluated(const Table& t, std::vector<GroupKey> per, const char* warn, const char* crit) {
    CheckInput in;
    if (warn) in.warn = parse_threshold(warn);
    if (crit) in.crit = parse_threshold(crit);
    in.per = std::move(per);
    in.what = "close_wait";
    for (const auto& row : t.rows) in.total += static_cast<std::uint64_t>(std::get<std::int64_t>(row.back()));
    in.groups = &t;
    return evaluate_check(in);
}

TEST(CheckLine, TotalWithPerfdata) {
    CheckInput in;
    in.warn = parse_threshold("50");
    in.crit = parse_threshold("200");
    in.what = "close_wait";
    in.total = 10;
    EXPECT_EQ(line_of(evaluate_check(in)), "TCPSTAT OK - 10 close_wait sockets | 'total'=10;50;200;0;\n");
    in.total = 240;
    EXPECT_EQ(line_of(evaluate_check(in)), "TCPSTAT CRITICAL - 240 close_wait sockets | 'total'=240;50;200;0;\n");
}

TEST(CheckLine, PerPidNamesTheWorstOffenders) {
    Table t;
    t.columns = {{"pid", "PID", FieldType::Number}, {"process", "PROCESS", FieldType::Text},
                 {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::int64_t{4321}, std::string("oracle"), std::int64_t{230}});
    t.rows.push_back({std::int64_t{77}, std::string("java"), std::int64_t{60}});
    t.rows.push_back({std::int64_t{5}, std::string("sshd"), std::int64_t{1}});
    EXPECT_EQ(line_of(evaluated(t, {GroupKey::Pid}, "50", "200")),
              "TCPSTAT CRITICAL - 291 close_wait sockets; worst pid 4321 (oracle) 230 | 'total'=291;50;200;0; "
              "'pid 4321 (oracle)'=230;50;200;0; 'pid 77 (java)'=60;50;200;0; 'pid 5 (sshd)'=1;50;200;0;\n");
    const std::string warn = line_of(evaluated(t, {GroupKey::Pid}, "50", "300"));
    EXPECT_NE(warn.find("TCPSTAT WARNING - 291 close_wait sockets; worst pid 4321 (oracle) 230, pid 77 (java) 60 |"),
              std::string::npos)
        << warn;
    const std::string ok = line_of(evaluated(t, {GroupKey::Pid}, "1000", nullptr));
    EXPECT_NE(ok.find("TCPSTAT OK - 291 close_wait sockets; largest pid 4321 (oracle) 230 |"), std::string::npos) << ok;
}

TEST(CheckLine, EveryKeyIsDescribed) {
    Table t;
    t.columns = {{"state", "STATE", FieldType::Text}, {"lport", "LPORT", FieldType::Number},
                 {"raddr", "RADDR", FieldType::Text}, {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::string("CLOSE_WAIT"), std::int64_t{6800}, std::string("10.0.0.9"), std::int64_t{3}});
    t.rows.push_back({std::string("CLOSE_WAIT"), std::string(kClientPortsGroup), std::monostate{}, std::int64_t{2}});
    const std::string l = line_of(evaluated(t, {GroupKey::State, GroupKey::Lport, GroupKey::Raddr}, "1", nullptr));
    EXPECT_NE(l.find("; worst state CLOSE_WAIT port 6800 peer 10.0.0.9 3, state CLOSE_WAIT client ports peer - 2 |"),
              std::string::npos)
        << l;
    EXPECT_NE(l.find("'state CLOSE_WAIT client ports peer -'=2;1;;0;"), std::string::npos) << l;
}


// The C1 CSI (U+009B) acts like ESC [ on some terminals; 0xFF is no UTF-8 at all. Both once
// reached the plugin's stdout, as did bytes that break a Nagios perfdata label.
TEST(CheckLine, HostileNamesAreEscapedAsInTheTextFormats) {
    const std::string hostile[] = {"\xc2\x9b" "2J\xff", "ev'il=\n|x\x1b", "\xe2\x80\xae" "rev", "a\\b"};
    for (const std::string& name : hostile) {
        Table t;
        t.columns = {{"process", "PROCESS", FieldType::Text}, {"count", "COUNT", FieldType::Number}};
        t.rows.push_back({name, std::int64_t{5}});
        const std::string l = line_of(evaluated(t, {GroupKey::Process}, nullptr, "1"));
        SCOPED_TRACE(l);
        ASSERT_EQ(l.back(), '\n');
        const std::string body = l.substr(0, l.size() - 1);
        EXPECT_TRUE(valid_utf8(body));
        EXPECT_EQ(body.find('\n'), std::string::npos);
        for (unsigned char c : body) EXPECT_TRUE(c >= 0x20 && c != 0x7f) << int(c);
        EXPECT_EQ(body.find("\xc2\x9b"), std::string::npos);
        EXPECT_EQ(body.find('|'), body.rfind('|')) << "exactly one '|' separates text from perfdata";
        // The summary spells the name exactly as the table does.
        std::string table_text;
        {
            Output out(&table_text);
            write_escaped_text(name, out);
        }
        std::string in_summary;
        for (char c : table_text) in_summary += c == '|' ? std::string("\\x7c") : std::string(1, c);
        EXPECT_NE(body.find("worst process " + in_summary + " 5 |"), std::string::npos);
        // The perfdata label: single-quoted, so no quote or '=' inside it.
        const auto perf = body.substr(body.find('|') + 1);
        const auto label_at = perf.find("'process ");
        ASSERT_NE(label_at, std::string::npos);
        const auto label_end = perf.find("'=", label_at + 1);
        ASSERT_NE(label_end, std::string::npos);
        const std::string label = perf.substr(label_at + 1, label_end - label_at - 1);
        EXPECT_EQ(label.find('\''), std::string::npos) << label;
        EXPECT_EQ(label.find('='), std::string::npos) << label;
    }
    Table t;
    t.columns = {{"process", "PROCESS", FieldType::Text}, {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::string("\xc2\x9b" "2J\xff"), std::int64_t{5}});
    EXPECT_EQ(line_of(evaluated(t, {GroupKey::Process}, nullptr, "1")),
              "TCPSTAT CRITICAL - 5 close_wait sockets; worst process \\xc2\\x9b2J\\xff 5 | 'total'=5;;1;0; "
              "'process \\xc2\\x9b2J\\xff'=5;;1;0;\n");
}

}  // namespace
}  // namespace tcpstat
