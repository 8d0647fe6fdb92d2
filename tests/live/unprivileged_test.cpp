// Tests an unprivileged run (as nobody): every socket is still listed, the user's own sockets are
// attributed, other owners are hidden with exactly one warning, and exit codes follow the rules.
#include <gtest/gtest.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

constexpr uid_t kNobody = 65534;

void become_nobody() {
    if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(95);
    // setuid clears the dumpable flag, which would make our own /proc/<pid>/fd unreadable to us.
    prctl(PR_SET_DUMPABLE, 1);
}

}  // namespace

TEST(Unprivileged, ListsAllAttributesOwnWarnsOnce) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
    LeakyServer roots(false, 2, "root-leak");
    Child mine(
        [] {
            become_nobody();
            int l = listen_tcp(false);
            return std::to_string(local_port(l));
        },
        "nobody-lsn");
    ASSERT_FALSE(mine.ready_line().empty());

    std::string ports = std::to_string(roots.port) + "," + mine.ready_line();
    auto r = run_tcpstat({"--sport", ports, "-f", "tsv", "-H", "--fields", "state,lport,pid,process"}, {}, 60,
                         become_nobody);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto rows = lines_of(r.out);
    // Root's LISTEN + 2 CLOSE_WAIT are listed without owner; nobody's LISTEN with its pid.
    ASSERT_EQ(rows.size(), 4u) << r.out;
    int hidden = 0, attributed = 0;
    for (const auto& line : rows) {
        auto f = split(line, '\t');
        ASSERT_EQ(f.size(), 4u);
        if (f[1] == mine.ready_line()) {
            EXPECT_EQ(f[2], std::to_string(mine.pid()));
            EXPECT_EQ(f[3], "nobody-lsn");
            ++attributed;
        } else {
            EXPECT_EQ(f[2], "") << "root's sockets cannot be attributed by nobody";
            ++hidden;
        }
    }
    EXPECT_EQ(attributed, 1);
    EXPECT_EQ(hidden, 3);
    auto warnings = lines_of(r.err);
    ASSERT_EQ(warnings.size(), 1u) << r.err;
    EXPECT_NE(warnings[0].find("hidden"), std::string::npos) << r.err;
    EXPECT_NE(warnings[0].find("root"), std::string::npos) << r.err;

    // No match is still exit 1 for nobody, and a count needs no owners and so warns nothing.
    auto none = run_tcpstat({"--sport", "1", "-s", "close_wait"}, {}, 60, become_nobody);
    EXPECT_EQ(none.exit_code, 1) << none.err;
    auto count = run_tcpstat({"--count", "--sport", ports}, {}, 60, become_nobody);
    EXPECT_EQ(count.exit_code, 0);
    EXPECT_EQ(count.out, "4\n");
    EXPECT_EQ(count.err, "");
}
