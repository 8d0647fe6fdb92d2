// Tests `tcpstat top` in a real terminal (tmux) against real sockets: the leak's group and count,
// a growing leak's CHANGE, grouping, drill-down, the filter bar, pause, k, resize, and a sane
// terminal after q and after SIGTERM; not a terminal and too small a terminal exit 2.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

std::string shell_output(const std::string& cmd) {
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        pclose(p);
    }
    return out;
}

// A private tmux server running `tcpstat ARGS` in one 120x40 window; after tcpstat ends, the
// shell prints EXIT=<code> and keeps the pane open so the terminal state can be inspected.
class TopTerminal {
public:
    explicit TopTerminal(const std::string& args, int cols = 120, int rows = 40, const std::string& env = "")
        : tmux_(socket_name()) {
        const std::string cmd = env + " " + TCPSTAT_BINARY + " " + args + "; echo EXIT=\\$?; sleep 30";
        std::system(fmt("%s new-session -d -x %d -y %d \"%s\"", cols, rows, cmd).c_str());
    }
    ~TopTerminal() { std::system((tmux_ + " kill-server 2>/dev/null").c_str()); }
    TopTerminal(const TopTerminal&) = delete;
    TopTerminal& operator=(const TopTerminal&) = delete;

    std::string screen() const { return shell_output(tmux_ + " capture-pane -p"); }
    std::string screen_with_attributes() const { return shell_output(tmux_ + " capture-pane -p -e"); }
    std::string show(const std::string& format) const { return shell_output(tmux_ + " display -p '" + format + "'"); }
    void keys(const std::string& k) const { std::system((tmux_ + " send-keys " + k).c_str()); }
    void literal(const std::string& text) const { std::system((tmux_ + " send-keys -l -- '" + text + "'").c_str()); }
    void resize(int cols, int rows) const {
        std::system(fmt("%s resize-window -x %d -y %d", cols, rows, "").c_str());
    }
    // tcpstat itself: the child of the pane's shell.
    pid_t top_pid() const {
        const std::string shell = show("#{pane_pid}");
        std::ifstream in("/proc/" + std::to_string(std::stoi(shell)) + "/task/" + std::to_string(std::stoi(shell)) +
                         "/children");
        pid_t pid = -1;
        in >> pid;
        return pid;
    }
    bool wait_screen(const std::regex& re, int timeout_ms = 5000) const {
        return eventually([&] { return std::regex_search(screen(), re); }, timeout_ms);
    }

private:
    // A server of its own each time: a killed server may still hold its socket for a moment.
    static std::string socket_name() {
        static int serial = 0;
        return "tmux -f /dev/null -L tcpstat-top-test-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
    }
    std::string fmt(const char* f, int a, int b, const std::string& s) const {
        char buf[4096];
        std::snprintf(buf, sizeof buf, f, tmux_.c_str(), a, b, s.c_str());
        return buf;
    }
    std::string tmux_;
};

std::string port_filter(std::uint16_t port) { return "--port " + std::to_string(port); }

}  // namespace

TEST(Top, DefaultViewShowsTheLeakGroupWithItsProcessAndCount) {
    LeakyServer leak(false, 7, "leaky-top");
    TopTerminal t("top -d 0.5 " + port_filter(leak.port));
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-top\s+7\b)"))) << t.screen();
    const std::string s = t.screen();
    EXPECT_TRUE(std::regex_search(s, std::regex(R"(STATE\s+PROCESS\s+COUNT)"))) << s;
    EXPECT_NE(s.find("grouping state x process"), std::string::npos) << s;
    // The header line: per-state totals and the source.
    EXPECT_TRUE(std::regex_search(s, std::regex(R"(LISTEN 1  FIN_WAIT2 7  CLOSE_WAIT 7  total 15)"))) << s;
    EXPECT_TRUE(std::regex_search(s, std::regex(R"(source (netlink|proc))"))) << s;
    // Largest first: the leak's row comes before the listener's.
    EXPECT_LT(s.find("CLOSE_WAIT  leaky-top"), s.find("LISTEN      leaky-top")) << s;
}

