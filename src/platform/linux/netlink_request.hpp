// Owns the inet_diag dump request: the kernel state mask, the port bytecode, the message bytes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tcpstat/backend.hpp"
#include "tcpstat/endpoint.hpp"
#include "tcpstat/expression.hpp"
#include "tcpstat/tcp_state.hpp"
#include "tcpstat/types.hpp"

namespace tcpstat::netlink {

// One kernel table to dump.
struct DumpSpec {
    Protocol protocol = Protocol::Tcp;
    Family family = Family::Inet;
    std::uint32_t states = 0;  // idiag_states, already translated by kernel_state_mask
    bool want_info = false;    // ask for INET_DIAG_INFO (struct tcp_info); TCP only
    // TCP only: one legacy TCPDIAG_GETSOCK dump answers for IPv4 and IPv6 together (`family` is
    // then ignored). The kernel walks its socket hash once instead of once per family, which
    // takes about a third off the kernel time of an all-families dump.
    bool both_families = false;
    bool want_memory = false;  // ask for INET_DIAG_SKMEMINFO (socket memory); TCP and UDP
};

// The idiag_states value to send for `wanted`, always a superset of what the core filter keeps;
// 0 means no socket of this protocol can match and the dump may be skipped.
std::uint32_t kernel_state_mask(StateMask wanted, Protocol proto);

// INET_DIAG_REQ_BYTECODE program accepting a socket when its local port is in one of `sports`,
// its remote port in one of `dports`, and either port in one of `any_ports` (OR within a list,
// AND across lists). Returns an empty program when there is nothing to push down or the program
// would not be cheap; the caller then sends no bytecode at all.
std::vector<std::uint8_t> build_port_bytecode(const std::vector<PortRange>& sports,
                                              const std::vector<PortRange>& dports,
                                              const std::vector<PortRange>& any_ports);

// INET_DIAG_REQ_BYTECODE program for a filter expression, compiled as ss compiles its filters:
// ports and addresses become S_COND/D_COND and port comparisons; state sets (the state bitmask
// carries them) and whatever cannot be negated exactly widen to "accept", so the program always
// accepts a superset. Empty when there is nothing to push down or it would not be cheap.
std::vector<std::uint8_t> build_expression_bytecode(const Expression& expression);

// The program for a whole request: the port options' program AND the expression's.
std::vector<std::uint8_t> build_bytecode(const CollectRequest& request);

// The complete dump request: nlmsghdr + inet_diag_req_v2 (SOCK_DIAG_BY_FAMILY), or for
// both_families nlmsghdr + inet_diag_req (TCPDIAG_GETSOCK), then the optional bytecode.
std::vector<std::uint8_t> build_request(const DumpSpec& spec, std::span<const std::uint8_t> bytecode,
                                        std::uint32_t seq);

}  // namespace tcpstat::netlink
