// Owns the pure step from the TCP/IP parameters Windows reported to doctor's KernelFacts, defaults included.
#include "tcp_parameters.hpp"

namespace tcpstat::win {

KernelFacts facts_from_parameters(const TcpParameters& p) {
    KernelFacts f;
    const bool range_ok = p.dynamic_start && p.dynamic_count && *p.dynamic_start >= 1025 && *p.dynamic_count >= 255 &&
                          std::uint64_t{*p.dynamic_start} + *p.dynamic_count - 1 <= 65535;
    const std::uint32_t start = range_ok ? *p.dynamic_start : kDefaultDynamicStart;
    const std::uint32_t count = range_ok ? *p.dynamic_count : kDefaultDynamicCount;
    f.ephemeral_low = static_cast<std::uint16_t>(start);
    f.ephemeral_high = static_cast<std::uint16_t>(start + count - 1);
    f.ephemeral_is_default = !range_ok;
    const bool delay_ok =
        p.time_wait_delay_s && *p.time_wait_delay_s >= kMinTimeWaitDelay && *p.time_wait_delay_s <= kMaxTimeWaitDelay;
    f.time_wait_s = delay_ok ? *p.time_wait_delay_s : kDefaultTimeWaitDelay;
    f.time_wait_is_default = !delay_ok;
    return f;
}

}  // namespace tcpstat::win
