// Owns the allocation-free, bounds-checked number scanning shared by the /proc parsers.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tcpstat::procfs {

namespace scan_detail {
inline constexpr std::array<std::int8_t, 256> kHex = [] {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<unsigned>(c)] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[static_cast<unsigned>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) t[static_cast<unsigned>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
    return t;
}();
}  // namespace scan_detail

// Hex digits only, 1..max_digits of them (the width bounds the value, so no overflow check is
// needed beyond it). Returns false on an empty, too long or non-hex token.
inline bool parse_hex(std::string_view s, std::size_t max_digits, std::uint64_t& out) {
    if (s.empty() || s.size() > max_digits) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        const int d = scan_detail::kHex[static_cast<unsigned char>(c)];
        if (d < 0) return false;
        v = (v << 4) | static_cast<unsigned>(d);
    }
    out = v;
    return true;
}

// Unsigned decimal digits only, rejecting values above `max`.
inline bool parse_dec(std::string_view s, std::uint64_t max, std::uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (max - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

// Parses "socket:[12345]" (a /proc/<pid>/fd link target); false for any other target.
inline bool parse_socket_link(std::string_view target, std::uint64_t& inode) {
    constexpr std::string_view prefix = "socket:[";
    if (target.size() < prefix.size() + 2 || target.substr(0, prefix.size()) != prefix ||
        target.back() != ']')
        return false;
    return parse_dec(target.substr(prefix.size(), target.size() - prefix.size() - 1), UINT64_MAX, inode);
}

}  // namespace tcpstat::procfs
