// Owns CIDR prefixes and port ranges: parsing them from user input and matching against them.
#include <fmt/format.h>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat {

namespace {

constexpr std::string_view kCidrHint = "expected ADDR or ADDR/PREFIX, e.g. 10.0.0.0/8 or ::1/128";
constexpr std::string_view kPortHint =
    "expected a number 0-65535 or a range such as 8000-8100";

// Compares the first prefix_len bits of two byte strings.
bool same_prefix(const std::uint8_t* a, const std::uint8_t* b, unsigned prefix_len) {
    unsigned full = prefix_len / 8;
    for (unsigned i = 0; i < full; ++i)
        if (a[i] != b[i]) return false;
    unsigned rest = prefix_len % 8;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xFFu << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

// Clears the host bits so that equal prefixes compare equal however they were written.
void mask_host_bits(IpAddress& a, unsigned prefix_len) {
    unsigned len = a.family == Family::Inet ? 4 : 16;
    for (unsigned i = 0; i < len; ++i) {
        unsigned bit = i * 8;
        if (bit >= prefix_len)
            a.bytes[i] = 0;
        else if (prefix_len - bit < 8)
            a.bytes[i] &= static_cast<std::uint8_t>(0xFFu << (8 - (prefix_len - bit)));
    }
}

// Decimal digits only (no sign, no spaces); nullopt when empty, malformed or above max.
std::optional<unsigned> parse_bounded(std::string_view s, unsigned max) {
    if (s.empty()) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > max) return std::nullopt;
    }
    return v;
}

// A numeric zone, 1..2^32-1; counted in 64 bits so that ten digits cannot wrap.
std::optional<std::uint32_t> zone_index(std::string_view s) {
    if (s.empty() || s.size() > 10) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 0xFFFFFFFFu) return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

}  // namespace

bool Cidr::contains(const IpAddress& a) const {
    if (base.scope_id != 0 && a.scope_id != base.scope_id) return false;
    if (base.family == Family::Inet) {
        IpAddress v4 = a.unmapped();
        if (v4.family != Family::Inet) return false;
        return same_prefix(base.bytes.data(), v4.bytes.data(), prefix_len);
    }
    if (a.family != Family::Inet6) return false;
    return same_prefix(base.bytes.data(), a.bytes.data(), prefix_len);
}

bool has_named_zone(std::string_view text) {
    const auto pct = text.find('%');
    if (pct == std::string_view::npos) return false;
    const auto zone = text.substr(pct + 1, text.find('/', pct) - pct - 1);
    return !zone.empty() && !zone_index(zone);
}

Cidr parse_cidr(std::string_view text, const InterfaceNames* interfaces) {
    auto slash = text.find('/');
    const auto addr_text = text.substr(0, slash);
    const auto pct = addr_text.find('%');
    auto addr = parse_address(addr_text.substr(0, pct));
    if (!addr) throw UsageError(fmt::format("invalid address '{}': {}", text, kCidrHint));
    if (pct != std::string_view::npos) {
        const auto zone = addr_text.substr(pct + 1);
        if (addr->family != Family::Inet6 || zone.empty())
            throw UsageError(fmt::format("invalid address '{}': a %zone follows an IPv6 address, e.g. fe80::1%lo "
                                         "or fe80::1%2",
                                         text));
        std::optional<std::uint32_t> scope;
        if (auto n = zone_index(zone); n && *n > 0) scope = *n;
        else if (!n && interfaces != nullptr) scope = interfaces->index_of(zone);
        if (!scope)
            throw UsageError(fmt::format("unknown interface '{}' in '{}': expected an interface name of this host "
                                         "(ip link) or its index, e.g. fe80::1%lo or fe80::1%2",
                                         zone, text));
        addr->scope_id = *scope;
    }
    unsigned max = addr->family == Family::Inet ? 32 : 128;
    Cidr c;
    c.prefix_len = max;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        // Bounded by a generous limit first, so that huge numbers get the range message too.
        auto len = parse_bounded(digits, 1'000'000);
        if (!len) throw UsageError(fmt::format("invalid address '{}': {}", text, kCidrHint));
        if (*len > max) {
            throw UsageError(fmt::format("invalid address '{}': prefix length {} is out of range 0-{}",
                                         text, *len, max));
        }
        c.prefix_len = *len;
    }
    c.base = *addr;
    mask_host_bits(c.base, c.prefix_len);
    return c;
}

PortRange parse_port_range(std::string_view text) {
    auto dash = text.find('-');
    auto lo = parse_bounded(text.substr(0, dash), 65535);
    std::optional<unsigned> hi = lo;
    if (dash != std::string_view::npos) hi = parse_bounded(text.substr(dash + 1), 65535);
    if (!lo || !hi) throw UsageError(fmt::format("invalid port '{}': {}", text, kPortHint));
    if (*lo > *hi) {
        throw UsageError(fmt::format("invalid port range '{}': the start {} is greater than the end {}",
                                     text, *lo, *hi));
    }
    return PortRange{static_cast<std::uint16_t>(*lo), static_cast<std::uint16_t>(*hi)};
}

}  // namespace tcpstat
