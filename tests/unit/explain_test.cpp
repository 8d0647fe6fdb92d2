// Owns the tests of the `tcpstat explain` data and text: completeness, layout, and key facts.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/error.hpp"
#include "tcpstat/explain.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat {
namespace {

std::vector<TcpState> every_state() {
    std::vector<TcpState> all;
    for (unsigned v = 1; v < static_cast<unsigned>(kStateCount); ++v) {
        all.push_back(static_cast<TcpState>(v));
    }
    return all;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    while (true) {
        auto at = text.find(sep);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) break;
        text.remove_prefix(at + 1);
    }
    return parts;
}

// Sentence ends are ". " or ".\n", so dotted sysctl names such as net.ipv4.tcp_fin_timeout stay
// inside their sentence.
std::vector<std::string> sentences(std::string_view text) {
    std::vector<std::string> out(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        out.back() += text[i];
        bool end = text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ' ||
                                      text[i + 1] == '\n');
        if (end) out.emplace_back();
    }
    return out;
}

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

// The whole prose of one state, to check facts regardless of which field carries them.
std::string all_fields(const StateExplanation& e) {
    std::string s;
    for (auto f : {e.summary, e.enters, e.leaves, e.waiting, e.duration, e.many_means,
                   e.find_culprit}) {
        s += f;
        s += '\n';
    }
    return s;
}

void expect_lines_fit(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto line : split(text, '\n')) {
        ++n;
        EXPECT_LE(line.size(), 78u) << what << " line " << n << ": '" << line << "'";
        EXPECT_EQ(line.find('\t'), std::string_view::npos) << what << " line " << n;
        if (!line.empty()) {
            EXPECT_NE(line.back(), ' ') << what << " line " << n;
        }
        // A wrapped line must not start with a unit torn from its number ("60 s").
        auto start = line.find_first_not_of(' ');
        if (start != std::string_view::npos) {
            auto rest = line.substr(start);
            EXPECT_FALSE(rest == "s" || rest.substr(0, 2) == "s " || rest.substr(0, 2) == "s,")
                << what << " line " << n << ": '" << line << "'";
        }
    }
}

TEST(Explain, EveryStateHasEveryField) {
    for (TcpState s : every_state()) {
        const StateExplanation* e = explain(s);
        ASSERT_NE(e, nullptr) << static_cast<int>(s);
        EXPECT_EQ(e->state, s);
        EXPECT_EQ(e->name, state_name(s)) << "explain and state_name disagree";
        for (auto f : {e->summary, e->enters, e->leaves, e->waiting, e->duration,
                       e->many_means, e->find_culprit}) {
            EXPECT_FALSE(f.empty()) << e->name;
        }
        EXPECT_EQ(e->summary.find('\n'), std::string_view::npos) << e->name << " summary";
    }
}

TEST(Explain, OutOfRangeValuesHaveNoExplanation) {
    EXPECT_EQ(explain(static_cast<TcpState>(0)), nullptr);
    EXPECT_EQ(explain(static_cast<TcpState>(kStateCount)), nullptr);
    EXPECT_EQ(explain(static_cast<TcpState>(200)), nullptr);
    EXPECT_THROW(explain_state_text(static_cast<TcpState>(0)), UsageError);
}

// Every suggested command must work when pasted: it starts with tcpstat, and its -s list holds
// a spelling that the real parser maps to exactly this state.
TEST(Explain, CulpritCommandsNameTheStateInAParsableSpelling) {
    for (TcpState s : every_state()) {
        const StateExplanation* e = explain(s);
        ASSERT_NE(e, nullptr);
        bool names_state = false;
        for (auto cmd : split(e->find_culprit, '\n')) {
            EXPECT_EQ(cmd.substr(0, 8), "tcpstat ") << e->name << ": " << cmd;
            auto words = split(cmd, ' ');
            for (std::size_t i = 0; i + 1 < words.size(); ++i) {
                if (words[i] != "-s") continue;
                for (auto word : split(words[i + 1], ',')) {
                    auto mask = parse_state_word(word);
                    ASSERT_TRUE(mask.has_value()) << e->name << ": '" << word << "'";
                    // NEW_SYN_RECV is what the sources call SYN_RECV, so its words filter that.
                    const TcpState shown = s == TcpState::NewSynRecv ? TcpState::SynRecv : s;
                    if (*mask == StateMask::of(shown)) names_state = true;
                }
            }
        }
        EXPECT_TRUE(names_state) << e->name << " has no '-s " << state_key(s) << "' command";
    }
}

