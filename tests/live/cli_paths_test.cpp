// Owns the tests of command-line paths only the binary shows: the colour decision (tty, NO_COLOR, TERM=dumb), --count -f json, --user NAME, --watch --output, -e, and `-c check` as a process name.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/proc_tree.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

// 127.0.0.1:8080 <-> 127.0.0.1:40000 ESTABLISHED, inode 5003, owned by uid 65534 (nobody).
constexpr const char* kNobodyEstab =
    "   2: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 65534        0 5003 1 "
    "0000000000000000 20 4 30 10 -1\n";

struct TtyRun {
    int status = -1;
    std::string out;
};

// Runs tcpstat with exactly `env` (nothing inherited, so the harness's own NO_COLOR or TERM
// cannot decide), its stdout on a pseudo-terminal (tty) or a pipe; bounded at 30 s.
TtyRun run_env(const std::vector<std::string>& args, const std::vector<std::string>& env, bool tty) {
    std::vector<std::string> store{TCPSTAT_BINARY};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_store = env;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);
    int fd = -1;
    const pid_t pid = fork_bound_reader(tty, 200, fd);
    if (pid == 0) {
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    TtyRun r;
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 30000) <= 0) break;
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EOF, or EIO once a pty's child is gone
        r.out.append(buf, static_cast<std::size_t>(n));
    }
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    close(fd);
    return r;
}

bool coloured(const std::string& s) { return s.find("\x1b[") != std::string::npos; }

}  // namespace

// --color auto colours a terminal only: not a pipe, not with NO_COLOR set (to anything but
// empty), not with TERM=dumb. always and never decide alone.
TEST(ColourDecision, TtyNoColorAndDumbTerminal) {
    Tree t;
    t.file("net/tcp", std::string(kHeader) + kListen);
    const std::vector<std::string> args = {"--proc-root", t.root(), "-t", "-4"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = args;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const std::string path = "PATH=/usr/bin:/bin";

    TtyRun tty = run_env(args, {path, "TERM=xterm"}, true);
    ASSERT_EQ(tty.status, 0) << tty.out;
    EXPECT_TRUE(coloured(tty.out)) << "auto on a terminal";
    EXPECT_FALSE(coloured(run_env(args, {path, "TERM=xterm"}, false).out)) << "auto on a pipe";
    EXPECT_FALSE(coloured(run_env(args, {path, "TERM=xterm", "NO_COLOR=1"}, true).out)) << "NO_COLOR";
    EXPECT_TRUE(coloured(run_env(args, {path, "TERM=xterm", "NO_COLOR="}, true).out)) << "NO_COLOR empty";
    EXPECT_FALSE(coloured(run_env(args, {path, "TERM=dumb"}, true).out)) << "TERM=dumb";
    EXPECT_TRUE(coloured(run_env(with({"--color", "always"}), {path, "TERM=dumb"}, false).out)) << "always";
    EXPECT_FALSE(coloured(run_env(with({"--color", "never"}), {path, "TERM=xterm"}, true).out)) << "never";
}

TEST(CountFormats, JsonAndJsonlAreOneObject) {
    Tree t;
    t.file("net/tcp", std::string(kHeader) + kListen + kEstab + kNobodyEstab);
    for (const char* format : {"json", "jsonl"}) {
        auto r = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "--count", "-f", format});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, "{\"count\":3}\n") << format;
        EXPECT_EQ(nlohmann::json::parse(r.out)["count"], 3) << format;
    }
    auto text = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "--count", "-s", "established"});
    EXPECT_EQ(text.out, "2\n");
}

// --user takes names as well as uids: a name matches the sockets of its uid, and only those.
TEST(UserFilter, NameMatchesItsUidOnly) {
    Tree t;
    t.file("net/tcp", std::string(kHeader) + kListen + kEstab + kNobodyEstab);
    auto inodes = [&](const std::string& user) {
        auto r = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "-H", "-f", "tsv", "--fields", "inode", "--user", user});
        return r.out;
    };
    EXPECT_EQ(inodes("nobody"), "5003\n");
    EXPECT_EQ(inodes("65534"), "5003\n");
    EXPECT_EQ(inodes("root"), "5001\n5002\n");
    EXPECT_EQ(inodes("root,nobody"), "5001\n5002\n5003\n");
    auto unknown = run_tcpstat({"--proc-root", t.root(), "-t", "--user", "no-such-user-tcpstat"});
    EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
    EXPECT_NE(unknown.err.find("no-such-user-tcpstat"), std::string::npos) << unknown.err;
    EXPECT_EQ(lines_of(unknown.err).size(), 1u) << unknown.err;
}

// --watch with --output replaces the file at each sample and writes nothing to stdout.
TEST(WatchOutput, EachSampleReplacesTheFile) {
    Tree t;
    t.file("net/tcp", std::string(kHeader) + kListen + kEstab);
    const std::string file = t.path("sample.prom");
    auto r = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "-g", "state", "-f", "prometheus", "--watch", "0.1",
                          "--iterations", "3", "--output", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string body = ss.str();
    auto once = run_tcpstat({"--proc-root", t.root(), "-t", "-4", "-g", "state", "-f", "prometheus"});
    EXPECT_EQ(body, once.out) << "the last sample alone, not three appended";
}

// -e adds TCP internals from the kernel: a live connection has its round-trip time.
TEST(Extended, ShowsTcpInfoOfALiveConnection) {
    EstablishedPair pair(false, "ext-pair");
    auto r = run_tcpstat({"-e", "-t", "-4", "-s", "established", "--sport", std::to_string(pair.port), "-f", "jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = lines_of(r.out);
    ASSERT_EQ(rows.size(), 1u) << r.out;
    const auto row = nlohmann::json::parse(rows[0]);
    ASSERT_TRUE(row.contains("rtt_us")) << rows[0];
    EXPECT_TRUE(row["rtt_us"].is_number()) << rows[0];
    EXPECT_TRUE(row["cwnd"].is_number()) << rows[0];
    auto plain = run_tcpstat({"-t", "-4", "-s", "established", "--sport", std::to_string(pair.port), "-f", "jsonl"});
    EXPECT_FALSE(nlohmann::json::parse(lines_of(plain.out).at(0)).contains("rtt_us")) << plain.out;
}

// `-c check` names a process: a bad option after it is a listing's usage error (stderr, 2),
// not check's UNKNOWN (stdout, 3), which only the check command gives.
TEST(CheckRouting, CheckAsAProcessNameIsNotTheCheckCommand) {
    auto listing = run_tcpstat({"-c", "check", "--bogus"});
    EXPECT_EQ(listing.exit_code, 2) << listing.out << listing.err;
    EXPECT_EQ(listing.out, "");
    EXPECT_NE(listing.err.find("unknown option '--bogus' (see tcpstat --help)"), std::string::npos) << listing.err;

    auto check = run_tcpstat({"check", "--bogus"});
    EXPECT_EQ(check.exit_code, 3) << check.out << check.err;
    EXPECT_EQ(check.out, "TCPSTAT UNKNOWN - unknown option '--bogus' (see tcpstat check --help)\n");
}
