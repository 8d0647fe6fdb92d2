// Owns the small vocabulary enums (protocol, address family) used by every other header.
#pragma once

#include <cstdint>
#include <string_view>

namespace tcpstat {

enum class Protocol : std::uint8_t { Tcp, Udp };
enum class Family : std::uint8_t { Inet, Inet6 };

constexpr std::string_view protocol_name(Protocol p) { return p == Protocol::Tcp ? "tcp" : "udp"; }
constexpr std::string_view family_name(Family f) { return f == Family::Inet ? "ipv4" : "ipv6"; }

}  // namespace tcpstat
