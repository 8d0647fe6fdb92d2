// Owns the streaming forms of `tcpstat trace`: transitions row by row in every listing format, then the summary.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "cell.hpp"
#include "json_writer.hpp"
#include "tcpstat/trace_render.hpp"
#include "writers.hpp"

namespace tcpstat {
namespace {

// Rows are printed as they happen, so the table cannot measure them first: each column gets a
// width that fits its usual values, and a longer value pushes only its own row.
std::size_t table_width(const Column& c) {
    if (c.name == "time") return 27;
    if (c.name == "from" || c.name == "to") return 11;
    if (c.name == "local" || c.name == "remote") return 21;
    if (c.name == "process") return 15;
    if (c.name == "close") return 7;
    if (c.name == "cookie") return 8;
    return std::max<std::size_t>(c.header.size(), 6);
}

void write_fixed(const std::vector<Column>& cols, const std::vector<Value>& row, Output& out) {
    std::string line;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        const Cell cell = c < row.size() ? value_cell(row[c]) : Cell::null();
        std::string text;
        {
            Output cell_out(&text);
            if (cell.is_null())
                cell_out.write("-");
            else
                write_cell_text(cell, cell_out);
        }
        const std::size_t width = cell.is_null() ? 1 : cell_width(cell);
        const std::size_t fill = table_width(cols[c]) > width ? table_width(cols[c]) - width : 0;
        const bool right = cols[c].type == FieldType::Number;
        if (c > 0) out.write("  ");
        if (right) out.write(std::string(fill, ' '));
        out.write(text);
        if (!right && c + 1 < cols.size()) out.write(std::string(fill, ' '));
    }
    out.put('\n');
}

Table one_row(const std::vector<Column>& cols, std::vector<Value> row) {
    Table t;
    t.name = "transitions";
    t.columns = cols;
    t.rows.push_back(std::move(row));
    return t;
}

}  // namespace

TraceWriter::~TraceWriter() = default;

TraceWriter::TraceWriter(const RenderOptions& opt, Output& out, Output& people)
    : opt_(opt), out_(out), people_(people), columns_(transition_columns()) {
    if (opt_.format == Format::Json || opt_.format == Format::Jsonl) json_ = std::make_unique<JsonWriter>(out_);
    if (opt_.format == Format::Table) {
        // Cookie and namespace are for programs that join with listings; people read the rest.
        std::erase_if(columns_, [](const Column& c) { return c.name == "cookie" || c.name == "netns"; });
    }
}

void TraceWriter::transition(const Transition& t) {
    std::vector<Value> row = transition_row(t);
    if (opt_.format == Format::Table) {
        const auto all = transition_columns();
        std::vector<Value> shown;
        for (std::size_t i = 0; i < all.size(); ++i)
            if (std::any_of(columns_.begin(), columns_.end(), [&](const Column& c) { return c.name == all[i].name; }))
                shown.push_back(row[i]);
        row = std::move(shown);
    }
    const bool first = !started_;
    started_ = true;
    switch (opt_.format) {
        case Format::Table: {
            if (first && opt_.header) {
                std::vector<Value> header;
                for (const Column& c : columns_) header.emplace_back(c.header);
                auto text_cols = columns_;
                for (Column& c : text_cols) c.type = FieldType::Text;
                write_fixed(text_cols, header, out_);
            }
            write_fixed(columns_, row, out_);
            break;
        }
        case Format::Tsv:
        case Format::Csv: {
            RenderOptions o = opt_;
            o.header = opt_.header && first;
            render_table(one_row(columns_, std::move(row)), o, out_);
            break;
        }
        case Format::Jsonl:
            write_json_row(columns_, row, *json_);
            json_->newline();
            break;
        case Format::Json:
            if (first) json_->begin_object().key("transitions").begin_array();
            json_->next_line();
            write_json_row(columns_, row, *json_);
            break;
        case Format::Prometheus: break;  // refused by the app
    }
    out_.flush();  // live: each transition reaches the reader as it happens
}

void TraceWriter::summary_json(const TraceSummary& summary, const TraceTotals& totals) {
    JsonWriter& w = *json_;
    w.begin_object();
    w.key("transitions").number(totals.transitions);
    w.key("lost").number(totals.lost);
    w.key("untracked").number(totals.untracked);
    w.key("pairs");
    write_json_rows(summary.pairs(), w);
    w.key("processes");
    write_json_rows(summary.processes(), w);
    w.end_object();
}

void TraceWriter::finish(const TraceSummary& summary, const TraceTotals& totals) {
    const std::string counts = fmt::format("{} transitions, {} lost, {} untracked", totals.transitions, totals.lost,
                                           totals.untracked);
    switch (opt_.format) {
        case Format::Json:
            if (started_) json_->newline();
            else json_->begin_object().key("transitions").begin_array();
            json_->end_array().key("summary");
            summary_json(summary, totals);
            json_->end_object().newline();
            break;
        case Format::Jsonl:
            json_->begin_object().key("summary");
            summary_json(summary, totals);
            json_->end_object().newline();
            break;
        case Format::Table:
        case Format::Tsv:
        case Format::Csv: {
            Output& where = opt_.format == Format::Table ? out_ : people_;
            RenderOptions o = opt_;
            o.format = Format::Table;
            o.header = true;
            where.write(fmt::format("\n{}\n", counts));
            if (totals.transitions > 0) {
                where.put('\n');
                render_table(summary.pairs(), o, where);
                where.put('\n');
                render_table(summary.processes(), o, where);
            }
            where.flush();
            break;
        }
        case Format::Prometheus: break;
    }
    out_.flush();
}

}  // namespace tcpstat
