// Tests the real binary against real loopback sockets held by real child processes: states,
// ports, owning pids, exit codes, and a cross-check with ss.
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

const std::vector<std::string> kTsv = {"-f", "tsv", "-H", "--fields", "state,lport,rport,pid,process"};

std::vector<std::vector<std::string>> rows(const RunResult& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& l : lines_of(r.out)) out.push_back(split(l, '\t'));
    return out;
}

std::vector<std::string> args(std::vector<std::string> a, const std::vector<std::string>& more = kTsv) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

class Sources : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Sources, LeakyServerCloseWaitShowsOwnerV4AndV6) {
    for (bool v6 : {false, true}) {
        LeakyServer srv(v6, 3);
        auto r = run_tcpstat(args({"--source", GetParam(), "-s", "close_wait", "--sport", std::to_string(srv.port)}));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto rs = rows(r);
        ASSERT_EQ(rs.size(), 3u) << r.out;
        for (const auto& row : rs) {
            ASSERT_EQ(row.size(), 5u);
            EXPECT_EQ(row[0], "CLOSE_WAIT");
            EXPECT_EQ(row[1], std::to_string(srv.port));
            EXPECT_EQ(row[3], std::to_string(srv.child->pid()));
            EXPECT_EQ(row[4], "leaky-srv");
        }
        // The clients closed first and were orphaned: FIN_WAIT2 with no owner.
        auto fw = run_tcpstat(args({"--source", GetParam(), "-s", "fin_wait2", "--dport", std::to_string(srv.port)}));
        ASSERT_EQ(fw.exit_code, 0) << fw.err;
        for (const auto& row : rows(fw)) {
            EXPECT_EQ(row[0], "FIN_WAIT2");
            EXPECT_EQ(row[3], "") << "an orphaned socket has no owner";
        }
        EXPECT_EQ(rows(fw).size(), 3u);
    }
}

TEST_P(Sources, ListenAndEstablishedV4AndV6) {
    for (bool v6 : {false, true}) {
        EstablishedPair pair(v6);
        // Listed by state: a TIME_WAIT left by a parallel test may carry the same port number.
        auto r = run_tcpstat(
            args({"--source", GetParam(), "-s", "listen,established", "--port", std::to_string(pair.port)}));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::multiset<std::string> got;
        for (const auto& row : rows(r)) {
            EXPECT_EQ(row[3], std::to_string(pair.child->pid())) << r.out;
            got.insert(row[0] + " " + row[1] + " " + row[2]);
        }
        std::string p = std::to_string(pair.port), c = std::to_string(pair.client_port);
        std::multiset<std::string> want = {"LISTEN " + p + " 0", "ESTABLISHED " + p + " " + c,
                                           "ESTABLISHED " + c + " " + p};
        EXPECT_EQ(got, want) << r.out;
        // The default table shows addresses the way people type them.
        auto t = run_tcpstat({"--source", GetParam(), "-H", "--sport", p, "-s", "listen"});
        ASSERT_EQ(t.exit_code, 0) << t.err;
        EXPECT_NE(t.out.find(v6 ? "[::1]:" + p : "127.0.0.1:" + p), std::string::npos) << t.out;
        EXPECT_NE(t.out.find(std::to_string(pair.child->pid())), std::string::npos) << t.out;
        EXPECT_NE(t.out.find(v6 ? "[::]:*" : "0.0.0.0:*"), std::string::npos) << t.out;
    }
}

TEST_P(Sources, TimeWaitHasNoOwner) {
    for (bool v6 : {false, true}) {
        auto port = make_time_wait(v6);
        auto r = run_tcpstat(args({"--source", GetParam(), "-s", "time-wait", "--dport", std::to_string(port)}));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto rs = rows(r);
        ASSERT_EQ(rs.size(), 1u) << r.out;
        EXPECT_EQ(rs[0][0], "TIME_WAIT");
        EXPECT_EQ(rs[0][2], std::to_string(port));
        EXPECT_EQ(rs[0][3], "");
        EXPECT_EQ(rs[0][4], "");
    }
}

