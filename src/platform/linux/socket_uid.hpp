// Owns the rule both Linux parsers (/proc and netlink) use to tell a TCP socket's real uid from the kernel's filler 0.
#pragma once

#include <cstdint>

#include "tcpstat/model.hpp"

namespace tcpstat {

// Whether the uid the kernel reports for a TCP socket is its owner's. Only minisockets, which
// keep no owner at all, report a filler 0 (both sources alike):
// - TIME_WAIT, and the timewait minisocket that replaces an orphaned FIN_WAIT2 socket (its
//   program closed it; the row says FIN_WAIT2 with the time_wait timer and no inode);
// - a request socket (SYN_RECV, no inode): netlink reports 0, /proc its listener's uid, which
//   is kept when it is not 0 (a 0 cannot be told from netlink's filler, so neither source
//   claims root for it).
// A full socket without an inode (waiting in an accept queue, or an orphan in FIN_WAIT1,
// FIN_WAIT2 with a fin_timeout above 60 s, CLOSING, LAST_ACK) still reports the uid that
// created it (sk_uid, kernels since 4.10), root included.
inline bool tcp_uid_is_known(TcpState state, bool time_wait_timer, std::uint64_t inode, std::uint32_t uid) {
    if (state == TcpState::TimeWait) return false;
    if (inode != 0) return true;
    if (time_wait_timer) return false;
    return !(state == TcpState::SynRecv && uid == 0);
}

}  // namespace tcpstat
