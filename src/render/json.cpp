// Owns the JSON document and JSON Lines forms of listings and result tables.
#include <string_view>

#include <fmt/format.h>

#include "cell.hpp"
#include "escape.hpp"
#include "writers.hpp"

namespace tcpstat {

namespace {

void write_json_value(const Cell& c, Output& out) {
    switch (c.kind) {
    case Cell::Kind::Null: out.write("null"); return;
    case Cell::Kind::Text:
        if (c.plain) {
            out.put('"');
            out.write(c.text);
            out.put('"');
        } else {
            write_json_string(c.text, out);
        }
        return;
    case Cell::Kind::Unsigned:
    case Cell::Kind::Signed: write_number(c, out); return;
    }
}

// Machine names are fixed ASCII identifiers, but a Table's names come from its producer.
void write_key(std::string_view name, Output& out) {
    write_json_string(name, out);
    out.put(':');
}

void write_int(std::int64_t v, Output& out) {
    fmt::format_int f(v);
    out.write(std::string_view(f.data(), f.size()));
}

void write_owners(const Socket& s, const Snapshot& snap, Output& out) {
    if (s.owners.empty()) {
        out.write("null");
        return;
    }
    out.put('[');
    bool first = true;
    for (const Owner& o : s.owners) {
        if (!first) out.put(',');
        first = false;
        out.write("{\"pid\":");
        write_int(o.pid, out);
        out.write(",\"fd\":");
        if (o.fd)
            write_int(*o.fd, out);
        else
            out.write("null");
        out.write(",\"process\":");
        const Process* p = snap.process(o.pid);
        if (p)
            write_json_string(p->name, out);
        else
            out.write("null");
        out.put('}');
    }
    out.put(']');
}

// Opens the envelope of a json document, or nothing for jsonl; returns the row separator.
struct Envelope {
    bool lines;
    Output& out;
    bool any = false;

    void begin_row() {
        if (!lines) out.write(any ? ",\n" : "\n");
        any = true;
    }
    void end_row() {
        if (lines) out.put('\n');
    }
    void close() {
        if (lines) return;
        out.write(any ? "\n]}\n" : "]}\n");
    }
};

}  // namespace

void write_json_sockets(const Snapshot& snap, const RenderOptions& opt, Output& out, const JsonRowExtra& extra) {
    const bool lines = opt.format == Format::Jsonl;
    if (!lines) {
        out.write("{\"source\":");
        write_json_string(snap.source, out);
        out.write(",\"sockets\":[");
    }
    Envelope env{lines, out};
    CellSource source(snap, OwnerStyle::First);
    for (std::size_t row = 0; row < snap.sockets.size(); ++row) {
        const Socket& s = snap.sockets[row];
        env.begin_row();
        out.put('{');
        bool first = true;
        for (Field f : opt.fields) {
            if (!first) out.put(',');
            first = false;
            write_key(field_info(f).name, out);
            if (f == Field::Owners)
                write_owners(s, snap, out);
            else
                write_json_value(source.get(s, f), out);
        }
        if (extra) extra(row, out);
        out.put('}');
        env.end_row();
    }
    env.close();
}

void write_json_table(const Table& table, const RenderOptions& opt, Output& out) {
    const bool lines = opt.format == Format::Jsonl;
    if (!lines) {
        out.put('{');
        write_key(table.name, out);
        out.put('[');
    }
    Envelope env{lines, out};
    for (const auto& row : table.rows) {
        env.begin_row();
        write_json_row(table.columns, row, out);
        env.end_row();
    }
    env.close();
}

void write_json_row(const std::vector<Column>& columns, const std::vector<Value>& row, Output& out) {
    out.put('{');
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (c > 0) out.put(',');
        write_key(columns[c].name, out);
        write_json_value(c < row.size() ? value_cell(row[c]) : Cell::null(), out);
    }
    out.put('}');
}

void write_json_rows(const Table& table, Output& out) {
    out.put('[');
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (r > 0) out.put(',');
        write_json_row(table.columns, table.rows[r], out);
    }
    out.put(']');
}

}  // namespace tcpstat
