// Tests the shell completions: bash by calling its function on set COMP_WORDS, fish through
// `complete -C`, zsh by syntax and option coverage; every value list against what the binary accepts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <regex>

#include "live/cli_surface.hpp"

using namespace tcpstat::testing;

namespace {

const std::vector<std::string> kEnv = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8", "HOME=/tmp"};

std::string completion_file(const std::string& name) { return source_dir() + "/completions/" + name; }

// COMPREPLY for a command line whose last word is being completed, with plain bash (no
// bash-completion package) and no rc files.
std::set<std::string> bash_complete(const std::vector<std::string>& words) {
    std::vector<std::string> argv = {
        "bash", "--norc", "--noprofile", "-c",
        R"(source "$1" || exit 99; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tcpstat; )"
        R"(printf '%s\n' "${COMPREPLY[@]}")",
        "bash", completion_file("tcpstat.bash")};
    argv.insert(argv.end(), words.begin(), words.end());
    RunResult r = run_program(argv, kEnv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    std::set<std::string> out;
    for (const std::string& l : lines_of(r.out))
        if (!l.empty()) out.insert(l);
    return out;
}

std::set<std::string> fish_complete(const std::string& line) {
    RunResult r = run_program({"fish", "--no-config", "-c", "source $argv[1]; complete -C $argv[2]",
                               completion_file("tcpstat.fish"), line},
                              kEnv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> out;
    for (const std::string& l : lines_of(r.out)) out.insert(l.substr(0, l.find('\t')));
    return out;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::set<std::string> help_opts(const std::vector<std::string>& args) {
    RunResult r = run_tcpstat(args);
    EXPECT_EQ(r.exit_code, 0);
    return help_options(r.out);
}

std::vector<std::string> subcommands() { return help_subcommands(run_tcpstat({"--help"}).out); }

bool contains_all(const std::set<std::string>& got, const std::vector<std::string>& want) {
    return std::all_of(want.begin(), want.end(), [&](const std::string& w) { return got.count(w) > 0; });
}

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += x + " ";
    return out;
}

}  // namespace

TEST(BashCompletion, CompletesTheExamplesOfTheIssue) {
    EXPECT_TRUE(contains_all(bash_complete({"tcpstat", "--state", "cl"}), {"close_wait", "closing", "close"}));
    EXPECT_EQ(bash_complete({"tcpstat", "-f", "js"}), (std::set<std::string>{"json", "jsonl"}));
    EXPECT_EQ(bash_complete({"tcpstat", "-g", "pid,pro"}), (std::set<std::string>{"pid,process", "pid,proto"}));
    EXPECT_EQ(bash_complete({"tcpstat", "su"}), (std::set<std::string>{"summary"}));
}

TEST(BashCompletion, CompletesTheItemAfterTheLastComma) {
    EXPECT_EQ(bash_complete({"tcpstat", "-s", "listen,time_wait,close_w"}),
              (std::set<std::string>{"listen,time_wait,close_wait"}));
    EXPECT_EQ(bash_complete({"tcpstat", "--fields", "proto,rtt"}), (std::set<std::string>{"proto,rtt_us", "proto,rttvar_us"}));
    // `--state=cl`: bash hands the '=' over as a word of its own.
    EXPECT_TRUE(contains_all(bash_complete({"tcpstat", "--state", "=", "cl"}), {"close_wait", "closing", "close"}));
}

TEST(BashCompletion, OffersExactlyTheValuesTheBinaryAccepts) {
    struct Case {
        std::vector<std::string> words;  // ends with the option whose value is completed
        std::vector<std::string> bad;    // a command line whose error lists the accepted values
    };
    const std::vector<Case> cases = {
        {{"tcpstat", "-s"}, {"-s", "no_such_state"}},       {{"tcpstat", "-f"}, {"-f", "no_such_format"}},
        {{"tcpstat", "-g"}, {"-g", "no_such_key"}},         {{"tcpstat", "--fields"}, {"--fields", "no_such_field"}},
        {{"tcpstat", "--sort"}, {"--sort", "no_such_field"}}, {{"tcpstat", "--source"}, {"--source", "no_such"}},
        {{"tcpstat", "--color"}, {"--color", "no_such"}},    {{"tcpstat", "check", "--per"}, {"check", "--per", "no_such"}},
    };
    for (const Case& c : cases) {
        std::vector<std::string> groups;
        std::vector<std::string> accepted = values_from_error(c.bad, &groups);
        accepted.insert(accepted.end(), groups.begin(), groups.end());
        ASSERT_FALSE(accepted.empty()) << c.bad[0];
        std::vector<std::string> words = c.words;
        words.push_back("");
        EXPECT_EQ(bash_complete(words), as_set(accepted)) << "completing " << c.words.back();
    }
    // explain takes one state, not a group.
    std::vector<std::string> groups;
    std::vector<std::string> states = values_from_error({"-s", "no_such_state"}, &groups);
    EXPECT_EQ(bash_complete({"tcpstat", "explain", ""}), as_set(states));
}

TEST(BashCompletion, OffersEveryOptionOfHelpAndNoOther) {
    const std::set<std::string> main_opts = help_opts({"--help"});
    EXPECT_EQ(bash_complete({"tcpstat", "-"}), main_opts);
    for (const std::string& sub : subcommands()) {
        std::set<std::string> own = help_opts({sub, "--help"});
        std::set<std::string> offered = bash_complete({"tcpstat", sub, "-"});
        for (const std::string& o : own) EXPECT_TRUE(offered.count(o)) << sub << " " << o << " not completed";
        // Anything else offered must be an option the parent accepts (subcommands fall through).
        for (const std::string& o : offered)
            EXPECT_TRUE(own.count(o) || main_opts.count(o)) << sub << " completes unknown option " << o;
    }
    std::set<std::string> commands = bash_complete({"tcpstat", ""});
    EXPECT_EQ(commands, as_set(subcommands()));
}

TEST(BashCompletion, CompletesPidsOfRunningProcesses) {
    std::string me = std::to_string(getpid());
    std::set<std::string> pids = bash_complete({"tcpstat", "-p", me});
    EXPECT_TRUE(pids.count(me)) << joined(pids);
    pids = bash_complete({"tcpstat", "--pid", "1," + me});
    EXPECT_TRUE(pids.count("1," + me)) << joined(pids);
    for (const std::string& p : pids) EXPECT_EQ(p.rfind("1,", 0), 0u) << p;
}

TEST(BashCompletion, OffersNothingForFreeFormValues) {
    EXPECT_TRUE(bash_complete({"tcpstat", "--port", "6"}).empty());
    EXPECT_TRUE(bash_complete({"tcpstat", "check", "--warn", ""}).empty());
}

TEST(ZshCompletion, ParsesAndNamesEveryOption) {
    std::string text = read_text(completion_file("_tcpstat"));
    EXPECT_EQ(text.rfind("#compdef tcpstat\n", 0), 0u);
    // Long options appear as --name (followed by = [ or ' in _arguments specs).
    std::set<std::string> named;
    static const std::regex long_re(R"(--[a-z0-9][a-z0-9-]*)");
    for (std::sregex_iterator it(text.begin(), text.end(), long_re), end; it != end; ++it) named.insert(it->str());
    std::set<std::string> known = help_opts({"--help"});
    for (const std::string& sub : subcommands()) {
        std::set<std::string> own = help_opts({sub, "--help"});
        known.insert(own.begin(), own.end());
    }
    for (const std::string& o : known)
        if (o.rfind("--", 0) == 0) {
            EXPECT_TRUE(named.count(o)) << o << " missing from _tcpstat";
        }
    for (const std::string& o : named) EXPECT_TRUE(known.count(o)) << "_tcpstat names unknown option " << o;
    for (const std::string& sub : subcommands()) EXPECT_NE(text.find("'" + sub + ":"), std::string::npos) << sub;
    if (!have_program("zsh")) GTEST_SKIP() << "zsh is not installed: syntax not checked";
    RunResult r = run_program({"zsh", "-n", completion_file("_tcpstat")}, kEnv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
}

TEST(FishCompletion, CompletesStatesListsAndOptions) {
    if (!have_program("fish")) GTEST_SKIP() << "fish is not installed";
    RunResult syntax = run_program({"fish", "--no-config", "-n", completion_file("tcpstat.fish")}, kEnv);
    EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
    EXPECT_TRUE(contains_all(fish_complete("tcpstat --state cl"), {"close_wait", "closing", "close"}));
    EXPECT_EQ(fish_complete("tcpstat -g pid,pro"), (std::set<std::string>{"pid,process", "pid,proto"}));
    EXPECT_EQ(fish_complete("tcpstat -f js"), (std::set<std::string>{"json", "jsonl"}));
    EXPECT_EQ(fish_complete("tcpstat su"), (std::set<std::string>{"summary"}));
    std::set<std::string> longs;
    for (const std::string& o : help_opts({"--help"}))
        if (o.rfind("--", 0) == 0) longs.insert(o);
    EXPECT_EQ(fish_complete("tcpstat --"), longs);
    for (const std::string& sub : subcommands()) {
        std::set<std::string> offered = fish_complete("tcpstat " + sub + " --");
        for (const std::string& o : help_opts({sub, "--help"}))
            if (o.rfind("--", 0) == 0) {
                EXPECT_TRUE(offered.count(o)) << sub << " " << o;
            }
    }
}
