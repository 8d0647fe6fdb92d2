// Owns the libFuzzer target for the renderers' escaping of untrusted text (text, CSV, Prometheus, JSON, messages).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.hpp"
#include "render/escape.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"

using namespace tcpstat;

namespace {

std::string escaped(std::string_view s, TextQuoting q) {
    std::string sink;
    {
        Output out(&sink);
        write_escaped_text(s, out, q);
        out.flush();
    }
    return sink;
}

// Bidi embeddings, overrides, isolates and marks, and the line/paragraph separators: valid
// UTF-8 that reorders or splits a line, so it never appears raw in any escaped output.
bool has_raw_layout_control(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        if (p[i] == 0xD8 && p[i + 1] == 0x9C) return true;  // U+061C
        if (i + 2 >= s.size() || p[i] != 0xE2) continue;
        const unsigned cp = (p[i + 1] & 0x3Fu) << 6 | (p[i + 2] & 0x3Fu) | 0x2000u;
        if (p[i + 1] == 0x80 || p[i + 1] == 0x81)
            if (cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
                return true;
    }
    return false;
}

bool valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i < s.size();) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(p + i, s.size() - i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The inverse of the text escaping; any other backslash sequence violates the property.
std::string unescape(std::string_view e) {
    std::string r;
    for (std::size_t i = 0; i < e.size(); ++i) {
        if (e[i] != '\\') {
            r += e[i];
            continue;
        }
        FUZZ_CHECK(i + 1 < e.size());
        const char k = e[++i];
        if (k == '\\') r += '\\';
        else if (k == 't') r += '\t';
        else if (k == 'n') r += '\n';
        else if (k == 'r') r += '\r';
        else if (k == 'u') {  // a layout control (bidi, U+2028/9): back to its UTF-8 bytes
            FUZZ_CHECK(i + 4 < e.size() && hex(e[i + 1]) >= 0 && hex(e[i + 2]) >= 0 && hex(e[i + 3]) >= 0 &&
                       hex(e[i + 4]) >= 0);
            const unsigned cp = static_cast<unsigned>(hex(e[i + 1]) << 12 | hex(e[i + 2]) << 8 |
                                                      hex(e[i + 3]) << 4 | hex(e[i + 4]));
            if (cp < 0x800) {
                r += static_cast<char>(0xC0 | cp >> 6);
            } else {
                r += static_cast<char>(0xE0 | cp >> 12);
                r += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            }
            r += static_cast<char>(0x80 | (cp & 0x3F));
            i += 4;
        } else {
            FUZZ_CHECK(k == 'x' && i + 2 < e.size() && hex(e[i + 1]) >= 0 && hex(e[i + 2]) >= 0);
            r += static_cast<char>(hex(e[i + 1]) * 16 + hex(e[i + 2]));
            i += 2;
        }
    }
    return r;
}

// Removes one quoting layer: CSV doubles '"'; Prometheus puts '\' before '\' and '"'.
std::string unquote(std::string_view e, TextQuoting q) {
    std::string r;
    for (std::size_t i = 0; i < e.size(); ++i) {
        if (q == TextQuoting::Csv && e[i] == '"') {
            FUZZ_CHECK(i + 1 < e.size() && e[i + 1] == '"');
            ++i;
        } else if (q == TextQuoting::Prometheus && e[i] == '\\') {
            FUZZ_CHECK(i + 1 < e.size());
            if (e[i + 1] == '"' || e[i + 1] == '\\') ++i;
        } else if (q == TextQuoting::Prometheus) {
            FUZZ_CHECK(e[i] != '"');
        }
        r += e[i];
    }
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view s(reinterpret_cast<const char*>(data), size);

    const std::string text = escaped(s, TextQuoting::None);
    // One socket is one line and nothing reaches the terminal as a control sequence.
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        FUZZ_CHECK(c >= 0x20 && c != 0x7f);
        FUZZ_CHECK(!(c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0));
    }
    FUZZ_CHECK(valid_utf8(text));
    FUZZ_CHECK(!has_raw_layout_control(text));
    FUZZ_CHECK(unescape(text) == s);  // lossless
    const std::size_t width = escaped_text_width(s);
    FUZZ_CHECK(width <= text.size() * 2);
    bool ascii = true;
    for (unsigned char c : text) ascii = ascii && c < 0x80;
    if (ascii) FUZZ_CHECK(width == text.size());

    // Warnings and errors quote paths and input: the same escaping, so the same guarantees.
    FUZZ_CHECK(diagnostic_line("tcpstat: warning: ", s) == "tcpstat: warning: " + text + "\n");

    FUZZ_CHECK(unquote(escaped(s, TextQuoting::Csv), TextQuoting::Csv) == text);
    FUZZ_CHECK(unquote(escaped(s, TextQuoting::Prometheus), TextQuoting::Prometheus) == text);
    if (csv_needs_quotes(text)) {
        FUZZ_CHECK(text.find_first_of(",\"") != std::string::npos || text.front() == ' ' || text.back() == ' ');
    }

    std::string json;
    {
        Output out(&json);
        write_json_string(s, out);
        out.flush();
    }
    FUZZ_CHECK(valid_utf8(json));
    FUZZ_CHECK(!has_raw_layout_control(json));
    for (unsigned char c : json) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(doc.is_string());
    if (valid_utf8(s)) FUZZ_CHECK(doc.get<std::string>() == s);  // RFC 8259 round trip
    return 0;
}
