// Owns the delimited formats: tsv (tab, LF) and csv (RFC 4180: comma, quotes, CRLF).
#include <string_view>

#include "cell.hpp"
#include "escape.hpp"
#include "writers.hpp"

namespace tcpstat {

namespace {

void write_csv_text(std::string_view s, Output& out) {
    if (!csv_needs_quotes(s)) {
        write_escaped_text(s, out);
        return;
    }
    out.put('"');
    write_escaped_text(s, out, TextQuoting::Csv);
    out.put('"');
}

}  // namespace

void write_delimited(Grid& grid, const RenderOptions& opt, Output& out) {
    const bool csv = opt.format == Format::Csv;
    const char sep = csv ? ',' : '\t';
    const std::string_view eol = csv ? std::string_view("\r\n") : std::string_view("\n");
    const auto& cols = grid.columns();
    const std::size_t ncols = cols.size();
    if (ncols == 0) return;

    auto write_text = [&](std::string_view s) {
        if (csv)
            write_csv_text(s, out);
        else
            write_escaped_text(s, out);
    };

    if (opt.header) {
        for (std::size_t c = 0; c < ncols; ++c) {
            if (c > 0) out.put(sep);
            write_text(cols[c].name);
        }
        out.write(eol);
    }
    const std::size_t nrows = grid.row_count();
    for (std::size_t r = 0; r < nrows; ++r) {
        for (std::size_t c = 0; c < ncols; ++c) {
            if (c > 0) out.put(sep);
            const Cell cell = grid.cell(r, c);
            if (cell.is_null()) continue;
            if (cell.is_number())
                write_number(cell, out);
            else if (cell.plain)
                out.write(cell.text);
            else
                write_text(cell.text);
        }
        out.write(eol);
    }
}

}  // namespace tcpstat
