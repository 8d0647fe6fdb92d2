// Tests that docs/tcpstat.1 documents exactly the options --help shows, every field, state and
// format the binary accepts, the required sections, and renders without groff warnings.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "live/cli_surface.hpp"

using namespace tcpstat::testing;

namespace {

// The man page as (section heading -> text) plus, per heading, the options named in .TP tags.
struct ManPage {
    std::string text;
    std::vector<std::string> headings;                    // .SH and .SS, in order
    std::map<std::string, std::set<std::string>> tagged;  // heading -> options in its .TP tags
    std::map<std::string, std::string> tag_paragraph;     // option -> the paragraph it heads
    std::set<std::string> all_tagged;
    std::set<std::string> commands;  // bold words tagged under COMMANDS
};

// roff to plain: \- to -, font switches and quotes dropped.
std::string plain(std::string s) {
    s = std::regex_replace(s, std::regex(R"(\\-)"), "-");
    s = std::regex_replace(s, std::regex(R"(\\f[BIRP])"), "");
    return s;
}

std::set<std::string> options_in(const std::string& line) {
    std::set<std::string> opts;
    static const std::regex opt_re(R"((?:^|[\s"(])(--?[A-Za-z0-9][A-Za-z0-9-]*))");
    std::string p = plain(line);
    for (std::sregex_iterator it(p.begin(), p.end(), opt_re), end; it != end; ++it) opts.insert((*it)[1].str());
    return opts;
}

const ManPage& man() {
    static const ManPage page = [] {
        ManPage m;
        m.text = read_text(source_dir() + "/docs/tcpstat.1");
        std::vector<std::string> lines = lines_of(m.text);
        std::string heading, current_opt_group;
        std::vector<std::string> open_tags;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string& l = lines[i];
            if (l.rfind(".SH ", 0) == 0 || l.rfind(".SS ", 0) == 0) {
                heading = plain(l.substr(4));
                heading.erase(std::remove(heading.begin(), heading.end(), '"'), heading.end());
                m.headings.push_back(heading);
                open_tags.clear();
                continue;
            }
            if (l == ".TP" && i + 1 < lines.size()) {
                const std::string& tag = lines[++i];
                open_tags.clear();
                for (const std::string& o : options_in(tag)) {
                    m.tagged[heading].insert(o);
                    m.all_tagged.insert(o);
                    open_tags.push_back(o);
                }
                if (heading == "COMMANDS" && tag.rfind(".B ", 0) == 0) m.commands.insert(tag.substr(3));
                continue;
            }
            if (l == ".PP") open_tags.clear();
            for (const std::string& o : open_tags) m.tag_paragraph[o] += plain(l) + "\n";
        }
        return m;
    }();
    return page;
}

std::string help_of(const std::vector<std::string>& args) {
    RunResult r = run_tcpstat(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(r.out.empty());
    return r.out;
}

std::vector<std::string> subcommands() { return help_subcommands(help_of({"--help"})); }

// A flag the man page documents but --help hides (netstat habits) must still be accepted.
bool accepted_hidden_flag(const std::string& opt) {
    return run_tcpstat({opt, "explain", "close_wait"}).exit_code == 0;
}

// True when `word` is set in bold in `paragraph` (".B word", ".BR word ,", "\fBword\fR").
bool bold_in(const std::string& paragraph, const std::string& word) {
    for (const std::string& line : lines_of(paragraph)) {
        std::string w = line;
        if (w.rfind(".B ", 0) == 0 || w.rfind(".BR ", 0) == 0) {
            w = w.substr(w.find(' ') + 1);
            w = w.substr(0, w.find(' '));
            if (w == word) return true;
        }
    }
    return false;
}

}  // namespace

TEST(ManPage, HelpShowsSubcommandsToCheck) {
    std::vector<std::string> subs = subcommands();
    for (const char* expected : {"summary", "check", "explain"})
        EXPECT_NE(std::find(subs.begin(), subs.end(), expected), subs.end()) << expected;
}

TEST(ManPage, DocumentsEveryOptionOfTheMainHelp) {
    std::set<std::string> opts = help_options(help_of({"--help"}));
    ASSERT_GT(opts.size(), 30u);  // the parser found the option lines at all
    for (const std::string& o : opts) EXPECT_TRUE(man().all_tagged.count(o)) << o << " is in --help but not in docs/tcpstat.1";
}

TEST(ManPage, DocumentsEveryCommandAndItsOwnOptionsInItsSection) {
    for (const std::string& sub : subcommands()) {
        EXPECT_TRUE(man().commands.count(sub)) << "command " << sub << " has no entry under COMMANDS";
        std::set<std::string> own = help_options(help_of({sub, "--help"}));
        own.erase("-h");
        own.erase("--help");
        if (own.empty()) continue;
        auto section = man().tagged.find(sub + " options");
        ASSERT_NE(section, man().tagged.end()) << "no .SS \"" << sub << " options\" for " << sub << "'s options";
        for (const std::string& o : own) EXPECT_TRUE(section->second.count(o)) << sub << " " << o << " is undocumented";
    }
}

