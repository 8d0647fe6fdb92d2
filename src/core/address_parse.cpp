// Owns the parsing of numeric IPv4 and IPv6 address text, bounds-checked and allocation-free.
#include <array>

#include "tcpstat/endpoint.hpp"

namespace tcpstat {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Exactly four decimal parts 0..255. Leading zeros are refused because some tools read them
// as octal ("010" = 8), so accepting them would silently mean something else than intended.
bool parse_v4(std::string_view s, std::uint8_t* out) {
    int part = 0;
    std::size_t i = 0;
    while (true) {
        if (part == 4) return false;
        std::size_t start = i;
        unsigned v = 0;
        while (i < s.size() && is_digit(s[i])) {
            if (i - start == 3) return false;
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
            ++i;
        }
        std::size_t len = i - start;
        if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
        out[part++] = static_cast<std::uint8_t>(v);
        if (i == s.size()) break;
        if (s[i] != '.') return false;
        ++i;
    }
    return part == 4;
}

// Colon-separated groups of one side of "::". The last group of the whole address may be a
// dotted IPv4 address, which fills two groups.
bool parse_groups(std::string_view s, bool may_end_in_v4, std::array<std::uint16_t, 8>& words,
                  int& count) {
    count = 0;
    if (s.empty()) return true;
    while (true) {
        auto colon = s.find(':');
        auto part = s.substr(0, colon);
        bool last = colon == std::string_view::npos;
        if (last && may_end_in_v4 && part.find('.') != std::string_view::npos) {
            std::uint8_t four[4];
            if (count > 6 || !parse_v4(part, four)) return false;
            words[count++] = static_cast<std::uint16_t>((four[0] << 8) | four[1]);
            words[count++] = static_cast<std::uint16_t>((four[2] << 8) | four[3]);
            return true;
        }
        if (part.empty() || part.size() > 4 || count == 8) return false;
        unsigned v = 0;
        for (char c : part) {
            int h = hex_value(c);
            if (h < 0) return false;
            v = (v << 4) | static_cast<unsigned>(h);
        }
        words[count++] = static_cast<std::uint16_t>(v);
        if (last) return true;
        s.remove_prefix(colon + 1);
    }
}

std::optional<IpAddress> parse_v6(std::string_view s) {
    std::array<std::uint16_t, 8> head{}, tail{};
    int nhead = 0, ntail = 0;
    auto gap = s.find("::");
    if (gap == std::string_view::npos) {
        if (!parse_groups(s, true, head, nhead) || nhead != 8) return std::nullopt;
    } else {
        auto after = s.substr(gap + 2);
        if (after.find("::") != std::string_view::npos) return std::nullopt;
        if (!parse_groups(s.substr(0, gap), false, head, nhead)) return std::nullopt;
        if (!parse_groups(after, true, tail, ntail)) return std::nullopt;
        // "::" stands for at least one zero group.
        if (nhead + ntail > 7) return std::nullopt;
    }
    std::array<std::uint16_t, 8> words{};
    for (int i = 0; i < nhead; ++i) words[i] = head[i];
    for (int i = 0; i < ntail; ++i) words[8 - ntail + i] = tail[i];
    IpAddress a;
    a.family = Family::Inet6;
    for (int i = 0; i < 8; ++i) {
        a.bytes[2 * i] = static_cast<std::uint8_t>(words[i] >> 8);
        a.bytes[2 * i + 1] = static_cast<std::uint8_t>(words[i] & 0xFF);
    }
    return a;
}

}  // namespace

std::optional<IpAddress> parse_address(std::string_view text) {
    if (text.empty() || text.size() > kMaxAddressText) return std::nullopt;
    if (text.find(':') != std::string_view::npos) return parse_v6(text);
    std::uint8_t four[4];
    if (!parse_v4(text, four)) return std::nullopt;
    return IpAddress::from_v4_bytes(four);
}

}  // namespace tcpstat
