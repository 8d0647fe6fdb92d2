// Tests tcpstat under churn: while other processes open and close sockets and exit, 200 bounded
// runs each exit 0 or 1 with well-formed output (every row complete, JSON parseable).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

// Forks short-lived children, each opening a listener and a connection and exiting (abruptly,
// with sockets open); bounded in count and time so the tables stay small. Each child that got
// as far as its connection writes one byte to `tally`, so the test knows churn happened.
void churn_body(int tally) {
    auto end = time(nullptr) + 60;
    for (int i = 0; i < 5000 && time(nullptr) < end; ++i) {
        pid_t p = fork();
        if (p == 0) {
            int l = listen_tcp(i % 2 == 0);
            int c = connect_tcp(i % 2 == 0, local_port(l));
            if (i % 3 == 0) accept_one(l);
            (void)c;
            (void)!write(tally, "x", 1);
            _exit(0);
        }
        if (p > 0) waitpid(p, nullptr, 0);
        usleep(2000);
    }
}

}  // namespace

TEST(Churn, TwoHundredRunsStayWellFormed) {
    // Two churners, so sockets and processes vanish at every moment of the owner walk.
    int tally[2];
    ASSERT_EQ(pipe2(tally, O_CLOEXEC), 0);  // the tcpstat runs exec: they must not hold it open
    auto start_churn = [&] {
        pid_t p = fork();
        if (p == 0) {
            alarm(120);
            close(tally[0]);
            churn_body(tally[1]);
            _exit(0);
        }
        return p;
    };
    pid_t a = start_churn(), b = start_churn();
    int bad = 0;
    for (int i = 0; i < 200; ++i) {
        bool json = i % 4 == 0;
        auto r = json ? run_tcpstat({"-t", "-u", "-f", "json"})
                      : run_tcpstat({"-t", "-u", "-f", "tsv", "-H", "--fields", "proto,state,local,remote,pid,process"});
        if (r.exit_code != 0 && r.exit_code != 1) {
            ADD_FAILURE() << "run " << i << " exit " << r.exit_code << ": " << r.err;
            ++bad;
        }
        if (json) {
            EXPECT_TRUE(nlohmann::json::accept(r.out)) << "run " << i;
        } else {
            for (const auto& line : lines_of(r.out)) {
                auto f = split(line, '\t');
                if (f.size() != 6u) {
                    ADD_FAILURE() << "run " << i << " malformed row: " << line;
                    ++bad;
                }
            }
        }
        if (bad > 5) break;
    }
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, nullptr, 0);
    waitpid(b, nullptr, 0);
    // The churn really ran alongside the runs: 200 runs take seconds, a child a few ms. (The
    // children are gone: the last writer closed, so the read ends.)
    close(tally[1]);
    std::size_t children = 0;
    char buf[4096];
    for (ssize_t n; (n = read(tally[0], buf, sizeof buf)) > 0;) children += static_cast<std::size_t>(n);
    close(tally[0]);
    EXPECT_GE(children, 100u) << "short-lived socket owners came and went during the runs";
}