TEST(Top, GrowingLeakShowsItsChangeMarkedForOneRefresh) {
    LeakyServer first(false, 4, "leaky-grow");
    TopTerminal t("top -d 0.5 -c leaky-grow");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-grow\s+4\s+0\b)"))) << t.screen();
    LeakyServer more(false, 3, "leaky-grow");
    // "*" marks the changed row, CHANGE says by how much; one refresh later it is plain again.
    ASSERT_TRUE(t.wait_screen(std::regex(R"(\*\s+CLOSE_WAIT\s+leaky-grow\s+7\s+3\b)"))) << t.screen();
    EXPECT_TRUE(t.wait_screen(std::regex(R"(\n\s+CLOSE_WAIT\s+leaky-grow\s+7\s+0\b)"))) << t.screen();
    // OLDEST and RATE follow CHANGE, as in --watch: the group grew by 3 within the last minute.
    EXPECT_TRUE(std::regex_search(t.screen(), std::regex(R"(COUNT\S*\s+CHANGE\s+OLDEST\s+RATE)"))) << t.screen();
    EXPECT_TRUE(std::regex_search(t.screen(), std::regex(R"(leaky-grow\s+7\s+0\s+\d+s\s+\+\d+/min)"))) << t.screen();
}

TEST(Top, ChangedRowsAreColouredAndMarkedWithoutColourUnderNoColor) {
    for (const bool no_color : {false, true}) {
        LeakyServer first(false, 2, "leaky-colour");
        TopTerminal t("top -d 0.5 -c leaky-colour", 120, 40, no_color ? "env NO_COLOR=1" : "env -u NO_COLOR");
        ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-colour\s+2\s+0\b)"))) << t.screen();
        LeakyServer more(false, 1, "leaky-colour");
        ASSERT_TRUE(t.wait_screen(std::regex(R"(\*\s+CLOSE_WAIT\s+leaky-colour\s+3\s+1\b)"))) << t.screen();
        const std::string s = t.screen_with_attributes();
        const auto row = s.find("CLOSE_WAIT  leaky-colour");
        ASSERT_NE(row, std::string::npos) << s;
        const std::string line = s.substr(s.rfind('\n', row) + 1, s.find('\n', row) - s.rfind('\n', row));
        // Yellow for a changed row (SGR 33), and no colour at all with NO_COLOR: the marker says it.
        const std::regex yellow("\x1b\\[[0-9;]*33m"), any_colour("\x1b\\[[0-9;]*3[0-7]m");
        EXPECT_EQ(std::regex_search(line, yellow), !no_color) << "NO_COLOR=" << no_color << ": " << line;
        EXPECT_EQ(std::regex_search(s, any_colour), !no_color) << s;
    }
}

// g regroups the snapshot at hand at once; its groups keep OLDEST (from the sockets' first-seen
// times) without a refresh: paused, none comes.
TEST(Top, GRegroupsWithOldestWithoutARefresh) {
    LeakyServer leak(false, 5, "leaky-regroup");
    TopTerminal t("top -d 30 -s close_wait " + port_filter(leak.port));
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-regroup\s+5)"))) << t.screen();
    t.keys("p");
    ASSERT_TRUE(t.wait_screen(std::regex("PAUSED|paused"))) << t.screen();
    t.keys("g");
    ASSERT_TRUE(t.wait_screen(
        std::regex(R"(grouping state  [\s\S]*STATE\s+COUNT\S*\s+CHANGE\s+OLDEST\s+RATE[\s\S]*CLOSE_WAIT\s+5\s+\S+\s+\d+s\s)")))
        << t.screen();
}

