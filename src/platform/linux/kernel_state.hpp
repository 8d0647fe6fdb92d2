// Owns the Linux kernel's TCP state numbers (TCP_ESTABLISHED = 1 ... TCP_NEW_SYN_RECV = 12) as TcpState, for both Linux sources.
#pragma once

#include <optional>

#include "tcpstat/tcp_state.hpp"

namespace tcpstat::linux_state {

// The kernel's number (sock_diag's idiag_state, /proc/net/tcp's "st") as a TcpState; nullopt
// outside 1..12. TCP_NEW_SYN_RECV (12), the request sockets' internal state, is SYN_RECV: both
// sources report those as SYN_RECV today, and this is the one place that says so, so netlink and
// /proc cannot disagree should a kernel ever show the internal number.
std::optional<TcpState> state_from_linux(unsigned value);

}  // namespace tcpstat::linux_state
