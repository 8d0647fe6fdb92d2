// Tests owners on a population large enough for the Linux backend to walk /proc while it reads the tables.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "live/scenarios.hpp"
#include "live/support.hpp"
#include "platform/linux/owners.hpp"

using namespace tcpstat::testing;

namespace {

// Connections held open in one child: 2 x kPairs ESTABLISHED sockets plus the listener, all in
// this test's own network namespace, so /proc/net/sockstat counts them and nothing else.
constexpr int kPairs = 2600;
static_assert(2 * kPairs > static_cast<int>(tcpstat::procfs::kOwnerPrefetchMinSockets),
              "the population must be large enough to take the prefetching path");

}  // namespace

TEST(ManySockets, EveryConnectionHasItsOwnerAndTheCountIsExact) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs its own network namespace (root) so the count is known";
    Child holder([] { return hold_loopback_pairs(kPairs); }, "many-holder");
    const std::string port = holder.ready_line();
    ASSERT_TRUE(!port.empty() && port.find_first_not_of("0123456789") == std::string::npos) << port;

    for (const char* source : {"netlink", "proc"}) {
        SCOPED_TRACE(source);
        auto g = run_tcpstat({"--source", source, "-s", "established", "--port", port, "-g", "pid,process", "-f",
                              "tsv", "-H"});
        ASSERT_EQ(g.exit_code, 0) << g.err;
        EXPECT_EQ(g.out, std::to_string(holder.pid()) + "\tmany-holder\t" + std::to_string(2 * kPairs) + "\n");
        EXPECT_EQ(g.err, "");

        auto l = run_tcpstat({"--source", source, "--port", port, "-f", "tsv", "-H", "--fields", "state,pid,process"});
        ASSERT_EQ(l.exit_code, 0) << l.err;
        const auto rows = lines_of(l.out);
        ASSERT_EQ(rows.size(), static_cast<std::size_t>(2 * kPairs + 1));
        for (const auto& row : rows) {
            const auto f = split(row, '\t');
            ASSERT_EQ(f.size(), 3u) << row;
            ASSERT_EQ(f[1], std::to_string(holder.pid())) << row;
            ASSERT_EQ(f[2], "many-holder") << row;
        }
    }
    // A filter that leaves nothing stops the early walk and still answers at once.
    auto none = run_tcpstat({"--port", "1", "-s", "established", "-H"});
    EXPECT_EQ(none.exit_code, 1) << none.err;
    EXPECT_EQ(none.out, "");
}