TEST(Top, GSwitchesTheGroupingAndEnterDrillsIntoTheGroupEscGoesBack) {
    LeakyServer leak(false, 5, "leaky-drill");
    TopTerminal t("top -d 0.5 -s close_wait " + port_filter(leak.port));
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-drill\s+5)"))) << t.screen();
    t.keys("g");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(grouping state  [\s\S]*STATE\s+COUNT\S*\s+CHANGE[\s\S]*CLOSE_WAIT\s+5\b)")))
        << t.screen();
    EXPECT_EQ(t.screen().find("leaky-drill  "), std::string::npos) << t.screen();
    t.keys("g");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(grouping process[\s\S]*leaky-drill\s+5\b)"))) << t.screen();
    // Back to state x process (the grouping cycles), then into the leak's group.
    for (int i = 0; i < 4; ++i) t.keys("g");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(grouping state x process[\s\S]*CLOSE_WAIT\s+leaky-drill\s+5)")))
        << t.screen();
    t.keys("Enter");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(\[CLOSE_WAIT leaky-drill: sockets\])"))) << t.screen();
    const std::string s = t.screen();
    const std::regex row("CLOSE_WAIT\\s+127\\.0\\.0\\.1:" + std::to_string(leak.port) + "\\s+127\\.0\\.0\\.1:\\d+\\s+" +
                         std::to_string(leak.child->pid()) + "\\s+leaky-drill");
    EXPECT_EQ(std::distance(std::sregex_iterator(s.begin(), s.end(), row), std::sregex_iterator()), 5) << s;
    // Enter again: the detail pane of one socket, owners with their command lines.
    t.keys("Enter");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(socket details[\s\S]*owner pid )" + std::to_string(leak.child->pid()))))
        << t.screen();
    t.keys("Escape");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(\[CLOSE_WAIT leaky-drill: sockets\])"))) << t.screen();
    t.keys("Escape");
    EXPECT_TRUE(t.wait_screen(std::regex(R"(\[groups\])"))) << t.screen();
}

TEST(Top, FilterBarNarrowsTheViewAndShowsABadFiltersErrorInline) {
    LeakyServer leak(false, 3, "leaky-filter");
    TopTerminal t("top -d 0.5 " + port_filter(leak.port));
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-filter\s+3)"))) << t.screen();
    // The bar opens with the command line's filters; a bad state is refused with its message.
    t.keys("/");
    ASSERT_TRUE(t.wait_screen(std::regex("/ --port " + std::to_string(leak.port)))) << t.screen();
    t.literal(" -s bogus");
    t.keys("Enter");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(unknown state 'bogus': expected one of)"))) << t.screen();
    EXPECT_TRUE(std::regex_search(t.screen(), std::regex(R"(CLOSE_WAIT\s+leaky-filter\s+3)"))) << t.screen();
    t.keys("C-u");
    t.literal("-s fin_wait2 " + port_filter(leak.port));
    t.keys("Enter");
    // Two refreshes with the new filter (CHANGE 0): only the orphaned clients are left.
    ASSERT_TRUE(t.wait_screen(std::regex(R"(filter: -s fin_wait2 --port \d+[\s\S]*FIN_WAIT2\s+-\s+3\s+0\b)")))
        << t.screen();
    EXPECT_EQ(t.screen().find("CLOSE_WAIT"), std::string::npos) << t.screen();
}

TEST(Top, PStopsRefreshingUntilPressedAgain) {
    LeakyServer first(false, 2, "leaky-pause");
    TopTerminal t("top -d 0.3 -c leaky-pause");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-pause\s+2\b)"))) << t.screen();
    t.keys("p");
    ASSERT_TRUE(t.wait_screen(std::regex("PAUSED"))) << t.screen();
    LeakyServer more(false, 3, "leaky-pause");
    EXPECT_FALSE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-pause\s+5\b)"), 1500)) << t.screen();
    t.keys("p");
    EXPECT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-pause\s+5\b)"))) << t.screen();
    EXPECT_EQ(t.screen().find("PAUSED"), std::string::npos);
}

TEST(Top, KAsksWithTheCountThenClosesThroughTcpstatKill) {
    LeakyServer leak(false, 4, "leaky-kill");
    TopTerminal t("top -d 0.5 -s close_wait " + port_filter(leak.port));
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-kill\s+4)"))) << t.screen();
    t.keys("k");
    ASSERT_TRUE(t.wait_screen(std::regex(R"(close 4 sockets \(CLOSE_WAIT leaky-kill\) with tcpstat kill\? y/n)")))
        << t.screen();
    t.keys("n");
    ASSERT_TRUE(t.wait_screen(std::regex("nothing closed"))) << t.screen();
    t.keys("k");
    t.keys("y");
    // tcpstat kill closes exactly the group's sockets; the next refresh shows the group gone
    // (for one refresh as "0 -4", then not at all: a loaded machine may sample either).
    ASSERT_TRUE(t.wait_screen(std::regex(R"(closed 4 sockets)"))) << t.screen();
    EXPECT_TRUE(eventually([&] {
        const std::string s = t.screen();
        return std::regex_search(s, std::regex(R"(-\s+CLOSE_WAIT\s+leaky-kill\s+0\s+-4)")) ||
               (std::regex_search(s, std::regex(R"(STATE\s+PROCESS\s+COUNT)")) &&
                !std::regex_search(s, std::regex(R"(CLOSE_WAIT\s+leaky-kill)")));
    })) << t.screen();
}

