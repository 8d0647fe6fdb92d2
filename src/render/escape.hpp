// Owns the escaping of untrusted text (process names, user names) for every output format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tcpstat/output.hpp"

namespace tcpstat {

// Extra quoting layered on top of the terminal-safe text escaping.
enum class TextQuoting : std::uint8_t {
    None,        // table, tsv
    Csv,         // inside a quoted CSV field: '"' doubles
    Prometheus,  // inside a label value: '\' and '"' get a backslash
};

// Terminal-safe text: control bytes and bytes that are not valid UTF-8 become "\xNN",
// \t \n \r become "\t" "\n" "\r", a backslash becomes "\\"; valid UTF-8 passes through
// except C1 controls (U+0080..U+009F), whose two bytes are escaped, since some terminals
// act on them as escape-sequence introducers, and the layout controls (bidi embeddings,
// overrides, isolates and marks, U+2028/U+2029), which become "\u202e" and the like.
void write_escaped_text(std::string_view s, Output& out, TextQuoting q = TextQuoting::None);

// Terminal columns the escaped text occupies (wide East Asian characters count two,
// combining marks zero), for aligning table columns without building the string.
std::size_t escaped_text_width(std::string_view s);

// RFC 4180: a field needs quotes when it holds ',' or '"' or starts or ends with a space.
// (Escaping has already removed CR and LF, so they never force quoting.)
bool csv_needs_quotes(std::string_view s);

// An RFC 8259 JSON string with its quotes. Bytes that are not valid UTF-8 become the text
// "\xNN" (JSON "\\xNN") so the document is always valid UTF-8, and a backslash becomes the
// text "\\" (JSON "\\\\"), so the decoded string is unambiguous: replacing "\\" and "\xNN"
// in it gives back the bytes. C1 and layout controls are written as JSON's own \u escapes
// (lossless once parsed).
void write_json_string(std::string_view s, Output& out);

// Length (2..4) of the valid UTF-8 sequence starting at p[0], or 0 when p[0] does not start
// one (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t avail);

}  // namespace tcpstat
