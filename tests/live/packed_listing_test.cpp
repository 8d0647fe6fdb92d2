// Tests that a listing kept packed (the table, json, and the row formats with owners) shows exactly the
// rows and owners of a listing collected as Sockets (--sort collects), on real sockets.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

// The lines in sorted order; a JSON document's rows without the comma between them (which the
// last row lacks), so that two orders of the same rows compare equal.
std::vector<std::string> sorted_lines(const std::string& text) {
    auto v = lines_of(text);
    for (std::string& line : v)
        if (!line.empty() && line.back() == ',') line.pop_back();
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST(PackedListing, ShowsTheRowsAndOwnersOfACollectedListing) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs its own network namespace (root) so the population is known";
    // IPv4 and IPv6, every state a leak leaves, a TIME_WAIT (no inode, no owner), a UDP socket and
    // a listener two processes hold (two owners, in pid order).
    LeakyServer leaky4(false, 4, "packed-leak4");
    LeakyServer leaky6(true, 3, "packed-leak6");
    EstablishedPair pair(true, "packed-pair");
    make_time_wait(false);
    Child udp([] { return std::to_string(local_port(listen_udp(true))); }, "packed-udp");
    Child shared(
        [] {
            const int fd = listen_tcp(false);
            if (::fork() == 0) {
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                for (;;) ::pause();
            }
            return std::to_string(local_port(fd));
        },
        "packed-shared");
    wait_for_orphaned_clients(false, leaky4.port, 4);

    const std::string fields = "proto,family,state,local,remote,recv_q,send_q,uid,user,inode,pid,process,owners";
    for (const std::string format : {"table", "tsv", "csv", "json", "jsonl"}) {
        SCOPED_TRACE(format);
        const auto packed = run_tcpstat({"-t", "-u", "-f", format, "--fields", fields});
        const auto collected = run_tcpstat({"-t", "-u", "-f", format, "--fields", fields, "--sort", "inode"});
        ASSERT_EQ(packed.exit_code, 0) << packed.err;
        ASSERT_EQ(collected.exit_code, 0) << collected.err;
        EXPECT_EQ(packed.err, collected.err);
        EXPECT_EQ(sorted_lines(packed.out), sorted_lines(collected.out));
        const std::size_t envelope = format == "jsonl" ? 0 : format == "json" ? 2 : 1;
        EXPECT_EQ(lines_of(packed.out).size(), envelope + 1 + 4 * 2 + 1 + 3 * 2 + 3 + 1 + 1 + 1) << packed.out;
    }

    // The shared listener lists both holders, the parent first.
    const auto row = run_tcpstat({"-H", "-f", "tsv", "--fields", "owners", "--sport", shared.ready_line(), "-l"});
    ASSERT_EQ(row.exit_code, 0) << row.err;
    const std::string parent = std::to_string(shared.pid());
    EXPECT_EQ(row.out.rfind(parent + "/", 0), 0u) << row.out;  // "pid/fd,pid/fd"
    EXPECT_EQ(std::count(row.out.begin(), row.out.end(), ','), 1) << row.out;
}
