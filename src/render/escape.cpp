// Owns the byte-level escaping rules of the text, CSV, Prometheus and JSON formats.
#include "escape.hpp"

#include <array>
#include <string>

#include "tcpstat/render.hpp"

namespace tcpstat {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes that every format copies unchanged, so runs of them go out in one write.
constexpr std::array<bool, 256> make_plain_table() {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x7F; ++c) t[static_cast<std::size_t>(c)] = true;
    t['\\'] = false;
    t['"'] = false;  // plain for text, but CSV/Prometheus/JSON treat it; one table keeps the loop simple
    return t;
}
constexpr std::array<bool, 256> kPlain = make_plain_table();

bool is_c1_sequence(const unsigned char* p, std::size_t len) {
    return len == 2 && p[0] == 0xC2 && p[1] < 0xA0;
}

std::uint32_t decode(const unsigned char* p, std::size_t len) {
    switch (len) {
    case 2: return (std::uint32_t{p[0]} & 0x1F) << 6 | (p[1] & 0x3F);
    case 3: return (std::uint32_t{p[0]} & 0x0F) << 12 | (std::uint32_t{p[1]} & 0x3F) << 6 | (p[2] & 0x3F);
    default:
        return (std::uint32_t{p[0]} & 0x07) << 18 | (std::uint32_t{p[1]} & 0x3F) << 12 |
               (std::uint32_t{p[2]} & 0x3F) << 6 | (p[3] & 0x3F);
    }
}

struct Range {
    std::uint32_t lo, hi;
};

// East Asian Wide/Fullwidth blocks and emoji: two terminal columns.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
    {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};
// Combining marks and zero-width characters (joiners, word joiner, BOM): no column of their own.
constexpr Range kZero[] = {
    {0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200D},
    {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF},
};

// Valid UTF-8 that still rearranges or splits what a reader sees: bidi embeddings, overrides and
// isolates (a name with U+202E shows its tail reversed, "evil\u202etxt.exe" as "evilexe.txt"),
// the implicit direction marks, and the Unicode line and paragraph separators (one row would
// become several lines for consumers that split lines the Unicode way).
bool is_layout_control(std::uint32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

// "\u202e": the code point, spelled so the text stays lossless (see the header).
constexpr std::size_t kLayoutEscapeWidth = 6;
void format_layout_escape(std::uint32_t cp, char (&esc)[6]) {
    esc[0] = '\\';
    esc[1] = 'u';
    for (int k = 0; k < 4; ++k) esc[2 + k] = kHex[(cp >> (12 - 4 * k)) & 0xF];
}

std::size_t codepoint_width(std::uint32_t cp) {
    for (const auto& r : kZero)
        if (cp >= r.lo && cp <= r.hi) return 0;
    for (const auto& r : kWide)
        if (cp >= r.lo && cp <= r.hi) return 2;
    return 1;
}

// Writes one already-escaped piece, adding the quoting layer's own escapes.
void emit(std::string_view piece, Output& out, TextQuoting q) {
    if (q == TextQuoting::None) {
        out.write(piece);
        return;
    }
    for (char c : piece) {
        if (c == '"') {
            out.write(q == TextQuoting::Csv ? std::string_view("\"\"") : std::string_view("\\\""));
        } else if (c == '\\' && q == TextQuoting::Prometheus) {
            out.write("\\\\");
        } else {
            out.put(c);
        }
    }
}

void emit_hex_byte(unsigned char b, Output& out, TextQuoting q) {
    const char esc[4] = {'\\', 'x', kHex[b >> 4], kHex[b & 0xF]};
    emit(std::string_view(esc, 4), out, q);
}

}  // namespace

std::size_t utf8_sequence_length(const unsigned char* p, std::size_t avail) {
    const unsigned char b = p[0];
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0) lo = 0xA0;       // overlong
        else if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0) lo = 0x90;       // overlong
        else if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (avail < len) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (std::size_t i = 2; i < len; ++i)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return len;
}

