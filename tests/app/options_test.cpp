// Owns the in-process tests of flag validation (to_options): one case per rule, each naming the flags and the one-line error it must give.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::app {
namespace {

struct Refused {
    const char* name;                      // the gtest case name
    std::function<void(RawFlags&)> flags;  // what the user typed, on top of the defaults
    const char* message;                   // a part of the UsageError's one line
};

void PrintTo(const Refused& c, std::ostream* os) { *os << c.name; }

class RefusedFlags : public ::testing::TestWithParam<Refused> {};

TEST_P(RefusedFlags, GiveOneLineNamingTheValue) {
    RawFlags raw;
    GetParam().flags(raw);
    try {
        (void)to_options(raw);
        FAIL() << "accepted";
    } catch (const UsageError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(GetParam().message), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    }
}

const Refused kRefused[] = {
    {"UnknownSource", [](RawFlags& r) { r.source = "bogus"; }, "invalid --source 'bogus': expected auto, netlink or proc"},
    {"UnknownColor", [](RawFlags& r) { r.color = "rainbow"; }, "invalid --color 'rainbow': expected auto, always or never"},
    {"UnknownFormat", [](RawFlags& r) { r.format = "xml"; }, "unknown format 'xml'"},
    {"UnknownState", [](RawFlags& r) { r.states = {"bogus"}; }, "unknown state 'bogus'"},
    {"EmptyStateItem", [](RawFlags& r) { r.states = {"close_wait,"}; }, "close_wait,"},
    {"BadPid", [](RawFlags& r) { r.pids = {"-3"}; }, "invalid pid '-3'"},
    {"EmptyOutput", [](RawFlags& r) { r.output_given = true; }, "empty --output"},
    {"WatchZero", [](RawFlags& r) { r.watch = "0"; }, "invalid --watch '0'"},
    {"WatchWords", [](RawFlags& r) { r.watch = "soon"; }, "invalid --watch 'soon'"},
    {"IterationsWithoutWatch", [](RawFlags& r) { r.iterations = "3"; }, "--iterations bounds --watch"},
    {"IterationsZero",
     [](RawFlags& r) {
         r.watch = "1";
         r.iterations = "0";
     },
     "invalid --iterations '0'"},
    {"WatchJsonDocuments",
     [](RawFlags& r) {
         r.watch = "1";
         r.format = "json";
     },
     "--watch cannot repeat -f json"},
    {"WatchDoctor",
     [](RawFlags& r) {
         r.command = Command::Doctor;
         r.watch = "1";
     },
     "not doctor"},
    {"DoctorUdp",
     [](RawFlags& r) {
         r.command = Command::Doctor;
         r.udp = true;
     },
     "doctor diagnoses TCP sockets"},
    {"DoctorTsv",
     [](RawFlags& r) {
         r.command = Command::Doctor;
         r.format = "tsv";
     },
     "doctor prints -f table, json or jsonl, not 'tsv'"},
    {"NetnsAndAllNetns",
     [](RawFlags& r) {
         r.netns = "blue";
         r.all_netns = true;
     },
     "--netns and --all-netns cannot be combined"},
    {"EmptyNetns", [](RawFlags& r) { r.netns = ""; }, "empty --netns"},
    {"ReverseWithoutSort", [](RawFlags& r) { r.reverse = true; }, "--reverse flips the order of --sort"},
    {"KillWithoutFilter", [](RawFlags& r) { r.command = Command::Kill; }, "kill needs a filter"},
    {"CountAndGroup",
     [](RawFlags& r) {
         r.count = true;
         r.group_by = "state";
     },
     "--count and --group-by cannot be combined"},
    {"ResolveCount",
     [](RawFlags& r) {
         r.resolve = true;
         r.count = true;
     },
     "-r/--resolve names the addresses of a listing"},
    {"FieldsWithGroup",
     [](RawFlags& r) {
         r.fields = "state";
         r.group_by = "state";
     },
     "--fields applies to listings"},
    {"PrometheusListing", [](RawFlags& r) { r.format = "prometheus"; }, "-f prometheus needs --group-by"},
    {"EmptyProcRoot", [](RawFlags& r) { r.proc_root = ""; }, "empty --proc-root"},
    {"ProcRootWithNetlink",
     [](RawFlags& r) {
         r.proc_root = "/tmp";
         r.source = "netlink";
     },
     "--proc-root reads a recorded /proc tree and cannot be combined with --source netlink"},
};

INSTANTIATE_TEST_SUITE_P(ToOptions, RefusedFlags, ::testing::ValuesIn(kRefused),
                         [](const ::testing::TestParamInfo<Refused>& i) { return std::string(i.param.name); });

TEST(ToOptions, DefaultsListEverythingAsATable) {
    const Options o = to_options(RawFlags{});
    EXPECT_EQ(o.command, Command::List);
    EXPECT_EQ(o.render.format, Format::Table);
    EXPECT_FALSE(o.count);
    EXPECT_FALSE(o.watch_seconds);
}

TEST(ToOptions, StatesWatchAndIterationsAreTyped) {
    RawFlags r;
    r.states = {"close-wait,TIME_WAIT"};
    r.watch = "0.5";
    r.iterations = "4";
    r.format = "jsonl";
    const Options o = to_options(r);
    EXPECT_TRUE(o.filter.states.has(TcpState::CloseWait));
    EXPECT_TRUE(o.filter.states.has(TcpState::TimeWait));
    EXPECT_FALSE(o.filter.states.has(TcpState::Listen));
    EXPECT_EQ(o.watch_seconds, 0.5);
    EXPECT_EQ(o.iterations, 4);
    EXPECT_EQ(o.render.format, Format::Jsonl);
}

// top shows its filters in the filter bar and re-reads them when edited: every filter option must
// come back, --addr and an expression included.
TEST(ToOptions, TopKeepsEveryFilterAsWords) {
    RawFlags r;
    r.command = Command::Top;
    r.tcp = true;
    r.states = {"close_wait"};
    r.addrs = {"127.0.0.1"};
    r.expression = {"dport", "=", ":80"};
    const Options o = to_options(r);
    EXPECT_EQ(o.filter_words,
              (std::vector<std::string>{"-t", "-s", "close_wait", "--addr", "127.0.0.1", "dport", "=", ":80"}));
}

}  // namespace
}  // namespace tcpstat::app