TEST_P(Sources, UdpListeningIsUnconnected) {
    Child c([] { return std::to_string(local_port(listen_udp(false))); }, "udp-holder");
    auto r = run_tcpstat(args({"--source", GetParam(), "-u", "-l", "--sport", c.ready_line()}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rs = rows(r);
    ASSERT_EQ(rs.size(), 1u) << r.out;
    EXPECT_EQ(rs[0][0], "UNCONN");
    EXPECT_EQ(rs[0][3], std::to_string(c.pid()));
    EXPECT_EQ(rs[0][4], "udp-holder");
    // Without -u the same port shows nothing: TCP is the default.
    auto t = run_tcpstat(args({"--source", GetParam(), "--sport", c.ready_line()}));
    EXPECT_EQ(t.exit_code, 1);
    EXPECT_EQ(t.out, "");
}

TEST_P(Sources, PidFilterAndCount) {
    LeakyServer srv(false, 4);
    EstablishedPair other(false);
    auto r = run_tcpstat(args({"--source", GetParam(), "-p", std::to_string(srv.child->pid())}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rs = rows(r);
    EXPECT_EQ(rs.size(), 5u) << "one LISTEN and four CLOSE_WAIT:\n" << r.out;
    for (const auto& row : rs) EXPECT_EQ(row[3], std::to_string(srv.child->pid()));

    auto n = run_tcpstat({"--source", GetParam(), "--count", "-s", "close_wait", "--sport", std::to_string(srv.port)});
    EXPECT_EQ(n.exit_code, 0);
    EXPECT_EQ(n.out, "4\n");
    auto zero = run_tcpstat({"--source", GetParam(), "--count", "-s", "close_wait", "--sport", std::to_string(other.port)});
    EXPECT_EQ(zero.exit_code, 1);
    EXPECT_EQ(zero.out, "0\n");

    auto byname = run_tcpstat(args({"--source", GetParam(), "-c", "leaky", "-s", "listen"}));
    ASSERT_EQ(byname.exit_code, 0) << byname.err;
    bool found = false;
    for (const auto& row : rows(byname)) found = found || row[1] == std::to_string(srv.port);
    EXPECT_TRUE(found) << byname.out;
}

TEST_P(Sources, GroupByPidNamesTheLeakWithExactCount) {
    LeakyServer srv(false, 7, "leaky-grp");
    auto r = run_tcpstat({"--source", GetParam(), "-s", "close_wait", "--sport", std::to_string(srv.port),
                          "-g", "pid,process", "-f", "tsv", "-H"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::to_string(srv.child->pid()) + "\tleaky-grp\t7\n");
}

// One vocabulary: -g, --sort and check --per take a field in every spelling --fields takes
// (LPORT, Process), and any field groups, not only the thirteen group keys of old.
TEST_P(Sources, GroupSortAndPerTakeEveryFieldSpelling) {
    LeakyServer srv(false, 4, "leaky-words");
    const std::string port = std::to_string(srv.port);
    const std::string pid = std::to_string(srv.child->pid());
    auto g = run_tcpstat({"--source", GetParam(), "-4", "-s", "close_wait", "--sport", port, "-g", "LPORT,Process,uid",
                          "--sort", "-COUNT,lport", "-f", "tsv", "-H"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_EQ(g.out, port + "\tleaky-words\t" + std::to_string(::getuid()) + "\t4\n");
    auto check = run_tcpstat({"--source", GetParam(), "check", "-4", "-s", "close_wait", "--sport", port, "--per", "PID",
                              "--warn", "3"});
    EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
    EXPECT_NE(check.out.find("worst pid " + pid + " (leaky-words) 4"), std::string::npos) << check.out;
    auto bad = run_tcpstat({"-g", "owners"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("unknown group key 'owners'"), std::string::npos) << bad.err;
}

// One place decides what a run reads: sorting by an owner field reads owners even when no
// shown column needs them (the owner walk was once skipped, and the sort silently did nothing).
TEST_P(Sources, SortByPidNotShownStillOrdersByOwner) {
    EstablishedPair a(false, "sort-a"), b(false, "sort-b");
    const std::string pa = std::to_string(a.port), pb = std::to_string(b.port);
    const bool a_first = a.child->pid() < b.child->pid();
    const std::string low = (a_first ? pa : pb) + "\n", high = (a_first ? pb : pa) + "\n";
    auto up = run_tcpstat({"--source", GetParam(), "-4", "-l", "--sport", pa + "," + pb, "--fields", "lport", "--sort",
                           "pid", "-f", "tsv", "-H"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    EXPECT_EQ(up.out, low + high);
    auto down = run_tcpstat({"--source", GetParam(), "-4", "-l", "--sport", pa + "," + pb, "--fields", "lport",
                             "--sort", "-pid", "-f", "tsv", "-H"});
    ASSERT_EQ(down.exit_code, 0) << down.err;
    EXPECT_EQ(down.out, high + low);
}

TEST_P(Sources, CheckCrossesThresholdsOnALiveLeak) {
    LeakyServer srv(false, 5, "leaky-chk");
    std::string port = std::to_string(srv.port);
    auto ok = run_tcpstat({"--source", GetParam(), "check", "-s", "close_wait", "--sport", port,
                           "--per", "process", "--warn", "10", "--crit", "20"});
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
    EXPECT_EQ(ok.out.rfind("TCPSTAT OK - 5 close_wait sockets", 0), 0u) << ok.out;
    auto warn = run_tcpstat({"--source", GetParam(), "check", "-s", "close_wait", "--sport", port,
                             "--per", "pid", "--warn", "4", "--crit", "20"});
    EXPECT_EQ(warn.exit_code, 1) << warn.out;
    EXPECT_NE(warn.out.find("worst pid " + std::to_string(srv.child->pid()) + " (leaky-chk) 5"), std::string::npos)
        << warn.out;
    auto crit = run_tcpstat({"--source", GetParam(), "check", "-s", "close_wait", "--sport", port,
                             "--warn", "2", "--crit", "4"});
    EXPECT_EQ(crit.exit_code, 2) << crit.out;
    EXPECT_EQ(crit.out.rfind("TCPSTAT CRITICAL - 5 close_wait sockets | 'total'=5;2;4;0;", 0), 0u) << crit.out;
    EXPECT_EQ(lines_of(crit.out).size(), 1u);
}

// Each orphaned client end has its own ephemeral local port: --per lport once gave one perfdata
// item per client; ports no listener is bound to now count as one "client ports" group.
TEST_P(Sources, CheckPerLportFoldsClientPorts) {
    LeakyServer srv(false, 5, "leaky-lport");
    const std::string port = std::to_string(srv.port);
    auto r = run_tcpstat({"--source", GetParam(), "-4", "check", "--port", port, "--per", "lport", "--warn", "5"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    ASSERT_EQ(lines_of(r.out).size(), 1u) << r.out;
    const std::string perf = r.out.substr(r.out.find('|') + 2);
    // LISTEN + 5 CLOSE_WAIT on the server's port, 5 FIN_WAIT2 on ephemeral ports.
    EXPECT_EQ(perf, "'total'=11;5;;0; 'port " + port + "'=6;5;;0; 'client ports'=5;5;;0;\n") << r.out;
    EXPECT_NE(r.out.find("; worst port " + port + " 6 |"), std::string::npos) << r.out;
    // --per takes every -g key, here two.
    auto two = run_tcpstat({"--source", GetParam(), "-4", "check", "--port", port, "--per", "state,lport", "--warn", "9"});
    EXPECT_EQ(two.exit_code, 0) << two.out << two.err;
    EXPECT_NE(two.out.find("'state FIN_WAIT2 client ports'=5;9;;0;"), std::string::npos) << two.out;
    EXPECT_NE(two.out.find("'state CLOSE_WAIT port " + port + "'=5;9;;0;"), std::string::npos) << two.out;
}

TEST_P(Sources, SummaryCountsEveryStateByName) {
    LeakyServer srv(false, 3);
    auto r = run_tcpstat({"--source", GetParam(), "summary", "--sport", std::to_string(srv.port), "-f", "tsv", "-H"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::string> ipv4;
    for (const auto& row : rows(r)) {
        ASSERT_EQ(row.size(), 5u) << r.out;
        ipv4[row[1]] = row[2];
    }
    EXPECT_EQ(ipv4["CLOSE_WAIT"], "3") << r.out;
    EXPECT_EQ(ipv4["LISTEN"], "1") << r.out;
    EXPECT_EQ(ipv4["ESTABLISHED"], "0") << r.out;
    EXPECT_EQ(ipv4["total"], "4") << r.out;
}

INSTANTIATE_TEST_SUITE_P(Live, Sources, ::testing::Values("netlink", "proc"));

TEST(CrossCheck, SameSocketsAsSs) {
    if (std::system("command -v ss >/dev/null 2>&1") != 0) GTEST_SKIP() << "ss is not installed";
    LeakyServer leak(false, 2);
    EstablishedPair pair(true);
    for (const std::string& port : {std::to_string(leak.port), std::to_string(pair.port)}) {
        char tmpl[] = "/tmp/tcpstat-ss-XXXXXX";
        int fd = mkstemp(tmpl);
        ASSERT_GE(fd, 0);
        close(fd);
        std::string cmd = "ss -tanH '( sport = :" + port + " or dport = :" + port + " )' > " + tmpl;
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        std::ifstream in(tmpl);
        std::multiset<std::string> from_ss;
        std::string state, recvq, sendq, local, remote;
        while (in >> state >> recvq >> sendq >> local >> remote) {
            std::replace(state.begin(), state.end(), '-', '_');
            if (state == "ESTAB") state = "ESTABLISHED";
            if (state == "FIN_WAIT_1") state = "FIN_WAIT1";
            if (state == "FIN_WAIT_2") state = "FIN_WAIT2";
            from_ss.insert(state + " " + local + " " + remote);
        }
        unlink(tmpl);
        auto r = run_tcpstat({"--port", port, "-f", "tsv", "-H", "--fields", "state,local,remote"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::multiset<std::string> ours;
        for (const auto& row : rows(r)) ours.insert(row[0] + " " + row[1] + " " + row[2]);
        EXPECT_EQ(ours, from_ss) << "tcpstat:\n" << r.out;
    }
}
