// Owns the aligned human table: column widths by visible text, optional colour by state.
#include <algorithm>
#include <string_view>
#include <vector>

#include "cell.hpp"
#include "escape.hpp"
#include "writers.hpp"

namespace tcpstat {

namespace {

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kSeparator = "  ";

// SGR colour for a state name; empty for states shown plain.
std::string_view state_color(std::string_view state) {
    if (state == "LISTEN") return "\x1b[32m";
    if (state == "CLOSE_WAIT") return "\x1b[1;31m";
    if (state == "TIME_WAIT") return "\x1b[33m";
    if (state.starts_with("SYN_") || state == "NEW_SYN_RECV") return "\x1b[36m";
    if (state.starts_with("FIN_WAIT") || state == "LAST_ACK" || state == "CLOSING") return "\x1b[35m";
    return {};
}

void pad(Output& out, std::size_t n) {
    static constexpr std::string_view kSpaces = "                                                                ";
    while (n > 0) {
        const std::size_t k = std::min(n, kSpaces.size());
        out.write(kSpaces.substr(0, k));
        n -= k;
    }
}

constexpr std::string_view kMissing = "-";
// A process (or user) literally named "-" would read as "no value": its one byte is written as
// the escape the other control-free escapes use, so "-" always means missing (docs/formats.md).
constexpr std::string_view kLiteralDash = "\\x2d";

bool is_literal_dash(const Cell& c) { return c.kind == Cell::Kind::Text && !c.plain && c.text == kMissing; }

}  // namespace

void write_aligned(Grid& grid, const RenderOptions& opt, Output& out) {
    const auto& cols = grid.columns();
    const std::size_t ncols = cols.size();
    const std::size_t nrows = grid.row_count();
    if (ncols == 0) return;

    std::vector<std::size_t> widths(ncols, 0);
    if (opt.header) {
        for (std::size_t c = 0; c < ncols; ++c) widths[c] = escaped_text_width(cols[c].header);
    }
    for (std::size_t r = 0; r < nrows; ++r) {
        for (std::size_t c = 0; c < ncols; ++c) {
            const Cell cell = grid.cell(r, c);
            const std::size_t w = cell.is_null()          ? kMissing.size()
                                  : is_literal_dash(cell) ? kLiteralDash.size()
                                                          : cell_width(cell);
            widths[c] = std::max(widths[c], w);
        }
    }

    auto write_cell = [&](std::size_t c, std::size_t width, auto&& body, std::string_view color) {
        if (c > 0) out.write(kSeparator);
        const bool last = c + 1 == ncols;
        const std::size_t fill = widths[c] - width;
        if (cols[c].right_align) pad(out, fill);
        if (!color.empty()) out.write(color);
        body();
        if (!color.empty()) out.write(kReset);
        if (!cols[c].right_align && !last) pad(out, fill);
    };

    if (opt.header) {
        if (opt.color) out.write(kBold);
        for (std::size_t c = 0; c < ncols; ++c) {
            const std::string_view h = cols[c].header;
            write_cell(c, escaped_text_width(h), [&] { write_escaped_text(h, out); }, {});
        }
        if (opt.color) out.write(kReset);
        out.put('\n');
    }
    for (std::size_t r = 0; r < nrows; ++r) {
        for (std::size_t c = 0; c < ncols; ++c) {
            const Cell cell = grid.cell(r, c);
            if (cell.is_null()) {
                write_cell(c, kMissing.size(), [&] { out.write(kMissing); }, {});
                continue;
            }
            if (is_literal_dash(cell)) {
                write_cell(c, kLiteralDash.size(), [&] { out.write(kLiteralDash); }, {});
                continue;
            }
            std::string_view color;
            if (opt.color && cols[c].is_state && cell.kind == Cell::Kind::Text) color = state_color(cell.text);
            write_cell(c, cell_width(cell), [&] { write_cell_text(cell, out); }, color);
        }
        out.put('\n');
    }
}

}  // namespace tcpstat
