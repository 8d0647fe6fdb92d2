// Owns the internal interface between the render dispatcher and the per-format writers.
#pragma once

#include <cstddef>
#include <functional>

#include "grid.hpp"
#include "json_writer.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {

// Aligned human table (two passes: widths, then rows).
void write_aligned(Grid& grid, const RenderOptions& opt, Output& out);
// tsv or csv, chosen by opt.format.
void write_delimited(Grid& grid, const RenderOptions& opt, Output& out);
// json or jsonl, chosen by opt.format.
// `extra`, when set, writes more members of row i's object (each starting with ','), such as kill's result.
using JsonRowExtra = std::function<void(std::size_t row, JsonWriter& w)>;
void write_json_sockets(const Snapshot& snap, const RenderOptions& opt, Output& out, const JsonRowExtra& extra = {});
void write_json_packed(const PackedSockets& rows, const Snapshot& context, const RenderOptions& opt, Output& out);
void write_json_table(const Table& table, const RenderOptions& opt, Output& out);
// One table row as a JSON object, and a table's rows as a JSON array (no envelope).
void write_json_row(const std::vector<Column>& columns, const std::vector<Value>& row, JsonWriter& w);
void write_json_rows(const Table& table, JsonWriter& w);
void write_prometheus(const Table& table, Output& out);

}  // namespace tcpstat
