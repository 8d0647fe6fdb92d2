// Owns the dispatch from a requested format to its writer.
#include "tcpstat/render.hpp"

#include "tcpstat/error.hpp"
#include "writers.hpp"

namespace tcpstat {

void render_sockets(const Snapshot& snap, const RenderOptions& opt, Output& out) {
    if (opt.fields.empty()) {
        // Callers normally pass the fields; an empty list means "the defaults", not "nothing".
        RenderOptions with_defaults = opt;
        with_defaults.fields = default_fields(false, opt.format != Format::Table);
        render_sockets(snap, with_defaults, out);
        return;
    }
    switch (opt.format) {
    case Format::Table: {
        SocketGrid grid(snap, opt.fields, OwnerStyle::Capped);
        write_aligned(grid, opt, out);
        return;
    }
    case Format::Tsv:
    case Format::Csv: {
        SocketGrid grid(snap, opt.fields);
        write_delimited(grid, opt, out);
        return;
    }
    case Format::Json:
    case Format::Jsonl: write_json_sockets(snap, opt, out); return;
    case Format::Prometheus:
        throw UsageError("-f prometheus needs --group-by or the summary command");
    }
}

bool packs_rows(Format f) { return f != Format::Prometheus; }

void render_packed_sockets(const PackedSockets& rows, const Snapshot& context, const RenderOptions& opt, Output& out) {
    RenderOptions o = opt;
    if (o.fields.empty()) o.fields = default_fields(false, o.format != Format::Table);
    switch (o.format) {
    case Format::Table: {
        PackedGrid grid(rows, context, o.fields, OwnerStyle::Capped);
        write_aligned(grid, o, out);
        return;
    }
    case Format::Tsv:
    case Format::Csv: {
        PackedGrid grid(rows, context, o.fields);
        write_delimited(grid, o, out);
        return;
    }
    case Format::Json:
    case Format::Jsonl: write_json_packed(rows, context, o, out); return;
    case Format::Prometheus: throw UsageError("-f prometheus needs --group-by or the summary command");
    }
}

bool streams_rows(Format f) { return f == Format::Tsv || f == Format::Csv || f == Format::Jsonl; }

void SocketStream::write(const Snapshot& batch) {
    if (batch.sockets.empty()) return;
    RenderOptions o = opt_;
    o.header = opt_.header && !started_;
    started_ = true;
    render_sockets(batch, o, out_);
}

void SocketStream::finish() {
    if (!started_) render_sockets(Snapshot{}, opt_, out_);
    started_ = true;
}

void render_table(const Table& table, const RenderOptions& opt, Output& out) {
    switch (opt.format) {
    case Format::Table: {
        TableGrid grid(table, true);
        write_aligned(grid, opt, out);
        return;
    }
    case Format::Tsv:
    case Format::Csv: {
        TableGrid grid(table);
        write_delimited(grid, opt, out);
        return;
    }
    case Format::Json:
    case Format::Jsonl: write_json_table(table, opt, out); return;
    case Format::Prometheus: write_prometheus(table, out); return;
    }
}

}  // namespace tcpstat
