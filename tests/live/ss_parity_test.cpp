// Tests ss filter expressions against real ss: the same expressions over the same real sockets (in
// this process's private network namespace) must select the same sockets, by state and endpoints.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// ss's state words as tcpstat names them.
std::string state_of_ss(std::string s) {
    static const std::map<std::string, std::string> names = {
        {"ESTAB", "ESTABLISHED"},     {"SYN-SENT", "SYN_SENT"},   {"SYN-RECV", "SYN_RECV"},
        {"FIN-WAIT-1", "FIN_WAIT1"},  {"FIN-WAIT-2", "FIN_WAIT2"}, {"TIME-WAIT", "TIME_WAIT"},
        {"CLOSE-WAIT", "CLOSE_WAIT"}, {"LAST-ACK", "LAST_ACK"},   {"UNCONN", "CLOSE"}};
    auto it = names.find(s);
    return it == names.end() ? s : it->second;
}

// ss prints the IPv6 wildcard of a dual-stack socket as "*"; tcpstat as "[::]".
std::string endpoint_of_ss(std::string e) { return e.starts_with("*:") ? "[::]" + e.substr(1) : e; }

std::multiset<std::string> from_ss(const std::string& expression) {
    char tmpl[] = "/tmp/tcpstat-ss-parity-XXXXXX";
    const int fd = mkstemp(tmpl);
    EXPECT_GE(fd, 0);
    close(fd);
    // ss reads `state`/`exclude` only as words of their own: one quoted word per token.
    std::string cmd = "ss -tanH";
    for (const std::string& word : split(expression, ' ')) cmd += " '" + word + "'";
    cmd += std::string(" > ") + tmpl + " 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream in(tmpl);
    std::stringstream text;
    text << in.rdbuf();
    unlink(tmpl);
    EXPECT_EQ(rc, 0) << "ss refused '" << expression << "': " << text.str();
    // When the filter leaves one state, ss drops its State column: then only endpoints compare.
    std::multiset<std::string> out;
    std::string line;
    while (std::getline(text, line)) {
        std::istringstream cells(line);
        std::vector<std::string> c;
        for (std::string cell; cells >> cell;) c.push_back(cell);
        if (c.size() == 5) out.insert(state_of_ss(c[0]) + " " + endpoint_of_ss(c[3]) + " " + endpoint_of_ss(c[4]));
        if (c.size() == 4) out.insert("- " + endpoint_of_ss(c[2]) + " " + endpoint_of_ss(c[3]));
    }
    return out;
}

std::multiset<std::string> from_tcpstat(const std::string& expression, const std::string& source, bool as_one_word,
                                       bool with_state) {
    std::vector<std::string> args = {"--source", source, "-f", "tsv", "-H", "--fields", "state,local,remote"};
    // As typed both ways: one quoted argument, or one word per token.
    if (as_one_word) args.push_back(expression);
    else for (const std::string& word : split(expression, ' ')) args.push_back(word);
    const auto r = run_tcpstat(args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << expression << ": " << r.err;
    std::multiset<std::string> out;
    for (const auto& line : lines_of(r.out)) {
        const auto cells = split(line, '\t');
        if (cells.size() == 3) out.insert((with_state ? cells[0] : "-") + " " + cells[1] + " " + cells[2]);
    }
    return out;
}

}  // namespace

TEST(SsParity, TheSameExpressionsSelectTheSameSockets) {
    if (std::system("command -v ss >/dev/null 2>&1") != 0) GTEST_SKIP() << "ss is not installed";
    LeakyServer leak(false, 2);  // LISTEN, 2 CLOSE_WAIT, 2 orphaned FIN_WAIT2
    EstablishedPair pair6(true);
    EstablishedPair pair4(false);
    const std::uint16_t tw = make_time_wait(false);
    wait_for_orphaned_clients(false, leak.port, 2);
    wait_for_time_wait(false, tw, 1);

    const std::vector<std::string> expressions = {
        "sport = :L",
        "dport = :L",
        "( sport = :L or dport = :L )",
        "state close-wait ( sport = :L or dport = :L )",
        "state established",
        "state listening",
        "state connected",
        "state synchronized",
        "state bucket",
        "state big",
        "state all",
        "exclude established",
        "state established state listening",
        "state connected exclude close-wait",
        "state fin-wait-2 dport = :L",
        "src 127.0.0.1",
        "dst 127.0.0.0/8",
        "src [::1]",
        "src ::1/128",
        "dst [::1]:P",
        "src 127.0.0.1:L",
        "dst *:L",
        "sport gt :1024",
        "sport lt :Q",
        "dport >= :L",
        "dport <= :P",
        "dport > :Q",
        "dport != :L",
        "sport ne :L and sport ne :Q and src 127.0.0.1",
        "not sport = :L",
        "! ( src [::1] or dst [::1] )",
        "sport = :L or sport = :Q and dport = :0",
        "src 127.0.0.1 && dport = :Q",
        "sport eq :L || sport eq :P",
        "( ( sport = :L ) )",
        "state established src [::1]:*",
        "dst 10.0.0.0/8",
        "dport = :T",
        "state time-wait",
    };
    ASSERT_GE(expressions.size(), 25u);
    int nonempty = 0;
    for (std::string e : expressions) {
        e = replace_all(e, ":L", ":" + std::to_string(leak.port));
        e = replace_all(e, ":P", ":" + std::to_string(pair6.port));
        e = replace_all(e, ":Q", ":" + std::to_string(pair4.port));
        e = replace_all(e, ":T", ":" + std::to_string(tw));
        const auto want = from_ss(e);
        nonempty += !want.empty();
        for (const char* source : {"netlink", "proc"}) {
            const bool with_state = want.empty() || !want.begin()->starts_with("- ");
            const auto got = from_tcpstat(e, source, std::string_view(source) == "netlink", with_state);
            EXPECT_EQ(got, want) << "expression '" << e << "' --source " << source;
        }
    }
    EXPECT_GE(nonempty, 30) << "most expressions must select something, or the comparison proves little";
}