TEST(Explain, StateTextFitsAndHasSections) {
    for (TcpState s : every_state()) {
        std::string text = explain_state_text(s);
        std::string what(state_name(s));
        expect_lines_fit(text, what);
        EXPECT_EQ(text.substr(0, what.size() + 1), what + "\n");
        for (auto heading : {"How a socket gets here", "How it leaves", "Who waits for what",
                             "How long it lasts", "When there are many",
                             "Finding the culprit"}) {
            EXPECT_TRUE(contains(text, std::string("\n") + heading + "\n")) << what << heading;
        }
        // The commands are printed verbatim, never wrapped.
        for (auto cmd : split(explain(s)->find_culprit, '\n')) {
            EXPECT_TRUE(contains(text, std::string("\n  ") + std::string(cmd) + "\n")) << cmd;
        }
    }
}

TEST(Explain, OverviewFitsAndNamesEveryState) {
    std::string text = explain_overview_text();
    expect_lines_fit(text, "overview");
    for (TcpState s : every_state()) {
        EXPECT_TRUE(contains(text, state_name(s))) << state_name(s);
    }
    for (auto segment : {"SYN", "SYN+ACK", "ACK", "FIN", "connect()", "listen()", "close()"}) {
        EXPECT_TRUE(contains(text, segment)) << segment;
    }
}

TEST(Explain, CloseWaitBlamesTheApplication) {
    const StateExplanation* e = explain(TcpState::CloseWait);
    ASSERT_NE(e, nullptr);
    std::string all = all_fields(*e);
    EXPECT_TRUE(contains(all, "close()"));
    EXPECT_TRUE(contains(all, "passive closer"));
    EXPECT_TRUE(contains(e->many_means, "bug"));
    EXPECT_TRUE(contains(e->many_means, "Restarting"));
    EXPECT_TRUE(contains(e->duration, "No kernel timer"));
    EXPECT_TRUE(contains(e->find_culprit, "tcpstat -s close_wait -g pid,process"));
}

// The common myth is that tcp_fin_timeout shortens TIME_WAIT; wherever the TIME_WAIT text
// names that sysctl, the same sentence must deny it.
TEST(Explain, TimeWaitFacts) {
    const StateExplanation* e = explain(TcpState::TimeWait);
    ASSERT_NE(e, nullptr);
    std::string all = all_fields(*e);
    EXPECT_TRUE(contains(e->duration, "60 s"));
    EXPECT_TRUE(contains(e->duration, "TCP_TIMEWAIT_LEN"));
    EXPECT_TRUE(contains(e->duration, "tcp_max_tw_buckets"));
    EXPECT_TRUE(contains(e->duration, "tcp_tw_reuse"));
    EXPECT_TRUE(contains(e->duration, "120 s"));
    EXPECT_TRUE(contains(e->duration, "TcpTimedWaitDelay"));
    EXPECT_TRUE(contains(e->enters, "side that closed first"));
    EXPECT_TRUE(contains(e->many_means, "pooling"));
    EXPECT_TRUE(contains(e->duration, "tcp_fin_timeout"));
    for (const auto& sentence : sentences(all)) {
        if (contains(sentence, "tcp_fin_timeout")) {
            EXPECT_TRUE(contains(sentence, "not")) << "'" << sentence << "'";
        }
    }
}

TEST(Explain, FinWait2Facts) {
    const StateExplanation* e = explain(TcpState::FinWait2);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(contains(e->duration, "tcp_fin_timeout"));
    EXPECT_TRUE(contains(e->duration, "60 s"));
    EXPECT_TRUE(contains(e->duration, "shutdown(SHUT_WR)"));
    EXPECT_TRUE(contains(e->waiting, "CLOSE_WAIT"));
}

TEST(Explain, HandshakeStatesNameTheirSysctls) {
    std::string recv = all_fields(*explain(TcpState::SynRecv));
    for (auto knob : {"tcp_synack_retries", "tcp_max_syn_backlog", "tcp_syncookies"}) {
        EXPECT_TRUE(contains(recv, knob)) << knob;
    }
    EXPECT_TRUE(contains(recv, "SYN flood"));
    std::string sent = all_fields(*explain(TcpState::SynSent));
    EXPECT_TRUE(contains(sent, "tcp_syn_retries"));
    EXPECT_TRUE(contains(sent, "127 s"));
    std::string listen = all_fields(*explain(TcpState::Listen));
    EXPECT_TRUE(contains(listen, "somaxconn"));
    EXPECT_TRUE(contains(listen, "Recv-Q"));
    EXPECT_TRUE(contains(listen, "Send-Q"));
}

