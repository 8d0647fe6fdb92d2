// Owns the tests' own view of text, independent of the renderer's code: RFC 3629 validity and the inverse of the text escaping.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tcpstat::testing {

// RFC 3629, decoded by hand so a check never leans on tcpstat's own decoder: no overlong forms,
// no surrogates, nothing above U+10FFFF, no truncated sequence.
inline bool valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char b = p[i];
        const std::size_t len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3
                                : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80) return false;
        if ((b == 0xE0 && p[i + 1] < 0xA0) || (b == 0xED && p[i + 1] > 0x9F) || (b == 0xF0 && p[i + 1] < 0x90) ||
            (b == 0xF4 && p[i + 1] > 0x8F))
            return false;
        i += len;
    }
    return true;
}

// The inverse of the text formats' escaping (docs/formats.md): \\ \t \n \r \xNN \uNNNN.
// nullopt for any other backslash sequence, which the escaping never writes.
inline std::optional<std::string> unescape_text(std::string_view e) {
    auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    auto hex_run = [&](std::size_t at, std::size_t n) -> int {
        if (at + n > e.size()) return -1;
        int v = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const int d = hex(e[at + k]);
            if (d < 0) return -1;
            v = v * 16 + d;
        }
        return v;
    };
    std::string r;
    for (std::size_t i = 0; i < e.size(); ++i) {
        if (e[i] != '\\') {
            r += e[i];
            continue;
        }
        if (i + 1 >= e.size()) return std::nullopt;
        const char k = e[++i];
        if (k == '\\') r += '\\';
        else if (k == 't') r += '\t';
        else if (k == 'n') r += '\n';
        else if (k == 'r') r += '\r';
        else if (k == 'x') {
            const int v = hex_run(i + 1, 2);
            if (v < 0) return std::nullopt;
            r += static_cast<char>(v);
            i += 2;
        } else if (k == 'u') {  // a layout control: two UTF-8 bytes below U+0800, else three
            const int cp = hex_run(i + 1, 4);
            if (cp < 0) return std::nullopt;
            if (cp < 0x800) {
                r += static_cast<char>(0xC0 | cp >> 6);
            } else {
                r += static_cast<char>(0xE0 | cp >> 12);
                r += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            }
            r += static_cast<char>(0x80 | (cp & 0x3F));
            i += 4;
        } else {
            return std::nullopt;
        }
    }
    return r;
}

// The inverse of what a JSON string decodes to (docs/formats.md): "\\" is a backslash and
// "\xNN" the byte NN that was not UTF-8; everything else is itself. nullopt for any other
// backslash sequence, which the JSON writer never produces.
inline std::optional<std::string> unescape_json_decoded(std::string_view d) {
    auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    std::string r;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (d[i] != '\\') {
            r += d[i];
            continue;
        }
        if (i + 1 < d.size() && d[i + 1] == '\\') {
            r += '\\';
            ++i;
        } else if (i + 3 < d.size() && d[i + 1] == 'x' && hex(d[i + 2]) >= 0 && hex(d[i + 3]) >= 0) {
            r += static_cast<char>(hex(d[i + 2]) * 16 + hex(d[i + 3]));
            i += 3;
        } else {
            return std::nullopt;
        }
    }
    return r;
}

}  // namespace tcpstat::testing
