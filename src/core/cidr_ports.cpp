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

}  // namespace

bool Cidr::contains(const IpAddress& a) const {
    if (base.family == Family::Inet) {
        IpAddress v4 = a.unmapped();
        if (v4.family != Family::Inet) return false;
        return same_prefix(base.bytes.data(), v4.bytes.data(), prefix_len);
    }
    if (a.family != Family::Inet6) return false;
    return same_prefix(base.bytes.data(), a.bytes.data(), prefix_len);
}

Cidr parse_cidr(std::string_view text) {
    auto slash = text.find('/');
    auto addr = parse_address(text.substr(0, slash));
    if (!addr) throw UsageError(fmt::format("invalid address '{}': {}", text, kCidrHint));
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