void write_escaped_text(std::string_view s, Output& out, TextQuoting q) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        std::size_t run = i;
        while (run < n && kPlain[p[run]]) ++run;
        if (run > i) {
            out.write(s.substr(i, run - i));
            i = run;
            if (i == n) break;
        }
        const unsigned char b = p[i];
        switch (b) {
        case '"': emit("\"", out, q); ++i; continue;
        case '\\': emit("\\\\", out, q); ++i; continue;
        case '\t': emit("\\t", out, q); ++i; continue;
        case '\n': emit("\\n", out, q); ++i; continue;
        case '\r': emit("\\r", out, q); ++i; continue;
        default: break;
        }
        if (b < 0x80) {  // the remaining controls and DEL
            emit_hex_byte(b, out, q);
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(p + i, n - i);
        if (len == 0) {
            emit_hex_byte(b, out, q);
            ++i;
        } else if (is_c1_sequence(p + i, len)) {
            emit_hex_byte(p[i], out, q);
            emit_hex_byte(p[i + 1], out, q);
            i += 2;
        } else if (const std::uint32_t cp = decode(p + i, len); is_layout_control(cp)) {
            char esc[6];
            format_layout_escape(cp, esc);
            emit(std::string_view(esc, 6), out, q);
            i += len;
        } else {
            out.write(s.substr(i, len));
            i += len;
        }
    }
}

std::size_t escaped_text_width(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t width = 0;
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = p[i];
        if (kPlain[b] || b == '"') {
            ++width;
            ++i;
        } else if (b == '\\' || b == '\t' || b == '\n' || b == '\r') {
            width += 2;
            ++i;
        } else if (b < 0x80) {
            width += 4;
            ++i;
        } else {
            const std::size_t len = utf8_sequence_length(p + i, n - i);
            if (len == 0) {
                width += 4;
                ++i;
            } else if (is_c1_sequence(p + i, len)) {
                width += 8;
                i += 2;
            } else {
                const std::uint32_t cp = decode(p + i, len);
                width += is_layout_control(cp) ? kLayoutEscapeWidth : codepoint_width(cp);
                i += len;
            }
        }
    }
    return width;
}

bool csv_needs_quotes(std::string_view s) {
    if (s.empty()) return false;
    if (s.front() == ' ' || s.back() == ' ') return true;
    // A plain loop: string_view::find_first_of calls memchr once per byte of s.
    for (char c : s)
        if (c == ',' || c == '"') return true;
    return false;
}

void write_json_string(std::string_view s, Output& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    out.put('"');
    std::size_t i = 0;
    while (i < n) {
        std::size_t run = i;
        while (run < n && kPlain[p[run]]) ++run;
        if (run > i) {
            out.write(s.substr(i, run - i));
            i = run;
            if (i == n) break;
        }
        const unsigned char b = p[i];
        switch (b) {
        case '"': out.write("\\\""); ++i; continue;
        // A backslash decodes as two, so that after decoding "\xNN" always means the byte NN
        // that is not UTF-8 and "\\" a backslash: raw 0xFF and a name spelled `\xff` differ.
        case '\\': out.write("\\\\\\\\"); ++i; continue;
        case '\n': out.write("\\n"); ++i; continue;
        case '\t': out.write("\\t"); ++i; continue;
        case '\r': out.write("\\r"); ++i; continue;
        case '\b': out.write("\\b"); ++i; continue;
        case '\f': out.write("\\f"); ++i; continue;
        default: break;
        }
        if (b < 0x80) {
            const char esc[6] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 0xF]};
            out.write(std::string_view(esc, 6));
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(p + i, n - i);
        if (len == 0) {
            const char esc[5] = {'\\', '\\', 'x', kHex[b >> 4], kHex[b & 0xF]};
            out.write(std::string_view(esc, 5));
            ++i;
        } else if (is_c1_sequence(p + i, len)) {
            // Lossless: the same code point, spelled so no raw C1 byte reaches a terminal.
            const unsigned char cp = p[i + 1];
            const char esc[6] = {'\\', 'u', '0', '0', kHex[cp >> 4], kHex[cp & 0xF]};
            out.write(std::string_view(esc, 6));
            i += 2;
        } else if (const std::uint32_t cp = decode(p + i, len); is_layout_control(cp)) {
            // JSON's own \uXXXX: the same string once parsed, no raw override in the document.
            char esc[6];
            format_layout_escape(cp, esc);
            out.write(std::string_view(esc, 6));
            i += len;
        } else {
            out.write(s.substr(i, len));
            i += len;
        }
    }
    out.put('"');
}

std::string escaped_text(std::string_view s) {
    std::string text;
    {
        Output sink(&text);
        write_escaped_text(s, sink);
    }
    return text;
}

}  // namespace tcpstat
