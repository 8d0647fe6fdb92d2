// Owns the Prometheus text exposition of grouped counts and the per-state summary, and the
// exporter's metric families in the text format or OpenMetrics (`tcpstat serve`).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cell.hpp"
#include "escape.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/exporter.hpp"
#include "writers.hpp"

namespace tcpstat {

namespace {

constexpr std::string_view kPreamble =
    "# HELP tcpstat_sockets Sockets counted by tcpstat, by the labels requested.\n"
    "# TYPE tcpstat_sockets gauge\n";
constexpr std::string_view kMetric = "tcpstat_sockets";

// Label names must match [a-zA-Z_][a-zA-Z0-9_]*; column names already do, but a Table is
// produced elsewhere, so anything else is mapped to '_' rather than breaking the exposition.
void write_label_name(std::string_view name, Output& out) {
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                        (i > 0 && c >= '0' && c <= '9');
        out.put(ok ? c : '_');
    }
    if (name.empty()) out.put('_');
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}

struct Labels {
    Output& out;
    bool open = false;

    void add(std::string_view name, const Cell& value, bool is_state) {
        if (value.is_null()) return;  // a missing key is an absent label, as PromQL expects
        out.put(open ? ',' : '{');
        open = true;
        write_label_name(name, out);
        out.write("=\"");
        if (value.is_number()) {
            write_number(value, out);
        } else if (is_state) {
            write_escaped_text(lower(value.text), out, TextQuoting::Prometheus);
        } else {
            write_escaped_text(value.text, out, TextQuoting::Prometheus);
        }
        out.put('"');
    }
    void close() {
        if (open) out.put('}');
    }
};

std::optional<std::size_t> column_index(const Table& t, std::string_view name) {
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c].name == name) return c;
    return std::nullopt;
}

Cell at(const std::vector<Value>& row, std::size_t c) {
    return c < row.size() ? value_cell(row[c]) : Cell::null();
}

void write_sample_value(const Cell& v, Output& out) {
    out.put(' ');
    write_number(v, out);
    out.put('\n');
}

void write_groups(const Table& table, std::size_t count_col, Output& out) {
    for (const auto& row : table.rows) {
        const Cell count = at(row, count_col);
        if (!count.is_number()) continue;
        out.write(kMetric);
        Labels labels{out};
        for (std::size_t c = 0; c < table.columns.size(); ++c) {
            if (c == count_col || table.columns[c].unit != ColumnUnit::None) continue;  // measurements are no labels
            labels.add(table.columns[c].name, at(row, c), table.columns[c].name == "state");
        }
        labels.close();
        write_sample_value(count, out);
    }
}

// One sample per protocol x state x family; "total" rows and the total column are left out
// because PromQL derives them with sum().
void write_summary(const Table& table, Output& out) {
    const auto proto = column_index(table, "proto");
    const auto state = column_index(table, "state");
    const std::pair<std::string_view, std::optional<std::size_t>> families[] = {
        {"ipv4", column_index(table, "ipv4")},
        {"ipv6", column_index(table, "ipv6")},
    };
    for (const auto& row : table.rows) {
        const Cell state_cell = state ? at(row, *state) : Cell::null();
        if (state_cell.kind == Cell::Kind::Text && state_cell.text == "total") continue;
        for (const auto& [family, col] : families) {
            if (!col) continue;
            const Cell count = at(row, *col);
            if (!count.is_number()) continue;
            out.write(kMetric);
            Labels labels{out};
            if (proto) labels.add("proto", at(row, *proto), false);
            labels.add("family", Cell::string(family), false);
            labels.add("state", state_cell, true);
            labels.close();
            write_sample_value(count, out);
        }
    }
}

void write_family(const MetricFamily& f, bool openmetrics, Output& out) {
    const bool counter = f.type == MetricType::Counter;
    // The text format names a counter's family with its `_total`, OpenMetrics without it.
    const std::string family = counter && !openmetrics ? f.name + "_total" : f.name;
    const std::string sample_name = counter ? f.name + "_total" : f.name;
    out.write(fmt::format("# HELP {} ", family));
    write_escaped_text(f.help, out);
    out.write(fmt::format("\n# TYPE {} {}\n", family, counter ? "counter" : "gauge"));
    for (const Sample& s : f.samples) {
        out.write(sample_name);
        Labels labels{out};
        for (const auto& [name, value] : s.labels) labels.add(name, Cell::string(value), false);
        labels.close();
        out.write(fmt::format(" {}\n", s.value));
    }
}

}  // namespace

void write_exposition(const std::vector<MetricFamily>& families, bool openmetrics, Output& out) {
    for (const MetricFamily& f : families) write_family(f, openmetrics, out);
    if (openmetrics) out.write("# EOF\n");
}

void write_prometheus(const Table& table, Output& out) {
    if (table.name == "summary") {
        out.write(kPreamble);
        write_summary(table, out);
        return;
    }
    const auto count_col = column_index(table, "count");
    if (!count_col) {
        throw UsageError("-f prometheus needs a table with a count column (--group-by or summary)");
    }
    out.write(kPreamble);
    write_groups(table, *count_col, out);
}

}  // namespace tcpstat
