// Owns the mapping from the Linux kernel's TCP state numbers to TcpState, NEW_SYN_RECV folded into SYN_RECV.
#include "kernel_state.hpp"

namespace tcpstat::linux_state {

// TcpState's values 1..12 are the kernel's (include/net/tcp_states.h), which also lets the
// netlink request push a StateMask down as idiag_states unchanged.
static_assert(static_cast<unsigned>(TcpState::Established) == 1 && static_cast<unsigned>(TcpState::Listen) == 10 &&
              static_cast<unsigned>(TcpState::NewSynRecv) == 12);

std::optional<TcpState> state_from_linux(unsigned value) {
    if (value < 1 || value > 12) return std::nullopt;
    if (value == static_cast<unsigned>(TcpState::NewSynRecv)) return TcpState::SynRecv;
    return static_cast<TcpState>(value);
}

}  // namespace tcpstat::linux_state
