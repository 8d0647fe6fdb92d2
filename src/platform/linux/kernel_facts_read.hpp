// Owns reading KernelFacts from a /proc tree: sysctls, TcpExt counters, sockstat's orphan count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tcpstat/kernel_facts.hpp"

namespace tcpstat::procfs {

// Reads every fact it can under root ("/proc" or a recorded tree); a missing or malformed file
// leaves its fact empty, never an error.
KernelFacts read_kernel_facts(const std::string& root);
// The facts of the network namespace the calling thread is in (after setns(2) in a helper
// thread: that namespace's sysctls and counters, not the process's).
KernelFacts read_kernel_facts_of_this_thread();

// Pure parsers, exposed for tests. A named counter from /proc/net/netstat (header line of
// names, then a line of values, per "Prefix:"); nullopt when absent or malformed.
std::optional<std::uint64_t> netstat_counter(std::string_view text, std::string_view prefix, std::string_view name);
// The one parser of /proc/net/sockstat{,6}: the value after `key` on the line of `protocol`
// ("TCP", "UDP6", ...): "TCP: inuse 5 orphan 2 tw 0 alloc 9 mem 1" with ("TCP", "orphan") -> 2.
std::optional<std::uint64_t> sockstat_value(std::string_view text, std::string_view protocol, std::string_view key);
// One unsigned number with optional surrounding whitespace ("60\n").
std::optional<std::uint64_t> parse_sysctl_number(std::string_view text);
// "32768\t60999\n" -> {32768, 60999}; nullopt unless two ports in order.
std::optional<std::pair<std::uint16_t, std::uint16_t>> parse_port_range_sysctl(std::string_view text);

}  // namespace tcpstat::procfs
