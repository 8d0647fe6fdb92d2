// Owns the JSON document and JSON Lines forms of listings and result tables.
#include <string_view>

#include "cell.hpp"
#include "json_writer.hpp"
#include "writers.hpp"

namespace tcpstat {

namespace {

void write_cell(const Cell& c, JsonWriter& w) {
    switch (c.kind) {
    case Cell::Kind::Null: w.null(); return;
    case Cell::Kind::Text:
        if (c.plain) w.plain_string(c.text);
        else w.string(c.text);
        return;
    case Cell::Kind::Unsigned: w.number(c.u); return;
    case Cell::Kind::Signed: w.number(c.i); return;
    }
}

void write_owners(const Socket& s, const Snapshot& snap, JsonWriter& w) {
    if (s.owners.empty()) {
        w.null();
        return;
    }
    w.begin_array();
    for (const Owner& o : s.owners) {
        w.begin_object();
        w.key("pid").value(o.pid);
        w.key("fd").value(std::optional<std::int32_t>(o.fd));
        w.key("process");
        if (const Process* p = snap.process(o.pid)) w.string(p->name);
        else w.null();
        w.end_object();
    }
    w.end_array();
}

// A json document is an envelope holding one row per line; jsonl is the rows alone, one a line.
struct Envelope {
    bool lines;
    JsonWriter& w;
    bool any = false;

    void begin_row() {
        if (!lines) w.next_line();
        any = true;
    }
    void end_row() {
        if (lines) w.newline();
    }
    void close() {
        if (lines) return;
        if (any) w.newline();
        w.end_array().end_object().newline();
    }
};

}  // namespace

namespace {

// The rows of a listing, from Sockets or packed rows: `row_at(i)` gives row i, valid until the next call.
template <class RowAt>
void write_json_listing(const Snapshot& snap, std::size_t rows, RowAt&& row_at, const RenderOptions& opt, Output& out,
                        const JsonRowExtra& extra) {
    const bool lines = opt.format == Format::Jsonl;
    JsonWriter w(out);
    if (!lines) w.begin_object().key("source").string(snap.source).key("sockets").begin_array();
    Envelope env{lines, w};
    CellSource source(snap, OwnerStyle::First);
    for (std::size_t row = 0; row < rows; ++row) {
        const Socket& s = row_at(row);
        env.begin_row();
        w.begin_object();
        for (Field f : opt.fields) {
            w.key(field_info(f).name);
            if (f == Field::Owners) write_owners(s, snap, w);
            else write_cell(source.get(s, f), w);
        }
        if (extra) extra(row, w);
        w.end_object();
        env.end_row();
    }
    env.close();
}

}  // namespace

void write_json_sockets(const Snapshot& snap, const RenderOptions& opt, Output& out, const JsonRowExtra& extra) {
    write_json_listing(
        snap, snap.sockets.size(), [&](std::size_t i) -> const Socket& { return snap.sockets[i]; }, opt, out, extra);
}

void write_json_packed(const PackedSockets& rows, const Snapshot& context, const RenderOptions& opt, Output& out) {
    Socket s;
    write_json_listing(
        context, rows.size(),
        [&](std::size_t i) -> const Socket& {
            rows.decode(i, s);
            return s;
        },
        opt, out, {});
}

void write_json_table(const Table& table, const RenderOptions& opt, Output& out) {
    const bool lines = opt.format == Format::Jsonl;
    JsonWriter w(out);
    if (!lines) w.begin_object().key(table.name).begin_array();
    Envelope env{lines, w};
    for (const auto& row : table.rows) {
        env.begin_row();
        write_json_row(table.columns, row, w);
        env.end_row();
    }
    env.close();
}

void write_json_row(const std::vector<Column>& columns, const std::vector<Value>& row, JsonWriter& w) {
    w.begin_object();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        w.key(columns[c].name);
        write_cell(c < row.size() ? value_cell(row[c]) : Cell::null(), w);
    }
    w.end_object();
}

void write_json_rows(const Table& table, JsonWriter& w) {
    w.begin_array();
    for (const auto& row : table.rows) write_json_row(table.columns, row, w);
    w.end_array();
}

}  // namespace tcpstat
