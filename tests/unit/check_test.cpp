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

TEST(Check, TotalStatuses) {
    CheckInput in;
    in.warn = parse_threshold("50");
    in.crit = parse_threshold("200");
    in.what = "close_wait";
    in.total = 10;
    auto ok = evaluate_check(in);
    EXPECT_EQ(ok.status, CheckStatus::Ok);
    EXPECT_EQ(ok.what, "close_wait sockets");
    EXPECT_EQ(ok.total, 10u);
    EXPECT_EQ(ok.warn_text, "50");
    EXPECT_EQ(ok.crit_text, "200");
    EXPECT_TRUE(ok.perf.empty());
    in.total = 51;
    EXPECT_EQ(evaluate_check(in).status, CheckStatus::Warning);
    in.total = 240;
    EXPECT_EQ(evaluate_check(in).status, CheckStatus::Critical);
}

Table pid_groups() {
    Table t;
    t.columns = {{"pid", "PID", FieldType::Number}, {"process", "PROCESS", FieldType::Text},
                 {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::int64_t{4321}, std::string("oracle"), std::int64_t{230}});
    t.rows.push_back({std::int64_t{77}, std::string("java"), std::int64_t{60}});
    t.rows.push_back({std::int64_t{5}, std::string("sshd"), std::int64_t{1}});
    return t;
}

TEST(Check, PerGroupNamesOnlyTheWorstStatus) {
    Table t = pid_groups();
    CheckInput in;
    in.warn = parse_threshold("50");
    in.crit = parse_threshold("200");
    in.per = {GroupKey::Pid};
    in.total = 291;
    in.groups = &t;
    auto r = evaluate_check(in);
    EXPECT_EQ(r.status, CheckStatus::Critical);
    ASSERT_EQ(r.worst.size(), 1u);
    EXPECT_EQ(r.worst[0].count, 230u);
    ASSERT_EQ(r.worst[0].keys.size(), 2u);
    EXPECT_EQ(r.worst[0].keys[0], (std::pair<GroupKey, Value>{GroupKey::Pid, std::int64_t{4321}}));
    EXPECT_EQ(r.worst[0].keys[1], (std::pair<GroupKey, Value>{GroupKey::Process, std::string("oracle")}));
    EXPECT_FALSE(r.largest);
    EXPECT_EQ(r.perf.size(), 3u);

    in.crit = parse_threshold("300");
    r = evaluate_check(in);
    EXPECT_EQ(r.status, CheckStatus::Warning);
    ASSERT_EQ(r.worst.size(), 2u);
    EXPECT_EQ(r.worst[1].count, 60u);

    in.warn = parse_threshold("1000");
    r = evaluate_check(in);
    EXPECT_EQ(r.status, CheckStatus::Ok);
    EXPECT_TRUE(r.worst.empty());
    ASSERT_TRUE(r.largest);
    EXPECT_EQ(r.largest->count, 230u);
}

// --per takes the -g vocabulary; "none" is the total; a pid brings its process for the message.
TEST(Check, PerAcceptsEveryGroupKey) {
    EXPECT_TRUE(parse_check_per("none").empty());
    for (const char* key : {"state", "proto", "family", "pid", "process", "user", "lport", "rport", "laddr",
                            "raddr", "netns"})
        EXPECT_EQ(parse_check_per(key).size(), 1u) << key;
    EXPECT_EQ(parse_check_per("state,process"), (std::vector<GroupKey>{GroupKey::State, GroupKey::Process}));
    try {
        parse_check_per("color");
        ADD_FAILURE() << "accepted color";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("invalid --per 'color'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("rport"), std::string::npos) << e.what();
    }
    EXPECT_EQ(check_group_keys({GroupKey::Pid}), (std::vector<GroupKey>{GroupKey::Pid, GroupKey::Process}));
    EXPECT_EQ(check_group_keys({GroupKey::Pid, GroupKey::State}),
              (std::vector<GroupKey>{GroupKey::Pid, GroupKey::Process, GroupKey::State}));
    EXPECT_EQ(check_group_keys({GroupKey::Process, GroupKey::Pid}),
              (std::vector<GroupKey>{GroupKey::Process, GroupKey::Pid}));
}
