// Tests that every bad command line gets one line on stderr naming the problem and the accepted
// values, exit 2 (check: UNKNOWN 3 on stdout), and that output failures are reported, not hidden.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "live/proc_tree.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

struct BadCase {
    std::vector<std::string> args;
    std::string must_mention;  // part of the one-line message
};

const std::vector<BadCase> kBad = {
    {{"--state", "closewiat"}, "unknown state 'closewiat'"},
    {{"--state", "closewiat"}, "close_wait"},  // lists the accepted names
    {{"-s", ""}, "state"},
    {{"--port", "70000"}, "invalid port '70000'"},
    {{"--sport", "9-3"}, "9-3"},
    {{"--dport", "abc"}, "0-65535"},
    {{"--pid", "abc"}, "invalid pid 'abc'"},
    // Did you mean: commands, options, states, fields, group keys, formats, sort keys.
    {{"summery"}, "unknown command 'summery' (did you mean summary?)"},
    {{"doctr"}, "unknown command 'doctr' (did you mean doctor?)"},
    {{"help", "summery"}, "unknown command 'summery' (did you mean summary?)"},
    {{"-s", "close_wiat"}, "unknown state 'close_wiat' (did you mean close_wait?)"},
    {{"--fields", "lprot"}, "unknown field 'lprot' (did you mean lport?)"},
    {{"-g", "procss"}, "unknown group key 'procss' (did you mean process?)"},
    {{"-f", "jsn"}, "unknown format 'jsn' (did you mean json?)"},
    {{"--sortt", "lport"}, "unknown option '--sortt' (did you mean --sort?)"},
    {{"--grup-by=pid"}, "unknown option '--grup-by' (did you mean --group-by?)"},
    {{"summary", "--prot", "80"}, "unknown option '--prot' (did you mean --port?)"},
    {{"--sort", "lprot"}, "did you mean lport?"},
    // Unexpected words in the order typed, with what they are in tcpstat.
    // No character of a value is silently dropped.
    {{"--sort", "--idle_ms"}, "invalid --sort '--idle_ms'"},
    {{"--sort", "+lport"}, "invalid --sort '+lport'"},
    {{"--sort", "lport,"}, "empty item in --sort 'lport,'"},
    {{"--fields", "-pid"}, "unknown field '-pid'"},
    {{"-s", "-close_wait"}, "unknown state '-close_wait'"},
    {{"--reverse"}, "--reverse flips the order of --sort"},
    {{"-g", "process", "--sort", "lport"}, "groups sort by their columns"},
    // lsof specs: malformed ones name the expected shape.
    {{"-iTCP:"}, "invalid lsof -i spec 'TCP:'"},
    {{"-i@"}, "no host after @"},
    {{"-iTCPx"}, "[4|6][TCP|UDP][@HOST][:PORT"},
    {{"-sTCP:^LISTEN"}, "^STATE exclusion"},
    {{"-iTCP:99999"}, "invalid port '99999'"},
    {{"--src", "10.0.0.0/33"}, "10.0.0.0/33"},
    {{"--dst", "300.1.1.1"}, "invalid address '300.1.1.1'"},
    {{"-f", "xml"}, "xml"},
    {{"-f", "xml"}, "jsonl"},
    {{"-g", "color"}, "color"},
    {{"--fields", "state,bogus"}, "bogus"},
    {{"--sort", "nothing"}, "invalid --sort 'nothing'"},
    {{"--sort", ""}, "invalid --sort ''"},
    {{"--fields", ""}, "empty --fields"},
    {{"-g", ""}, "empty --group-by"},
    {{"--proc-root", ""}, "empty --proc-root"},
    {{"-g", "pid", "-g", "state"}, "--group-by was given more than once"},
    {{"--sort", "lport", "--sort", "state"}, "--sort was given more than once"},
    {{"-f", "json", "summary", "-f", "csv"}, "--format was given more than once (before and after 'summary')"},
    {{"--count", "-g", "pid"}, "--count and --group-by"},
    {{"-f", "prometheus"}, "--group-by"},
    {{"--source", "magic"}, "auto, netlink or proc"},
    {{"--proc-root", "/proc", "--source", "netlink"}, "--proc-root"},
    {{"--color", "sometimes"}, "auto, always or never"},
    {{"--user", "no-such-user-here"}, "unknown user 'no-such-user-here'"},
    {{"--bogus-option"}, "--bogus-option"},
    {{"explain", "bogus"}, "cannot explain 'bogus'"},
    {{"explain", "connected,listen"}, "expected a state or a state group"},
    {{"summary", "--count"}, "summary"},
    // One rule for every list: single commas, no empty item, never silently dropped.
    {{"-s", "close_wait,"}, "empty item in --state 'close_wait,'"},
    {{"-g", "pid,"}, "empty item in --group-by 'pid,'"},
    {{"--fields", "pid,,state"}, "empty item in --fields 'pid,,state'"},
    {{"-p", "1,"}, "empty item in --pid '1,'"},
    {{"--user", "root,"}, "empty item in --user 'root,'"},
    {{"-c", ",nginx"}, "empty item in --process ',nginx'"},
    {{"--port", "80,,90"}, "empty item in --port '80,,90'"},
    {{"--dst", "10.0.0.0/8,"}, "empty item in --dst"},
    {{"-s", ""}, "empty --state"},
    // Empty values are errors, never "not given".
    {{"--watch", ""}, "invalid --watch ''"},
    {{"--iterations", ""}, "invalid --iterations ''"},
    {{"--watch", "1", "--iterations", ""}, "invalid --iterations ''"},
    {{"--watch", "0.000000001"}, "from 0.1 to 86400"},
    {{"--watch", "0.05"}, "from 0.1 to 86400"},
    // Options a command would ignore.
    {{"summary", "--fields", "state"}, "--fields belongs to listings"},
    {{"summary", "-e"}, "-e/--extended"},
    {{"doctor", "-e"}, "-e/--extended does not apply"},
    {{"doctor", "-H"}, "-H/--no-header does not apply"},
    {{"-s", "listen", "explain", "close_wait"}, "explain reads no sockets; --state does not apply"},
    {{"-g", "pid", "explain"}, "--group-by does not apply"},
    // ss filter expressions: the word, its position, what was expected.
    {{"state", "close-wait", "( sport = or )"}, "at word 6 'or': expected a port after 'sport'"},
    {{"state", "close_wiat"}, "at word 2 'close_wiat': unknown state"},
    {{"(", "dport", "=", ":22"}, "expected ')' to close the '(' at word 1"},
    {{"summary", "dst", "db1"}, "at word 2 'db1': expected a numeric address"},
    {{"doctor", "sport", ">", ":http"}, "service names are not resolved"},
    {{"explain", "close_wait", "sport"}, "sport"},
};

}  // namespace