TEST(Top, QLeavesTheAlternateScreenAndShowsTheCursor) {
    TopTerminal t("top -d 0.5");
    ASSERT_TRUE(t.wait_screen(std::regex("tcpstat top  source"))) << t.screen();
    EXPECT_EQ(t.show("#{alternate_on} #{cursor_flag}"), "1 0\n");
    t.keys("?");
    ASSERT_TRUE(t.wait_screen(std::regex("tcpstat top: keys"))) << t.screen();
    t.keys("Space");
    // + and - change the interval live.
    t.keys("+");
    ASSERT_TRUE(t.wait_screen(std::regex("every 1s .*[\\s\\S]*refreshing every 1s"))) << t.screen();
    t.keys("-");
    t.keys("-");
    ASSERT_TRUE(t.wait_screen(std::regex("every 0.2s"))) << t.screen();
    t.keys("q");
    ASSERT_TRUE(t.wait_screen(std::regex("EXIT=0"))) << t.screen();
    EXPECT_EQ(t.show("#{alternate_on} #{cursor_flag}"), "0 1\n");
}

TEST(Top, SigtermAndSighupRestoreTheTerminalToo) {
    for (int sig : {SIGTERM, SIGHUP, SIGINT}) {
        TopTerminal t("top -d 0.5");
        ASSERT_TRUE(t.wait_screen(std::regex("tcpstat top  source"))) << t.screen();
        ASSERT_EQ(t.show("#{alternate_on} #{cursor_flag}"), "1 0\n");
        const pid_t pid = t.top_pid();
        ASSERT_GT(pid, 0);
        kill(pid, sig);
        ASSERT_TRUE(t.wait_screen(std::regex("EXIT=0"))) << "signal " << sig << "\n" << t.screen();
        EXPECT_EQ(t.show("#{alternate_on} #{cursor_flag}"), "0 1\n") << "signal " << sig;
    }
}

TEST(Top, ResizeRedrawsAndTooSmallSaysSoUntilItGrowsAgain) {
    LeakyServer leak(false, 2, "leaky-resize");
    TopTerminal t("top -d 0.5 " + port_filter(leak.port));
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-resize\s+2)"))) << t.screen();
    t.resize(50, 20);
    ASSERT_TRUE(t.wait_screen(std::regex("terminal too small"))) << t.screen();
    t.resize(100, 30);
    ASSERT_TRUE(t.wait_screen(std::regex(R"(CLOSE_WAIT\s+leaky-resize\s+2)"))) << t.screen();
    t.keys("q");
    ASSERT_TRUE(t.wait_screen(std::regex("EXIT=0"))) << t.screen();
    EXPECT_EQ(t.show("#{alternate_on} #{cursor_flag}"), "0 1\n");
}

TEST(Top, TooSmallATerminalAtStartIsOneLineAndExitTwo) {
    TopTerminal t("top", 50, 8);
    ASSERT_TRUE(t.wait_screen(std::regex("EXIT=2"))) << t.screen();
    EXPECT_TRUE(t.wait_screen(std::regex(R"(terminal too small for tcpstat top: 50x8)"))) << t.screen();
}

TEST(Top, NotATerminalIsOneLineAndExitTwo) {
    auto r = run_tcpstat({"top"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("tcpstat top needs a terminal"), std::string::npos) << r.err;
    auto bad = run_tcpstat({"top", "-d", "0"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("invalid --interval '0'"), std::string::npos) << bad.err;
    auto ignored = run_tcpstat({"top", "-g", "process"});
    EXPECT_EQ(ignored.exit_code, 2);
    EXPECT_NE(ignored.err.find("top is an interactive view"), std::string::npos) << ignored.err;
}
