// Tests netstat/ss/lsof habits on real sockets: option clusters with -p as a flag, -p PID, -o/-i/-m
// column sets, lsof -i specs and -sTCP:STATE, and --sort orders for listings and groups.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <thread>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

const std::vector<std::string> kRows = {"-f", "tsv", "-H", "--fields", "proto,state,lport,rport,pid,process"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more = kRows) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

std::string rows_of(const std::vector<std::string>& args) {
    const RunResult r = run_tcpstat(with(args));
    EXPECT_LE(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
}

std::vector<std::string> column(const std::string& tsv, std::size_t i) {
    std::vector<std::string> out;
    for (const auto& line : lines_of(tsv)) out.push_back(split(line, '\t').at(i));
    return out;
}

}  // namespace

// Every cluster of the issue means what netstat/ss mean: -p is "show processes", never a pid.
TEST(Habits, NetstatAndSsClustersMeanTheirFlags) {
    EstablishedPair v4(false), v6(true);
    const int udp = listen_udp(false);
    const std::map<std::vector<std::string>, std::vector<std::string>> same = {
        {{"-tanp"}, {"-t"}},
        {{"-tulpn"}, {"-t", "-u", "-l"}},
        {{"-ntlp"}, {"-t", "-l"}},
        {{"-lntp"}, {"-t", "-l"}},
        {{"-anp"}, {}},
        {{"-plnt"}, {"-t", "-l"}},
        {{"-tn"}, {"-t"}},
        {{"-ltn4"}, {"-t", "-l", "-4"}},
        {{"-tunap"}, {"-t", "-u"}},
        {{"-p"}, {}},
        {{"-p", "-l"}, {"-l"}},
        {{"-l", "-p"}, {"-l"}},
    };
    for (const auto& [habit, plain] : same) {
        const std::string got = rows_of(habit), want = rows_of(plain);
        EXPECT_EQ(got, want) << habit.front();
        EXPECT_NE(got, "") << habit.front();
    }
    const std::string listening = rows_of({"-tulpn"});
    EXPECT_NE(listening.find("udp\tUNCONN\t" + std::to_string(local_port(udp))), std::string::npos) << listening;
    EXPECT_NE(listening.find("\t" + std::to_string(v4.child->pid()) + "\testab-pair"), std::string::npos)
        << "owners are shown: " << listening;
    EXPECT_EQ(listening.find("ESTABLISHED"), std::string::npos);
    close(udp);
}

// Windows netstat: `-ano -p TCP` (a protocol after -p, any case), `-p TCPv6`, and `/?` for help.
TEST(Habits, WindowsNetstatProtocolAndHelpSwitch) {
    EstablishedPair v4(false), v6(true);
    const int udp = listen_udp(false);
    const std::map<std::vector<std::string>, std::vector<std::string>> same = {
        {{"-ano", "-p", "tcp"}, {"-t"}},
        {{"-ano", "-p", "TCP"}, {"-t"}},
        {{"-anop", "UDP"}, {"-u"}},
        {{"-an", "-p", "TCPv6"}, {"-t", "-6"}},
    };
    for (const auto& [habit, plain] : same) {
        const std::string got = rows_of(habit), want = rows_of(plain);
        EXPECT_EQ(got, want) << habit.back();
        EXPECT_NE(got, "") << habit.back();
    }
    close(udp);
    const RunResult help = run_tcpstat({"/?"});
    EXPECT_EQ(help.exit_code, 0) << help.err;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << help.out;
}

TEST(Habits, PidShapedValueFiltersByPid) {
    EstablishedPair a(false, "pair-a"), b(false, "pair-b");
    const std::string pid = std::to_string(a.child->pid());
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-p", pid}, {"-p" + pid}, {"-tp", pid}, {"--pid", pid}, {"-tnp", pid}}) {
        const std::string out = rows_of(args);
        EXPECT_EQ(lines_of(out).size(), 3u) << args.front() << "\n" << out;  // LISTEN + two ESTABLISHED ends
        for (const auto& p : column(out, 4)) EXPECT_EQ(p, pid) << args.front();
    }
}