TEST(Explain, ClosingStatesDescribeTheirRoles) {
    EXPECT_TRUE(contains(explain(TcpState::LastAck)->enters, "passive closer"));
    EXPECT_TRUE(contains(explain(TcpState::Closing)->summary, "Simultaneous close"));
    EXPECT_TRUE(contains(explain(TcpState::FinWait1)->enters, "active closer"));
    std::string closed = all_fields(*explain(TcpState::Close));
    EXPECT_TRUE(contains(closed, "CLOSED"));
    EXPECT_TRUE(contains(closed, "UNCONN"));
}

// The docs restate the built-in text for readers without the binary; these checks catch the two
// drifting apart (the fixtures dir sits at tests/fixtures, the docs at docs/).
std::string read_doc(const char* name) {
    std::ifstream in(std::string(TCPSTAT_FIXTURES_DIR) + "/../../docs/" + name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ExplainDocs, StatesReferenceMatchesTheBuiltInText) {
    std::string doc = read_doc("states.md");
    ASSERT_FALSE(doc.empty()) << "docs/states.md not found";
    std::string overview = explain_overview_text();
    auto diagram_end = overview.find("\nThe states\n");
    ASSERT_NE(diagram_end, std::string::npos);
    auto diagram_start = overview.find("Opening:");
    std::string_view diagram(overview.data() + diagram_start, diagram_end - diagram_start);
    for (auto line : split(diagram, '\n')) {
        if (!line.empty()) {
            EXPECT_TRUE(contains(doc, line)) << "diagram line missing: " << line;
        }
    }
    for (TcpState s : every_state()) {
        EXPECT_TRUE(contains(doc, std::string("### ") + std::string(state_name(s))))
            << state_name(s);
        for (auto cmd : split(explain(s)->find_culprit, '\n')) {
            EXPECT_TRUE(contains(doc, cmd)) << cmd;
        }
    }
}

TEST(ExplainDocs, TroubleshootingWalksThroughTheIncident) {
    std::string doc = read_doc("troubleshooting.md");
    ASSERT_FALSE(doc.empty()) << "docs/troubleshooting.md not found";
    for (auto cmd : {"tcpstat -s close_wait\n", "tcpstat -s close_wait -g pid,process",
                     "tcpstat -s close_wait --port 6800 -e",
                     "tcpstat check -s close_wait --per process --warn 50 --crit 200",
                     "tcpstat explain close_wait", "kill -9", "TIME_WAIT", "somaxconn"}) {
        EXPECT_TRUE(contains(doc, cmd)) << cmd;
    }
}


// `explain unconn` once printed the TCP CLOSE page (a leaked descriptor) for every UDP server.
TEST(ExplainWords, UnconnHasItsOwnUdpPage) {
    for (const char* w : {"unconn", "UNCONN"}) {
        std::string text = explain_word_text(w);
        EXPECT_EQ(text.rfind("UNCONN (UDP)\n", 0), 0u) << text;
        EXPECT_NE(text.find("tcpstat -u"), std::string::npos) << text;
        EXPECT_EQ(text.find("RFC 9293"), std::string::npos) << "the TCP CLOSE page: " << text;
    }
    EXPECT_EQ(explain_word_text("close"), explain_state_text(TcpState::Close));
}

// Every group the filters accept (and the error message lists) is explained, with its states.
TEST(ExplainWords, EveryStateGroupIsExplained) {
    for (std::string_view g : state_group_words()) {
        std::string text = explain_word_text(g);
        if (g == "all") {
            EXPECT_EQ(text, explain_overview_text());
            continue;
        }
        EXPECT_EQ(text.rfind(std::string(g) + ": ", 0), 0u) << text;
        const StateMask mask = *parse_state_word(g);
        for (TcpState s : every_state()) {
            const bool listed = text.find("  " + std::string(state_name(s)) + " ") != std::string::npos;
            EXPECT_EQ(listed, mask.has(s)) << g << " / " << state_name(s) << "\n" << text;
        }
        for (const auto& line : split(text, '\n')) EXPECT_LE(line.size(), 78u) << line;
    }
    EXPECT_EQ(explain_word_text("Connected"), explain_word_text("connected"));
}

TEST(ExplainWords, KernelNameAndStatesAndUnknown) {
    EXPECT_EQ(explain_word_text("new_syn_recv"), explain_state_text(TcpState::NewSynRecv));
    EXPECT_EQ(explain_word_text("CLOSE-WAIT"), explain_state_text(TcpState::CloseWait));
    EXPECT_EQ(explain_word_text(""), explain_overview_text());
    try {
        explain_word_text("bogus");
        ADD_FAILURE() << "accepted bogus";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot explain 'bogus'"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tcpstat
