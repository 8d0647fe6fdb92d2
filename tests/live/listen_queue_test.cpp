// Owns the live test of a listener's queues per source: the accept queue from both, the backlog only where the kernel reports it.
#include <gtest/gtest.h>

#include <string>

#include "live/support.hpp"

using namespace tcpstat::testing;

// Two connections wait for accept() on a listener with backlog 37. Netlink reports both the
// accept queue (Recv-Q 2) and the backlog (Send-Q 37); /proc/net/tcp prints the accept queue
// but 0 in place of the backlog, which it does not know, so its Send-Q is absent, not 0.
TEST(ListenQueue, BacklogOnlyWhereTheKernelReportsIt) {
    Child server(
        [] {
            const int l = listen_tcp(false, 37);
            connect_tcp(false, local_port(l));
            connect_tcp(false, local_port(l));
            return std::to_string(local_port(l));
        },
        "listen-queue");
    const std::string port = server.ready_line();
    ASSERT_FALSE(port.empty());
    for (const auto& [source, want] : {std::pair<std::string, std::string>{"netlink", "LISTEN\t2\t37"},
                                       std::pair<std::string, std::string>{"proc", "LISTEN\t2\t"}}) {
        const RunResult r = run_tcpstat({"--source", source, "-l", "--sport", port, "-f", "tsv", "-H", "--fields",
                                         "state,recv_q,send_q"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, want + "\n") << source;
    }
}
