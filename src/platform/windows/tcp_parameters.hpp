// Owns doctor's Windows TCP facts from the TCP/IP parameters (dynamic port range, TIME_WAIT delay) and their documented defaults; no windows.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include "tcpstat/kernel_facts.hpp"

namespace tcpstat::win {

// What the system said, each absent when it could not be read.
struct TcpParameters {
    // The TCP dynamic port range, as `netsh int ipv4 show dynamicport tcp` shows it: start port
    // and number of ports (WMI's MSFT_NetTCPSetting, the Internet template).
    std::optional<std::uint32_t> dynamic_start;
    std::optional<std::uint32_t> dynamic_count;
    // HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\TcpTimedWaitDelay (REG_DWORD,
    // seconds); Windows does not create the value, so it is absent on most hosts.
    std::optional<std::uint32_t> time_wait_delay_s;
};

// The documented defaults: 49152-65535 since Windows Vista and Server 2008 (Microsoft KB 929851),
// and 120 s of TIME_WAIT (the TcpTimedWaitDelay page since Windows Server 2003; Windows 2000
// and XP documented 240 s).
inline constexpr std::uint16_t kDefaultDynamicStart = 49152;
inline constexpr std::uint32_t kDefaultDynamicCount = 16384;
inline constexpr std::uint32_t kDefaultTimeWaitDelay = 120;
// TcpTimedWaitDelay's documented range; a value outside it is not what the stack uses.
inline constexpr std::uint32_t kMinTimeWaitDelay = 30;
inline constexpr std::uint32_t kMaxTimeWaitDelay = 300;

// KernelFacts for doctor: the range and the delay as read when valid (a range must end at or
// below 65535; netsh refuses fewer than 255 ports or a start below 1025), otherwise the defaults,
// marked as such (KernelFacts::ephemeral_is_default, time_wait_is_default).
KernelFacts facts_from_parameters(const TcpParameters& p);

// Reads them from this system (tcp_parameters_read.cpp, Windows only). The dynamic range comes
// from a RangeCache: serve collects on every scrape.
TcpParameters system_tcp_parameters();

// The dynamic port range changes only when an administrator runs netsh, but serve collects on
// every scrape and the WMI query behind it may wait up to its 5 s timeout: a read is reused for
// kRangeRefresh, a failed one too, so a stuck WMI service costs one wait per period, not one per
// scrape. doctor reads once per run either way.
inline constexpr std::chrono::seconds kRangeRefresh{300};
class RangeCache {
public:
    using Range = std::optional<std::pair<std::uint32_t, std::uint32_t>>;
    // `read()` is asked when nothing was read yet, or the last read is kRangeRefresh old at `now`.
    template <class Read>
    Range get(std::chrono::steady_clock::time_point now, Read&& read) {
        if (!read_at_ || now - *read_at_ >= kRangeRefresh) {
            value_ = read();
            read_at_ = now;
        }
        return value_;
    }

private:
    std::optional<std::chrono::steady_clock::time_point> read_at_;
    Range value_;
};

}  // namespace tcpstat::win
