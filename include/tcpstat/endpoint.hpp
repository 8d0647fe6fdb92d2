// Owns IP addresses, endpoints (address + port), CIDR prefixes and port ranges: value types,
// their text forms and their parsing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tcpstat/types.hpp"

namespace tcpstat {

// An IPv4 or IPv6 address; bytes are in network order. IPv4 uses bytes[0..3].
struct IpAddress {
    Family family = Family::Inet;
    std::array<std::uint8_t, 16> bytes{};
    std::uint32_t scope_id = 0;  // IPv6 link-local zone; 0 = none

    static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
    static IpAddress from_v4_bytes(const std::uint8_t* four);
    static IpAddress from_v6_bytes(const std::uint8_t* sixteen, std::uint32_t scope = 0);

    bool is_v4_mapped() const;   // ::ffff:a.b.c.d
    bool is_unspecified() const; // 0.0.0.0 or ::
    // An IPv4-mapped IPv6 address as its IPv4 address; otherwise itself.
    IpAddress unmapped() const;

    bool operator==(const IpAddress& o) const = default;
    auto operator<=>(const IpAddress& o) const = default;
};

struct Endpoint {
    IpAddress addr;
    std::uint16_t port = 0;
    bool operator==(const Endpoint& o) const = default;
    auto operator<=>(const Endpoint& o) const = default;
};

// "127.0.0.1", "::1", "::ffff:127.0.0.1" (mapped addresses print as ss prints them),
// "fe80::1%3" when a scope id is set.
std::string format_address(const IpAddress& a);

// Appends format_address() to out without allocating a temporary; returns chars written.
// out must have room for kMaxAddressText chars.
inline constexpr std::size_t kMaxAddressText = 64;
std::size_t format_address_to(const IpAddress& a, char* out);

// "127.0.0.1:80", "[::1]:80", port 0 as "*": "0.0.0.0:*", "[::]:*".
std::string format_endpoint(const Endpoint& e);

// Parses a numeric IPv4 or IPv6 address (no brackets, no zone); nullopt if invalid.
std::optional<IpAddress> parse_address(std::string_view text);

// An address prefix: 10.0.0.0/8, ::1/128; a bare address is a /32 or /128.
struct Cidr {
    IpAddress base;
    unsigned prefix_len = 0;
    // IPv4 prefixes also match IPv4-mapped IPv6 addresses, since a dual-stack listener
    // reports v4 peers that way. A base with a scope (fe80::1%2) matches only that scope; one
    // without matches every scope.
    bool contains(const IpAddress& a) const;
};

// Interface names <-> indexes, for IPv6 zones ("fe80::1%lo"). Asking the OS is platform work,
// so the app supplies an implementation; the core only calls it.
class InterfaceNames {
public:
    virtual ~InterfaceNames() = default;
    virtual std::optional<std::uint32_t> index_of(std::string_view name) const = 0;
    virtual std::optional<std::string> name_of(std::uint32_t index) const = 0;
};

// Whether text carries an IPv6 zone that is a name, not a number ("fe80::1%lo"): only such
// text needs an InterfaceNames to parse.
bool has_named_zone(std::string_view text);

// Throws UsageError ("invalid address '...': expected ADDR or ADDR/PREFIX, e.g. 10.0.0.0/8
// or ::1/128") when malformed or the prefix is out of range. An IPv6 address may carry a zone,
// "fe80::1%2" or, given interfaces, "fe80::1%lo" (an unknown name is an error naming it).
Cidr parse_cidr(std::string_view text, const InterfaceNames* interfaces = nullptr);

// An inclusive port range; a single port is lo == hi.
struct PortRange {
    std::uint16_t lo = 0;
    std::uint16_t hi = 0;
    bool contains(std::uint16_t p) const { return p >= lo && p <= hi; }
};

// "80", "8000-8100"; ports 0..65535. Throws UsageError naming the bad value.
PortRange parse_port_range(std::string_view text);

}  // namespace tcpstat
