// Tests the monitoring-plugin logic: every range form, every status, per-group offenders, perfdata.
#include <gtest/gtest.h>

#include "tcpstat/check.hpp"
#include "tcpstat/error.hpp"

using namespace tcpstat;

TEST(Threshold, PlainNumberAlertsOutsideZeroToN) {
    auto r = parse_threshold("10");
    EXPECT_FALSE(r.alerts(0));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_TRUE(r.alerts(11));
    EXPECT_TRUE(r.alerts(-1));
}

TEST(Threshold, OpenEndAlertsBelowStart) {
    auto r = parse_threshold("10:");
    EXPECT_TRUE(r.alerts(9));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_FALSE(r.alerts(1e9));
}

TEST(Threshold, NegativeInfinityStartAlertsAboveEnd) {
    auto r = parse_threshold("~:10");
    EXPECT_FALSE(r.alerts(-1e9));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_TRUE(r.alerts(10.5));
}

TEST(Threshold, RangeAlertsOutside) {
    auto r = parse_threshold("10:20");
    EXPECT_TRUE(r.alerts(9));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_FALSE(r.alerts(20));
    EXPECT_TRUE(r.alerts(21));
}

TEST(Threshold, AtSignAlertsInsideInclusive) {
    auto r = parse_threshold("@10:20");
    EXPECT_FALSE(r.alerts(9));
    EXPECT_TRUE(r.alerts(10));
    EXPECT_TRUE(r.alerts(20));
    EXPECT_FALSE(r.alerts(21));
}

TEST(Threshold, BadRangesAreUsageErrors) {
    for (const char* bad : {"", "abc", "20:10", "1:2:3", "@", "~", "10:x", "nan", "inf"}) {
        try {
            parse_threshold(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const UsageError& e) {
            std::string m = e.what();
            EXPECT_NE(m.find("expected N, N:, ~:N"), std::string::npos) << m;
        }
    }
}

// Socket counts are whole numbers from 0 up: a range that no count can trip is a silent all-clear.
TEST(Threshold, RangesThatCanNeverAlertAreRefused) {
    for (const char* never : {":", "~:", "0:", "-5:", "@-10:-1", "@0.2:0.8", "@~:-0.5"}) {
        try {
            parse_threshold(never);
            ADD_FAILURE() << "accepted '" << never << "'";
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find("never alert"), std::string::npos) << e.what();
        }
    }
    for (const char* fine : {"0", "1:", "0.5:", "~:0", "@0:0", "@~:0", "@0.2:1", ":5", "10:20"})
        EXPECT_NO_THROW(parse_threshold(fine)) << fine;
}

TEST(Check, TotalStatusesAndPerfdata) {
    CheckInput in;
    in.warn = parse_threshold("50");
    in.crit = parse_threshold("200");
    in.what = "close_wait";
    in.total = 10;
    auto ok = evaluate_check(in);
    EXPECT_EQ(ok.status, CheckStatus::Ok);
    EXPECT_EQ(ok.line, "TCPSTAT OK - 10 close_wait sockets | 'total'=10;50;200;0;");
    in.total = 51;
    EXPECT_EQ(evaluate_check(in).status, CheckStatus::Warning);
    in.total = 240;
    auto crit = evaluate_check(in);
    EXPECT_EQ(crit.status, CheckStatus::Critical);
    EXPECT_EQ(crit.line.rfind("TCPSTAT CRITICAL - 240 close_wait sockets |", 0), 0u) << crit.line;
}

TEST(Check, PerGroupNamesWorstOffenders) {
    Table t;
    t.columns = {{"pid", "PID", FieldType::Number}, {"process", "PROCESS", FieldType::Text},
                 {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::int64_t{4321}, std::string("oracle"), std::int64_t{230}});
    t.rows.push_back({std::int64_t{77}, std::string("java"), std::int64_t{60}});
    t.rows.push_back({std::int64_t{5}, std::string("sshd"), std::int64_t{1}});
    CheckInput in;
    in.warn = parse_threshold("50");
    in.crit = parse_threshold("200");
    in.per = CheckPer::Pid;
    in.what = "close_wait";
    in.total = 291;
    in.groups = &t;
    auto r = evaluate_check(in);
    EXPECT_EQ(r.status, CheckStatus::Critical);
    EXPECT_NE(r.line.find("TCPSTAT CRITICAL - 291 close_wait sockets; worst pid 4321 (oracle) 230 |"),
              std::string::npos)
        << r.line;
    EXPECT_EQ(r.line.find("java 60 |"), std::string::npos) << "only the worst status is named";
    EXPECT_NE(r.line.find("'pid 77 (java)'=60;50;200;0;"), std::string::npos) << r.line;

    in.crit = parse_threshold("300");
    r = evaluate_check(in);
    EXPECT_EQ(r.status, CheckStatus::Warning);
    EXPECT_NE(r.line.find("worst pid 4321 (oracle) 230, pid 77 (java) 60 |"), std::string::npos) << r.line;
}

TEST(Check, HostileNamesStayOnOneLine) {
    Table t;
    t.columns = {{"process", "PROCESS", FieldType::Text}, {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::string("ev'il=\n|x\x1b"), std::int64_t{5}});
    CheckInput in;
    in.crit = parse_threshold("1");
    in.per = CheckPer::Process;
    in.total = 5;
    in.groups = &t;
    auto r = evaluate_check(in);
    EXPECT_EQ(r.status, CheckStatus::Critical);
    EXPECT_EQ(r.line.find('\n'), std::string::npos);
    EXPECT_EQ(r.line.find('\x1b'), std::string::npos);
    // Exactly one '|' separates text from perfdata.
    EXPECT_EQ(r.line.find('|'), r.line.rfind('|')) << r.line;
}

TEST(Check, PerModes) {
    EXPECT_EQ(parse_check_per("process"), CheckPer::Process);
    EXPECT_THROW(parse_check_per("rport"), UsageError);
    EXPECT_EQ(check_group_keys(CheckPer::Pid).size(), 2u);
}
