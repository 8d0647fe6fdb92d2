// Tests the real binary on hostile and odd --proc-root trees built here: odd tables, garbage, FIFOs, devices, shared sockets.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/proc_tree.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
namespace fs = std::filesystem;

namespace {

// Every run here lists IPv4 TCP only, so that only net/tcp matters unless a test says otherwise.
RunResult list(const Tree& t, std::vector<std::string> extra = {}, const std::function<void()>& before = {}) {
    std::vector<std::string> args{"--proc-root", t.root(), "-t", "-4", "-f", "tsv"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_tcpstat(args, {}, 30, before);
}

// An error: exit 2, nothing on stdout, exactly one line on stderr mentioning `what`.
void expect_one_error(const RunResult& r, const std::string& what) {
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("tcpstat: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

std::vector<std::string> data_rows(const RunResult& r) {
    auto ls = lines_of(r.out);
    if (!ls.empty()) ls.erase(ls.begin());  // header
    return ls;
}

}  // namespace

TEST(ProcRoot, ExtraColumnsAreIgnored) {
    Tree t;
    std::string listen = kListen;
    listen.insert(listen.size() - 1, " 99 extra columns from a future kernel");
    t.file("net/tcp", std::string("  sl  local_address rem_address   st tx_queue more headers\n") + listen + kEstab);
    auto r = list(t, {"--fields", "state,local,remote"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    auto rows = data_rows(r);
    ASSERT_EQ(rows.size(), 2u) << r.out;
    EXPECT_EQ(rows[0], "LISTEN\t127.0.0.1:8080\t0.0.0.0:*") << rows[0];
    EXPECT_EQ(rows[1], "ESTABLISHED\t127.0.0.1:8080\t127.0.0.1:40000") << rows[1];
}

TEST(ProcRoot, MissingColumnsAreSkippedWithOneWarning) {
    Tree t;
    std::string cut = kListen;
    cut = cut.substr(0, cut.find(" 00000000:00000000"));  // ends after the state
    t.file("net/tcp", std::string(kHeader) + cut + "\n" + "   2: 0100007F\n" + kEstab);
    auto r = list(t);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(data_rows(r).size(), 1u) << r.out;
    EXPECT_NE(r.out.find("ESTABLISHED"), std::string::npos);
    auto warn = lines_of(r.err);
    ASSERT_EQ(warn.size(), 1u) << r.err;
    EXPECT_NE(warn[0].find("skipped 2 malformed lines"), std::string::npos) << r.err;
    EXPECT_NE(warn[0].find("first at line 2"), std::string::npos) << r.err;
}

TEST(ProcRoot, HugeNumbersNeitherCrashNorWrap) {
    Tree t;
    // Queues, uid and inode at their type's maximum: the values tcpstat keeps for "not reported"
    // (include/tcpstat/packed_optional.hpp; no kernel reports them: queues are ints, (uid_t)-1 is
    // no uid, inodes are counted from 1), so shown empty, never wrapped; and a timer of 2^64-1
    // ticks saturates.
    const std::string big =
        "   0: 0100007F:FFFF 0100007F:0001 01 FFFFFFFF:FFFFFFFF 01:FFFFFFFFFFFFFFFF FFFFFFFF 4294967295        0 "
        "18446744073709551615 1 0000000000000000 20 4 30 10 -1\n";
    // Past every limit: a uid above 2^32, an inode above 2^64, a 40-digit sl: skipped, never wrapped.
    const std::string over =
        "   1: 0100007F:0050 0100007F:0001 01 00000000:00000000 00:00000000 00000000 4294967296        0 1\n"
        "   2: 0100007F:0051 0100007F:0001 01 00000000:00000000 00:00000000 00000000     0        0 "
        "18446744073709551616\n"
        "1234567890123456789012345678901234567890: 0100007F:0052 0100007F:0001 01 00000000:00000000 "
        "00:00000000 00000000     0        0 7\n"
        "   4: 0100007F:0053 0100007F:0001 FF00 00000000:00000000 00:00000000 00000000     0        0 8\n";
    t.file("net/tcp", std::string(kHeader) + big + over);
    auto r = list(t, {"--fields", "local,recv_q,send_q,uid,inode,timer_ms"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rows = data_rows(r);
    ASSERT_EQ(rows.size(), 1u) << r.out;
    auto f = split(rows[0], '\t');
    ASSERT_EQ(f.size(), 6u) << rows[0];
    EXPECT_EQ(f[0], "127.0.0.1:65535");
    EXPECT_EQ(f[1], "");
    EXPECT_EQ(f[2], "");
    EXPECT_EQ(f[3], "");
    EXPECT_EQ(f[4], "");
    EXPECT_FALSE(f[5].empty());
    EXPECT_NE(f[5][0], '-') << "a huge timer must saturate, not go negative: " << f[5];
    EXPECT_NE(r.err.find("skipped 4 malformed lines"), std::string::npos) << r.err;
}

// /proc prints 0 for a listener's backlog (it does not know it): Send-Q is absent, not 0; the
// accept queue (rx_queue) is real. Other states keep both.
TEST(ProcRoot, ListenerSendQueueIsAbsent) {
    Tree t;
    std::string listen = kListen;
    listen.replace(listen.find("00000000:00000000"), 17, "00000000:00000002");
    std::string estab = kEstab;
    estab.replace(estab.find("00000000:00000000"), 17, "00000000:00000005");
    t.file("net/tcp", std::string(kHeader) + listen + estab);
    auto r = list(t, {"--fields", "state,recv_q,send_q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(data_rows(r), (std::vector<std::string>{"LISTEN\t2\t", "ESTABLISHED\t5\t0"})) << r.out;
}

TEST(ProcRoot, CrlfLineEndings) {
    Tree t;
    std::string text = std::string(kHeader) + kListen + kEstab;
    std::string crlf;
    for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    t.file("net/tcp", crlf);
    auto r = list(t);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(data_rows(r).size(), 2u) << r.out;
    EXPECT_EQ(r.out.find('\r'), std::string::npos);
}

TEST(ProcRoot, EmptyAndHeaderOnlyTablesMatchNothing) {
    for (std::string content : {std::string(), std::string(kHeader), std::string("\n\n  \n")}) {
        Tree t;
        t.file("net/tcp", content);
        auto r = list(t);
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_EQ(r.err, "");
        EXPECT_EQ(data_rows(r).size(), 0u) << r.out;
        auto c = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "--count"});
        EXPECT_EQ(c.exit_code, 1) << c.err;
        EXPECT_EQ(c.out, "0\n");
    }
}

TEST(ProcRoot, DirectoryOfRandomFiles) {
    Tree t;
    std::mt19937 rng(20240601);
    for (int i = 0; i < 20; ++i) {
        std::string junk(static_cast<std::size_t>(rng() % 4096), '\0');
        for (char& c : junk) c = static_cast<char>(rng());
        t.file("junk" + std::to_string(i), junk);
    }
    t.file("123/comm", "not a process\n");
    expect_one_error(list(t), "cannot read any socket table under " + t.root() + "/net");
    // Random bytes where the tables belong: every line is skipped, with a warning per table.
    std::string junk(8192, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    t.file("net/tcp", junk);
    t.file("net/tcp6", junk);
    auto r = run_tcpstat({"--proc-root", t.root(), "-t", "-f", "tsv"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(data_rows(r).size(), 0u);
    auto warn = lines_of(r.err);
    ASSERT_EQ(warn.size(), 2u) << r.err;
    for (const auto& w : warn) EXPECT_NE(w.find("malformed line"), std::string::npos) << w;
}

TEST(ProcRoot, RegularFileAndNothing) {
    Tree t;
    t.file("plain", "just a file\n");
    expect_one_error(run_tcpstat({"--proc-root", t.path("plain")}), "Not a directory");
    expect_one_error(run_tcpstat({"--proc-root", t.path("no/such/dir")}), "No such file or directory");
}

TEST(ProcRoot, TableThatIsADirectory) {
    Tree t;
    t.dir("net/tcp");
    expect_one_error(list(t), "Is a directory");
    // With the other family readable, the directory is a warning and the rest is listed.
    t.file("net/tcp6", kHeader);
    auto r = run_tcpstat({"--proc-root", t.root(), "-t", "--count"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "0\n");
    auto warn = lines_of(r.err);
    ASSERT_EQ(warn.size(), 1u) << r.err;
    EXPECT_NE(warn[0].find("cannot read " + t.root() + "/net/tcp: Is a directory"), std::string::npos) << r.err;
}

// Regression: a FIFO blocked open(2) forever, and a device such as /dev/zero was read until
// memory ran out. Neither is a table: one clear error, promptly.
TEST(ProcRoot, FifoAndDeviceAreRefusedNotWaitedOn) {
    Tree t;
    t.dir("net");
    ASSERT_EQ(::mkfifo(t.path("net/tcp").c_str(), 0644), 0);
    auto r = list(t);
    expect_one_error(r, "not a regular file");
    EXPECT_EQ(r.err.find("timed out"), std::string::npos);

    Tree z;
    z.symlink("net/tcp", "/dev/zero");
    expect_one_error(list(z), "not a regular file");

    // A FIFO as a process's comm in the owner walk must not block either.
    Tree o;
    o.file("net/tcp", std::string(kHeader) + kListen);
    o.symlink("77/fd/3", "socket:[5001]");
    ASSERT_EQ(::mkfifo(o.path("77/comm").c_str(), 0644), 0);
    ASSERT_EQ(::mkfifo(o.path("77/cmdline").c_str(), 0644), 0);
    auto w = list(o, {"--fields", "pid,process"});
    EXPECT_EQ(w.exit_code, 0) << w.err;
    EXPECT_EQ(w.out, "pid\tprocess\n77\t\n");
}

// Regression: doctor read its kernel facts (sysctls, netstat, sockstat) with std::ifstream: a
// FIFO in their place hung it for good and a /dev/zero link read until memory ran out. Now the
// one /proc reader refuses both, and the fact is simply absent.
TEST(ProcRoot, DoctorFactsFromFifoOrDeviceAreRefusedNotWaitedOn) {
    auto doctor = [](const Tree& t) {
        auto bounded = [] {
#if !defined(__SANITIZE_ADDRESS__)
            // A runaway read fails here rather than taking the machine's memory.
            const rlimit as{std::uint64_t{1} << 30, std::uint64_t{1} << 30};
            ::setrlimit(RLIMIT_AS, &as);
#endif
        };
        return run_tcpstat({"doctor", "--proc-root", t.root(), "-f", "json"}, {}, 20, bounded);
    };
    auto expect_healthy = [](const RunResult& r) {
        EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NO_THROW((void)nlohmann::json::parse(r.out)) << r.out;
    };
    const std::string table = std::string(kHeader) + kListen;

    Tree fifos;
    fifos.file("net/tcp", table);
    fifos.file("sys/net/ipv4/tcp_max_orphans", "4096\n");
    fifos.dir("sys/net/core");
    for (const char* rel : {"net/netstat", "net/sockstat", "sys/net/ipv4/tcp_fin_timeout", "sys/net/core/somaxconn"})
        ASSERT_EQ(::mkfifo(fifos.path(rel).c_str(), 0644), 0) << rel;
    expect_healthy(doctor(fifos));

    Tree devices;
    devices.file("net/tcp", table);
    for (const char* rel : {"net/netstat", "net/sockstat", "sys/net/ipv4/tcp_fin_timeout", "sys/net/core/somaxconn"})
        devices.symlink(rel, "/dev/zero");
    expect_healthy(doctor(devices));
}

TEST(ProcRoot, UnreadableTableAsNobody) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
    Tree t;
    t.file("net/tcp", std::string(kHeader) + kListen, 0600);
    auto as_nobody = [] {
        constexpr uid_t kNobody = 65534;
        if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) _exit(95);
    };
    expect_one_error(list(t, {}, as_nobody), "Permission denied");
    // Root reads the same tree fine: the error above is about permission, not the content.
    auto r = list(t);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(data_rows(r).size(), 1u);
}

TEST(ProcRoot, SharedSocketAndNamesWithSpaces) {
    Tree t;
    t.file("net/tcp", std::string(kHeader) + kListen + kEstab);
    // A pre-fork server: the listener (inode 5001) is held by a parent and two workers; the
    // connection (5002) by one worker only. Names and command lines hold spaces.
    const std::vector<std::pair<int, std::string>> procs = {
        {100, "my server"}, {101, "my worker 1"}, {102, "my worker 2"}};
    for (const auto& [pid, name] : procs) {
        const std::string p = std::to_string(pid);
        t.file(p + "/comm", name + "\n");
        t.file(p + "/cmdline", std::string("/usr/bin/my server\0--port\08080\0", 32));
        t.symlink(p + "/fd/4", "socket:[5001]");
        t.symlink(p + "/fd/0", "/dev/null");
    }
    t.symlink("102/fd/9", "socket:[5002]");
    t.symlink("103/fd/9", "socket:[9999]");  // a socket no table knows

    auto r = list(t, {"--fields", "state,pid,process,owners"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rows = data_rows(r);
    ASSERT_EQ(rows.size(), 2u) << r.out;
    auto listen = split(rows[0], '\t');
    ASSERT_EQ(listen.size(), 4u) << rows[0];
    EXPECT_EQ(listen[0], "LISTEN");
    EXPECT_EQ(listen[3], "100/4,101/4,102/4");
    auto estab = split(rows[1], '\t');
    ASSERT_EQ(estab.size(), 4u) << rows[1];
    EXPECT_EQ(estab[1], "102");
    EXPECT_EQ(estab[2], "my worker 2");

    // Every owner counts: grouping by process gives each its own row.
    auto g = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "-s", "listen", "-g", "process", "-f", "tsv", "-H"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_EQ(lines_of(g.out).size(), 3u) << g.out;

    // A name with a space is one --process value, matched whole.
    auto c = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "-c", "my worker 2", "--count"});
    EXPECT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(c.out, "2\n");

    auto j = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "-f", "json"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto doc = nlohmann::json::parse(j.out);
    ASSERT_EQ(doc["sockets"].size(), 2u);
    const auto& owners = doc["sockets"][0]["owners"];
    ASSERT_EQ(owners.size(), 3u) << j.out;
    for (std::size_t i = 0; i < procs.size(); ++i) {
        EXPECT_EQ(owners[i]["pid"], procs[i].first) << j.out;
        EXPECT_EQ(owners[i]["process"], procs[i].second) << j.out;
    }
}