TEST(ManPage, DocumentsNoOptionTheBinaryLacks) {
    std::set<std::string> known = help_options(help_of({"--help"}));
    for (const std::string& sub : subcommands()) {
        std::set<std::string> own = help_options(help_of({sub, "--help"}));
        known.insert(own.begin(), own.end());
        auto section = man().tagged.find(sub + " options");
        if (section == man().tagged.end()) continue;
        for (const std::string& o : section->second)
            EXPECT_TRUE(own.count(o)) << o << " is documented under \"" << sub << " options\" but not in " << sub << " --help";
    }
    for (const std::string& o : man().all_tagged) {
        if (known.count(o)) continue;
        EXPECT_TRUE(accepted_hidden_flag(o)) << o << " is documented in docs/tcpstat.1 but tcpstat rejects it";
    }
}

TEST(ManPage, ListsEveryFieldAndNoOther) {
    std::vector<std::string> fields = values_from_error({"--fields", "no_such_field"});
    ASSERT_GT(fields.size(), 20u);
    // The field list is the .nf block under FIELDS: one "name  meaning" per line.
    std::string text = man().text;
    std::size_t at = text.find(".SS FIELDS");
    ASSERT_NE(at, std::string::npos);
    std::size_t from = text.find(".nf\n", at), to = text.find(".fi\n", at);
    ASSERT_TRUE(from != std::string::npos && to != std::string::npos && from < to);
    std::set<std::string> listed;
    for (const std::string& line : lines_of(text.substr(from + 4, to - from - 4)))
        listed.insert(line.substr(0, line.find(' ')));
    EXPECT_EQ(listed, std::set<std::string>(fields.begin(), fields.end()));
}

TEST(ManPage, ListsEveryStateGroupFormatKeyAndSetting) {
    struct Case {
        std::string option;
        std::vector<std::string> args;
    };
    const std::vector<Case> cases = {
        {"--state", {"--state", "no_such_state"}}, {"--format", {"-f", "no_such_format"}},
        {"--group-by", {"-g", "no_such_key"}},     {"--source", {"--source", "no_such_source"}},
        {"--color", {"--color", "no_such_mode"}},  {"--per", {"check", "--per", "no_such_key"}},
    };
    for (const Case& c : cases) {
        std::vector<std::string> groups;
        std::vector<std::string> values = values_from_error(c.args, &groups);
        ASSERT_FALSE(values.empty()) << c.option;
        values.insert(values.end(), groups.begin(), groups.end());
        auto para = man().tag_paragraph.find(c.option);
        ASSERT_NE(para, man().tag_paragraph.end()) << c.option;
        for (const std::string& v : values) EXPECT_TRUE(bold_in(para->second, v)) << c.option << " does not list " << v;
    }
}

TEST(ManPage, HasTheSectionsOfAManual) {
    for (const char* h : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "FORMATS", "FIELDS", "EXIT STATUS",
                          "ENVIRONMENT", "EXAMPLES", "SEE ALSO"}) {
        const auto& hs = man().headings;
        EXPECT_NE(std::find(hs.begin(), hs.end(), h), hs.end()) << h;
    }
    std::string text = plain(man().text);
    for (const char* ref : {".BR ss (8)", ".BR netstat (8)", ".BR lsof (8)"}) EXPECT_NE(text.find(ref), std::string::npos) << ref;
    for (const char* env : {".B NO_COLOR", ".B TERM"}) EXPECT_NE(text.find(env), std::string::npos) << env;
    // The seed's incident leads the examples.
    std::size_t examples = text.find(".SH EXAMPLES");
    ASSERT_NE(examples, std::string::npos);
    std::size_t first = text.find("\ntcpstat ", examples);
    ASSERT_NE(first, std::string::npos);
    EXPECT_EQ(text.substr(first + 1, text.find('\n', first + 1) - first - 1), "tcpstat -s close_wait --port 6800");
}

TEST(ManPage, CarriesTheBinarysVersion) {
    RunResult r = run_tcpstat({"--version"});
    ASSERT_EQ(r.exit_code, 0);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.out, m, std::regex(R"(tcpstat (\d+\.\d+\.\d+)( \(git [0-9a-f]{7,40}\))?\n)")))
        << r.out;
    EXPECT_NE(man().text.find("\"tcpstat " + m[1].str() + "\""), std::string::npos) << "update .TH to " << m[1];
}

TEST(ManPage, RendersWithoutWarnings) {
    if (!have_program("groff")) GTEST_SKIP() << "groff is not installed (groff-base)";
    const std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8"};
    RunResult r = run_program({"groff", "-man", "-Tutf8", "-ww", "-z", source_dir() + "/docs/tcpstat.1"}, env);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    if (!have_program("man")) return;
    std::vector<std::string> man_env = env;
    man_env.push_back("MANWIDTH=80");
    r = run_program({"man", "--warnings", "-l", source_dir() + "/docs/tcpstat.1"}, man_env);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("which TCP states are your sockets in"), std::string::npos) << r.out.substr(0, 400);
    for (const std::string& line : lines_of(r.out)) EXPECT_LE(line.size(), 80u * 3) << line;
}
