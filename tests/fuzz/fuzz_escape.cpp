// Owns the libFuzzer target for the renderers' escaping of untrusted text (text, CSV, Prometheus, JSON, messages).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/text_oracle.hpp"
#include "fuzz/fuzz_check.hpp"
#include "render/escape.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"

using namespace tcpstat;
using tcpstat::testing::unescape_text;
using tcpstat::testing::valid_utf8;

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
    FUZZ_CHECK(unescape_text(text) == s);  // lossless
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
    FUZZ_CHECK(tcpstat::testing::unescape_json_decoded(doc.get<std::string>()) == s);  // lossless, unambiguous
    if (valid_utf8(s) && s.find('\\') == std::string_view::npos) FUZZ_CHECK(doc.get<std::string>() == s);
    return 0;
}