TEST(Habits, TimersInternalsAndMemoryColumns) {
    EstablishedPair pair(false);
    const std::string port = std::to_string(pair.port);
    auto header = [&](std::vector<std::string> a) {
        a.insert(a.end(), {"--sport", port});
        const RunResult r = run_tcpstat(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return lines_of(r.out).at(0);
    };
    EXPECT_NE(header({"-o"}).find("TIMER-MS"), std::string::npos);
    EXPECT_NE(header({"-tno"}).find("TIMER"), std::string::npos);
    const std::string info = header({"-ti"});
    EXPECT_NE(info.find("RTT-US"), std::string::npos) << info;
    EXPECT_NE(info.find("SSTHRESH"), std::string::npos) << info;
    EXPECT_EQ(info.find("INODE"), std::string::npos) << "-i is TCP internals, not all of -e: " << info;
    EXPECT_NE(header({"-tie"}).find("INODE"), std::string::npos);
    EXPECT_NE(header({"-tm"}).find("RCVBUF"), std::string::npos);

    // Memory comes from netlink: an established socket has a receive buffer; /proc has none (absent, not 0).
    const std::vector<std::string> mem = {"-m", "-f", "tsv", "-H", "--fields", "state,rcvbuf,sndbuf", "--dport", port};
    RunResult nl = run_tcpstat(with({"--source", "netlink"}, mem));
    ASSERT_EQ(nl.exit_code, 0) << nl.err;
    const auto nl_rows = lines_of(nl.out);
    ASSERT_EQ(nl_rows.size(), 1u) << nl.out;
    EXPECT_GT(std::stoul(split(nl_rows[0], '\t').at(1)), 0u) << nl.out;
    EXPECT_GT(std::stoul(split(nl_rows[0], '\t').at(2)), 0u) << nl.out;
    RunResult proc = run_tcpstat(with({"--source", "proc"}, mem));
    ASSERT_EQ(proc.exit_code, 0) << proc.err;
    EXPECT_EQ(proc.out, "ESTABLISHED\t\t\n");
    RunResult json = run_tcpstat({"--source", "proc", "-m", "-f", "jsonl", "--dport", port});
    EXPECT_NE(json.out.find("\"rcvbuf\":null"), std::string::npos) << json.out;
}

// lsof's -i specs in their attached forms (and -i :PORT), while a bare -i stays ss's internals.
TEST(Habits, LsofInternetSpecsAndTcpStates) {
    EstablishedPair v4(false), v6(true);
    const int udp = listen_udp(false);
    const std::string p4 = std::to_string(v4.port), p6 = std::to_string(v6.port), pu = std::to_string(local_port(udp));
    const std::map<std::vector<std::string>, std::vector<std::string>> same = {
        {{"-iTCP:" + p4}, {"-t", "--port", p4}},
        {{"-itcp:" + p4}, {"-t", "--port", p4}},
        {{"-i:" + p4}, {"-t", "-u", "--port", p4}},
        {{"-i", ":" + p4}, {"-t", "-u", "--port", p4}},
        {{"-i", "TCP:" + p4}, {"-t", "--port", p4}},
        {{"-i@127.0.0.1:" + p4}, {"-t", "-u", "--addr", "127.0.0.1", "--port", p4}},
        {{"-i@[::1]:" + p6}, {"-t", "-u", "--addr", "::1", "--port", p6}},
        {{"-i6TCP:" + p6}, {"-6", "-t", "--port", p6}},
        {{"-iUDP:" + pu}, {"-u", "--port", pu}},
        {{"-i4"}, {"-4", "-t", "-u"}},
        {{"-i6"}, {"-6", "-t", "-u"}},
        {{"-sTCP:LISTEN"}, {"-s", "listen"}},
        {{"-sTCP:ESTABLISHED,LISTEN", "-iTCP:" + p4}, {"-s", "established,listen", "--port", p4}},
    };
    for (const auto& [habit, plain] : same) {
        const std::string got = rows_of(habit), want = rows_of(plain);
        EXPECT_EQ(got, want) << habit.front();
        EXPECT_NE(got, "") << habit.front();
    }
    EXPECT_EQ(lines_of(rows_of({"-iTCP:" + p4})).size(), 3u);
    EXPECT_NE(rows_of({"-i:" + pu}).find("udp\tUNCONN"), std::string::npos) << "no protocol: both, as lsof";
    // Bare -i (and inside clusters) is ss's TCP internals.
    for (const auto& args : std::vector<std::vector<std::string>>{{"-i"}, {"-ti"}, {"-it"}, {"-i", "-t"}}) {
        auto a = args;
        a.insert(a.end(), {"--sport", p4});
        const RunResult r = run_tcpstat(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(lines_of(r.out).at(0).find("RTT-US"), std::string::npos) << args.front();
    }
    close(udp);
}

// docs/troubleshooting.md: "sort by idle_ms to see the oldest" puts the oldest first.
TEST(Habits, SortDescendingMultiKeyAndReverse) {
    EstablishedPair older(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EstablishedPair newer(false);
    const std::string ports = std::to_string(older.port) + "," + std::to_string(newer.port);
    auto run = [&](std::vector<std::string> a, const std::string& fields) {
        a.insert(a.end(), {"--port", ports, "-f", "tsv", "-H", "--fields", fields});
        const RunResult r = run_tcpstat(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    };
    const auto idle = column(run({"-s", "established", "--sort", "-idle_ms"}, "idle_ms,lport,rport"), 0);
    ASSERT_EQ(idle.size(), 4u);
    for (std::size_t i = 1; i < idle.size(); ++i) EXPECT_GE(std::stoul(idle[i - 1]), std::stoul(idle[i]));
    EXPECT_GT(std::stoul(idle.front()), std::stoul(idle.back()) + 200) << "the older pair comes first";
    EXPECT_EQ(run({"-s", "established", "--sort", "idle_ms", "--reverse"}, "lport,rport"),
              run({"-s", "established", "--sort", "-idle_ms"}, "lport,rport"));

    // state, then lport: ESTABLISHED (1) before LISTEN (10), ports ascending within each.
    const std::string multi = run({"--sort", "state,lport"}, "state,lport");
    std::vector<std::pair<int, int>> keys;
    for (const auto& line : lines_of(multi)) {
        const auto f = split(line, '\t');
        keys.emplace_back(f[0] == "ESTABLISHED" ? 1 : 10, std::stoi(f[1]));
    }
    ASSERT_EQ(keys.size(), 6u) << multi;
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << multi;
    const std::string down = run({"--sort", "-state,-lport"}, "state,lport");
    std::vector<std::pair<int, int>> rev;
    for (const auto& line : lines_of(down)) {
        const auto f = split(line, '\t');
        rev.emplace_back(f[0] == "ESTABLISHED" ? 1 : 10, std::stoi(f[1]));
    }
    EXPECT_TRUE(std::is_sorted(rev.rbegin(), rev.rend())) << down;
}

TEST(Habits, GroupsSortByTheirColumns) {
    LeakyServer few(false, 1, "aaa-srv"), many(false, 3, "zzz-srv");
    const std::string ports = std::to_string(few.port) + "," + std::to_string(many.port);
    auto names = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = {"-s", "close_wait", "--sport", ports, "-g", "process", "-f", "tsv", "-H"};
        a.insert(a.end(), extra.begin(), extra.end());
        const RunResult r = run_tcpstat(a);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return column(r.out, 0);
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(names({}), (V{"zzz-srv", "aaa-srv"})) << "largest count first by default";
    EXPECT_EQ(names({"--sort", "process"}), (V{"aaa-srv", "zzz-srv"}));
    EXPECT_EQ(names({"--sort", "-process"}), (V{"zzz-srv", "aaa-srv"}));
    EXPECT_EQ(names({"--sort", "count"}), (V{"aaa-srv", "zzz-srv"}));
    EXPECT_EQ(names({"--reverse"}), (V{"aaa-srv", "zzz-srv"})) << "smallest groups first";
    EXPECT_EQ(names({"--sort", "process", "--reverse"}), (V{"zzz-srv", "aaa-srv"}));
}

// Each command lists the filters in its own --help; given before and after it, they add up.
TEST(Habits, FiltersBeforeAndAfterACommandAddUp) {
    const int listener = listen_tcp(false);
    make_time_wait(false);
    auto total = [](const std::vector<std::string>& args) {
        const RunResult r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        for (const auto& line : lines_of(r.out))
            if (line.rfind("tcp\ttotal\t", 0) == 0) return split(line, '\t').back();
        return std::string("none");
    };
    const std::string both = total({"summary", "-f", "tsv", "-s", "listen,time_wait"});
    EXPECT_GE(std::stoi(both), 2);
    EXPECT_EQ(total({"-s", "listen", "summary", "-f", "tsv", "-s", "time_wait"}), both);
    EXPECT_EQ(total({"-s", "listen", "-f", "tsv", "summary", "-s", "time_wait"}), both);
    EXPECT_NE(total({"summary", "-f", "tsv", "-s", "listen"}), both);
    close(listener);
}

