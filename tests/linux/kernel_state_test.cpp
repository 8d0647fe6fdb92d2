// Owns the tests of the Linux state-number map, and that both Linux sources fold NEW_SYN_RECV through it alike.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_state.hpp"
#include "procfs.hpp"

namespace tcpstat {
namespace {

TEST(KernelState, RangeAndNewSynRecvFold) {
    using linux_state::state_from_linux;
    EXPECT_FALSE(state_from_linux(0));
    EXPECT_EQ(state_from_linux(1), TcpState::Established);
    EXPECT_EQ(state_from_linux(3), TcpState::SynRecv);
    EXPECT_EQ(state_from_linux(8), TcpState::CloseWait);
    EXPECT_EQ(state_from_linux(10), TcpState::Listen);
    EXPECT_EQ(state_from_linux(11), TcpState::Closing);
    EXPECT_EQ(state_from_linux(12), TcpState::SynRecv) << "request sockets are SYN_RECV in every source";
    EXPECT_FALSE(state_from_linux(13));
    EXPECT_FALSE(state_from_linux(255));
}

// /proc/net/tcp with the internal state number 0C: SYN_RECV, as the netlink parser gives for
// idiag_state 12 (NetlinkParseSynthetic.UnknownStatesAreCountedAndNewSynRecvFolds). It used to
// come out as NEW_SYN_RECV here and SYN_RECV there.
TEST(KernelState, ProcTableFoldsNewSynRecvAsNetlinkDoes) {
    const std::string text =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:1F90 0100007F:9C40 0C 00000000:00000000 00:00000000 00000000     0        0 0 1 "
        "0000000000000000 20 4 30 10 -1\n";
    std::vector<Socket> out;
    const auto stats = procfs::parse_table(text, Protocol::Tcp, Family::Inet, out);
    ASSERT_EQ(stats.rows, 1u);
    EXPECT_EQ(out[0].state, TcpState::SynRecv);
}

}  // namespace
}  // namespace tcpstat