TEST(BadCommandLines, OneLineOnStderrExit2) {
    for (const auto& c : kBad) {
        auto r = run_tcpstat(c.args);
        std::string joined;
        for (const auto& a : c.args) joined += a + " ";
        EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
        EXPECT_EQ(r.out, "") << joined;
        auto ls = lines_of(r.err);
        EXPECT_EQ(ls.size(), 1u) << joined << "\n" << r.err;
        EXPECT_NE(r.err.find(c.must_mention), std::string::npos) << joined << "\n" << r.err;
        EXPECT_EQ(r.err.rfind("tcpstat: ", 0), 0u) << r.err;
    }
}

TEST(BadCommandLines, CheckErrorsAreUnknownOnStdout) {
    for (std::vector<std::string> a : {std::vector<std::string>{"check", "--warn", "x"},
                                       {"check"},
                                       {"check", "--warn", "5", "--per", "color"},
                                       {"check", "--warn", "5", "--no-such"},
                                       {"check", "--crit", "20:10"},
                                       {"check", "--warn", "5", "--watch", ""},
                                       {"check", "--warn", ":"},  // 0..infinity: never alerts
                                       {"check", "--warn", "5", "--crit", "0:"},
                                       {"check", "--warn", "5", "state", "close-wait", "sport ="}}) {
        auto r = run_tcpstat(a);
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        EXPECT_EQ(r.out.rfind("TCPSTAT UNKNOWN - ", 0), 0u) << r.out;
        EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
    }
}

// check would ignore listing options: it refuses them and says what it takes instead.
TEST(BadCommandLines, CheckRefusesWhatItWouldIgnore) {
    struct Case {
        std::vector<std::string> extra;
        std::string says;
    };
    for (const Case& c : {Case{{"-g", "process"}, "--per process"}, Case{{"--count"}, "--count does not apply"},
                          Case{{"--sort", "lport"}, "--sort does not apply"},
                          Case{{"--fields", "pid"}, "--fields does not apply"},
                          Case{{"-f", "prometheus"}, "-f/--format does not apply"},
                          Case{{"-e"}, "-e/--extended does not apply"}, Case{{"-H"}, "-H/--no-header"}}) {
        std::vector<std::string> args{"check", "--warn", "5"};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        auto r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 3) << c.extra[0] << ": " << r.out;
        EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
        EXPECT_EQ(r.out.rfind("TCPSTAT UNKNOWN - ", 0), 0u) << r.out;
        EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
    }
}

