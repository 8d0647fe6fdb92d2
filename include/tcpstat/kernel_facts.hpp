// Owns KernelFacts: one network namespace's TCP limits and counters that `tcpstat doctor` weighs sockets against.
#pragma once

#include <cstdint>
#include <optional>

namespace tcpstat {

// Each fact is present only where the backend could read it: a recorded tree, a container or
// another OS may lack any of them, and doctor then skips the checks that need it.
struct KernelFacts {
    // Ephemeral ports for outgoing connections (Linux net.ipv4.ip_local_port_range), inclusive.
    std::optional<std::uint16_t> ephemeral_low;
    std::optional<std::uint16_t> ephemeral_high;
    std::optional<std::uint32_t> fin_timeout_s;      // net.ipv4.tcp_fin_timeout
    std::optional<std::uint64_t> max_orphans;        // net.ipv4.tcp_max_orphans (host-wide: only the initial namespace shows it)
    std::optional<std::uint32_t> syncookies;         // net.ipv4.tcp_syncookies: 0 off, 1 on flood, 2 always
    std::optional<std::uint64_t> max_tw_buckets;     // net.ipv4.tcp_max_tw_buckets
    std::optional<std::uint64_t> max_syn_backlog;    // net.ipv4.tcp_max_syn_backlog
    std::optional<std::uint64_t> somaxconn;          // net.core.somaxconn: caps every listen() backlog
    // Cumulative since boot (or since the network namespace was created), for the whole namespace.
    std::optional<std::uint64_t> listen_overflows;   // TcpExt ListenOverflows: accept queue was full
    std::optional<std::uint64_t> listen_drops;       // TcpExt ListenDrops: SYNs dropped for any reason
    std::optional<std::uint64_t> orphans;            // orphaned sockets right now (/proc/net/sockstat; the kernel counts them host-wide)
    // Windows: how long a TIME_WAIT entry holds its port (TcpTimedWaitDelay); absent on Linux,
    // where TIME_WAIT lasts a fixed 60 s. The ephemeral range on Windows is the TCP dynamic port range.
    std::optional<std::uint32_t> time_wait_s;
    // Windows: facts that are the documented defaults because the system's own value was not
    // readable (doctor says "(default)" beside them).
    bool ephemeral_is_default = false;
    bool time_wait_is_default = false;

    // Size of the ephemeral range, when both ends are known and in order.
    std::optional<std::uint32_t> ephemeral_count() const {
        if (!ephemeral_low || !ephemeral_high || *ephemeral_high < *ephemeral_low) return std::nullopt;
        return static_cast<std::uint32_t>(*ephemeral_high - *ephemeral_low) + 1;
    }
};

}  // namespace tcpstat
