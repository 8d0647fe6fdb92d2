// Owns closing TCP connections on Windows (SetTcpEntry with DELETE_TCB), for `tcpstat kill`.
#pragma once

#include <span>
#include <vector>

#include "tcpstat/kill.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::win {

// One result per socket: IPv4 TCP connections are reset with SetTcpEntry(MIB_TCP_STATE_DELETE_TCB);
// IPv6 and UDP rows are Unsupported (Windows offers no call for them). Throws RuntimeError when
// the first attempt is denied (not Administrator), before anything was closed.
std::vector<CloseResult> close_sockets(std::span<const Socket> sockets);

}  // namespace tcpstat::win