TEST(Help, MainAndSubcommandsHaveExamples) {
    auto r = run_tcpstat({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("tcpstat --state close_wait"), std::string::npos) << r.out;
    for (const char* sub : {"summary", "check", "explain"}) {
        auto s = run_tcpstat({sub, "--help"});
        EXPECT_EQ(s.exit_code, 0) << sub;
        EXPECT_NE(s.out.find("Examples:"), std::string::npos) << sub << "\n" << s.out;
    }
    auto v = run_tcpstat({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out.rfind("tcpstat ", 0), 0u) << v.out;
}

// `help [COMMAND]` is --help, and each command's help lists the filters and options it takes.
TEST(Help, HelpCommandAndEveryCommandListsItsFilters) {
    const auto main_help = run_tcpstat({"help"});
    EXPECT_EQ(main_help.exit_code, 0) << main_help.err;
    EXPECT_EQ(main_help.out, run_tcpstat({"--help"}).out);
    const auto summary = run_tcpstat({"help", "summary"});
    EXPECT_EQ(summary.exit_code, 0) << summary.err;
    EXPECT_EQ(summary.out, run_tcpstat({"summary", "--help"}).out);
    for (const char* sub : {"summary", "check", "doctor"}) {
        const auto h = run_tcpstat({"help", sub});
        EXPECT_EQ(h.exit_code, 0) << sub;
        for (const char* opt : {"--state", "--port", "--sport", "--dst", "--pid", "--process", "--listening", "--udp",
                                "--source", "--netns"})
            EXPECT_NE(h.out.find(opt), std::string::npos) << sub << " --help lacks " << opt << "\n" << h.out;
    }
    EXPECT_NE(run_tcpstat({"summary", "--help"}).out.find("--format"), std::string::npos);
    EXPECT_NE(run_tcpstat({"summary", "--help"}).out.find("--watch"), std::string::npos);
    EXPECT_NE(run_tcpstat({"doctor", "--help"}).out.find("--format"), std::string::npos);
    EXPECT_NE(run_tcpstat({"check", "--help"}).out.find("--warn"), std::string::npos);
    // Options given after the command are the same options as before it.
    EXPECT_EQ(run_tcpstat({"summary", "-s", "listen", "-H"}).out, run_tcpstat({"-s", "listen", "-H", "summary"}).out);
}

TEST(Habits, NetstatFlagsAreHarmless) {
    auto r = run_tcpstat({"-tan", "--count"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    EXPECT_EQ(r.err, "");
}

// A reader that stops early (`tcpstat | head -1`) ends tcpstat quietly: exit 0, nothing on
// stderr, no death by SIGPIPE. The listing (20,000 rows of a recorded tree, about 1 MiB) is far
// more than a pipe buffer holds, so tcpstat is certain to write into the closed pipe; its own
// status is checked, not head's.
TEST(Output, ClosedPipeEndsQuietly) {
    Tree t;
    std::string rows = kHeader;
    for (int i = 0; i < 20'000; ++i) rows += kEstab;
    t.file("net/tcp", rows);
    // bash for PIPESTATUS; its script in single quotes, so sh passes it on untouched.
    const std::string cmd = "bash -c '\"" + std::string(TCPSTAT_BINARY) + "\" --proc-root \"" + t.root() +
                            "\" -t -4 -f tsv 2>\"" + t.path("err") + "\" | head -c 1 >/dev/null; echo ${PIPESTATUS[0]} >\"" +
                            t.path("status") + "\"'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto slurp = [](const std::string& path) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    EXPECT_EQ(slurp(t.path("status")), "0\n") << "tcpstat's own exit status (141: killed by SIGPIPE)";
    EXPECT_EQ(slurp(t.path("err")), "");
}

TEST(Output, DiskFullIsAnError) {
    EstablishedPair keep(false);
    std::string cmd = std::string("'") + TCPSTAT_BINARY + "' -t -u > /dev/full 2>/tmp/tcpstat-full-err";
    int st = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 2);
    std::ifstream in("/tmp/tcpstat-full-err");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_NE(ss.str().find("cannot write to standard output"), std::string::npos) << ss.str();
}

// --help and --version print through CLI11, which writes to std::cout and never looked at errors.
TEST(Output, HelpAndVersionReportDiskFull) {
    for (const char* args : {"--help", "-V", "check --help", "explain --help"}) {
        std::string cmd = std::string("'") + TCPSTAT_BINARY + "' " + args + " > /dev/full 2>/tmp/tcpstat-full-help";
        int st = std::system(cmd.c_str());
        ASSERT_TRUE(WIFEXITED(st));
        EXPECT_EQ(WEXITSTATUS(st), 2) << args;
        std::ifstream in("/tmp/tcpstat-full-help");
        std::stringstream ss;
        ss << in.rdbuf();
        EXPECT_NE(ss.str().find("cannot write to standard output"), std::string::npos) << args << ": " << ss.str();
    }
    RunResult ok = run_tcpstat({"-V"});
    EXPECT_EQ(ok.exit_code, 0);
    EXPECT_EQ(ok.out.rfind("tcpstat ", 0), 0u) << ok.out;
}
