// Owns how one frame of `tcpstat top` is laid out on the screen: header, table, detail, help, prompt.
#include "tui/top_draw.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "render/cell.hpp"
#include "tcpstat/growth.hpp"
#include "tcpstat/output.hpp"

namespace tcpstat::tui {
namespace {

Paint paint_of(RowMark m) {
    switch (m) {
        case RowMark::New: return Paint::New;
        case RowMark::Changed: return Paint::Changed;
        case RowMark::Gone: return Paint::Gone;
        case RowMark::None: break;
    }
    return Paint::Plain;
}

// One line per row: a marker column, then each column padded to the widest visible cell.
void draw_table(Screen& screen, const TopTable& table, int top, int height) {
    const auto& cols = table.columns();
    const auto& rows = table.rows();
    // Keep the selection in view: scroll by whole pages so rows stay put while moving.
    const std::size_t per_page = static_cast<std::size_t>(std::max(1, height - 1));
    const std::size_t first = table.selected() / per_page * per_page;
    const std::size_t last = std::min(rows.size(), first + per_page);

    std::vector<std::vector<std::string>> texts;
    std::vector<std::size_t> width(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) width[c] = cols[c].header.size() + 1;
    for (std::size_t r = first; r < last; ++r) {
        std::vector<std::string> line;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            line.push_back(c < rows[r].cells.size() ? cell_text(rows[r].cells[c], cols[c].unit) : "-");
            width[c] = std::max(width[c], line.back().size());
        }
        texts.push_back(std::move(line));
    }
    auto layout = [&](const std::vector<std::string>& cells, char mark) {
        std::string out(1, mark);
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const bool right = cols[c].type == FieldType::Number;
            const std::string& t = cells[c];
            const std::string pad(width[c] - std::min(width[c], t.size()), ' ');
            out += "  ";
            if (right) out += pad;
            out += t;
            if (!right) out += pad;
        }
        return out;
    };
    std::vector<std::string> headers;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        std::string h = cols[c].header;
        if (c == table.sort_column()) {
            const bool descending = (cols[c].type == FieldType::Number) != table.reversed();
            h += descending ? "v" : "^";
        }
        headers.push_back(std::move(h));
    }
    screen.fill(top, 0, Paint::Header, true);
    screen.text(top, 0, layout(headers, ' '), Paint::Header, true);
    for (std::size_t r = first; r < last; ++r) {
        const int y = top + 1 + static_cast<int>(r - first);
        const bool selected = r == table.selected();
        const Paint p = paint_of(rows[r].mark);
        if (selected) screen.fill(y, 0, p, true);
        screen.text(y, 0, layout(texts[r - first], row_mark_symbol(rows[r].mark)), p, selected);
    }
    if (rows.empty()) screen.text(top + 1, 2, "(no sockets match)");
    if (rows.size() > per_page)
        screen.text(top + height, 0, fmt::format(" rows {}-{} of {}", first + 1, last, rows.size()));
}

}  // namespace

std::string cell_text(const Value& v, ColumnUnit unit) {
    if (std::holds_alternative<std::monostate>(v)) return "-";
    if (const auto* n = std::get_if<std::int64_t>(&v); n && unit != ColumnUnit::None)
        return unit == ColumnUnit::Seconds ? format_age(*n) : format_rate(*n);
    std::string out;
    {
        Output sink(&out);
        write_cell_text(value_cell(v), sink);
    }
    return out;
}

const std::vector<std::string>& top_help_lines() {
    static const std::vector<std::string> lines = {
        "tcpstat top: keys",
        "",
        "  Up/Down PgUp/PgDn Home/End   move the selection",
        "  Enter                        drill into the group / show the socket's details",
        "  Esc, Left, Backspace         back one level",
        "  g                            grouping: state x process, state, process, local port,",
        "                               peer, netns (with --netns/--all-netns), user",
        "  s  /  1-9                    sort by the next column / by column N",
        "  r                            reverse the sort",
        "  /                            filter bar: the command line's filters, e.g. -s close_wait --port 6800",
        "  p                            pause / resume refreshing",
        "  + -                          refresh interval longer / shorter",
        "  k                            close the selected sockets (tcpstat kill), after a confirmation",
        "  q, Ctrl-C                    quit",
        "",
        "Markers: + new  * changed  - gone (for one refresh; green, yellow, red in colour)",
        "Any key closes this help.",
    };
    return lines;
}

void draw_top(Screen& screen, const TopFrame& f) {
    screen.clear();
    if (screen.rows() < kMinRows || screen.cols() < kMinCols) {
        screen.text(0, 0, fmt::format("terminal too small: tcpstat top needs {}x{}, this is {}x{}", kMinCols, kMinRows,
                                      screen.cols(), screen.rows()),
                    Paint::Error);
        screen.show();
        return;
    }
    screen.text(0, 0, f.title, Paint::Header);
    screen.text(1, 0, f.totals);
    screen.text(2, 0, f.where);
    const int bottom = screen.rows() - 1;
    const int body_top = 3;
    if (f.help) {
        int y = body_top;
        for (const std::string& line : top_help_lines()) screen.text(y++, 0, line);
    } else if (f.table) {
        draw_table(screen, *f.table, body_top, bottom - body_top - 1);
    } else {
        int y = body_top;
        for (const std::string& line : f.detail) {
            if (y >= bottom - 1) break;
            screen.text(y++, 0, line);
        }
    }
    if (f.prompt_open) {
        if (!f.prompt_error.empty()) screen.text(bottom - 1, 0, f.prompt_error, Paint::Error);
        screen.fill(bottom, 0, Paint::Plain, true);
        screen.text(bottom, 0, fmt::format("{}_", f.prompt), Paint::Plain, true);
    } else {
        screen.text(bottom, 0, f.status, f.status_error ? Paint::Error : Paint::Plain);
    }
    screen.show();
}

}  // namespace tcpstat::tui
