// Owns the entry points of the renderers: a socket listing or a small Table, in one format.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/check.hpp"
#include "tcpstat/doctor.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/result_table.hpp"
#include "tcpstat/kill.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/packed_sockets.hpp"

namespace tcpstat {

enum class Format { Table, Tsv, Json, Jsonl, Csv, Prometheus };

// "table"... ; throws UsageError listing the accepted formats.
Format parse_format(std::string_view name);
std::string_view format_name(Format f);

struct RenderOptions {
    Format format = Format::Table;
    bool header = true;  // -H turns it off (table, tsv, csv)
    bool color = false;  // already decided by the app (TTY, NO_COLOR, --color)
    std::vector<Field> fields;
};

// Streams one row/object per socket. Text formats escape control bytes so one socket is one
// line; JSON follows RFC 8259; CSV follows RFC 4180. Prometheus is not a listing format
// (the app rejects it before calling).
void render_sockets(const Snapshot& snap, const RenderOptions& opt, Output& out);

// The same listing from packed rows (`context`: the snapshot they came with, its users,
// processes and names), in every listing format (packs_rows: all but prometheus).
bool packs_rows(Format f);
void render_packed_sockets(const PackedSockets& rows, const Snapshot& context, const RenderOptions& opt, Output& out);

// A listing written batch by batch as the dump arrives, for the formats that need no look at
// every row first (tsv, csv, jsonl): the header once, before the first row (or at finish()
// when no row came), then the rows of each batch in the order given.
bool streams_rows(Format f);
class SocketStream {
public:
    SocketStream(const RenderOptions& opt, Output& out) : opt_(opt), out_(out) {}
    // batch.sockets, with the users and display names they refer to.
    void write(const Snapshot& batch);
    void finish();

private:
    RenderOptions opt_;
    Output& out_;
    bool started_ = false;
};

// `kill --yes`: the listing of the sockets acted on, each followed by its result ("closed",
// "gone", "refused", "unsupported", "protected") and the reason (empty/null when there is none);
// results[i] belongs to snap.sockets[i]. Same formats as render_sockets.
void render_close_results(const Snapshot& snap, const std::vector<CloseResult>& results, const RenderOptions& opt,
                          Output& out);

// --count: the number alone, or {"count":N} in the JSON formats.
void render_count(std::size_t n, const RenderOptions& opt, Output& out);

// --watch in a stream: each JSON Lines object of `sample` with "time":"<stamp>" as its first
// member (-f jsonl), else a "# <stamp>" line and the sample as it is.
void write_stamped(std::string_view sample, std::string_view stamp, const RenderOptions& opt, Output& out);
// "2026-12-01T18:30:00Z": a Unix time in ms as UTC to the second, for stamps and status times.
std::string format_utc(std::int64_t unix_ms);
// The JSON Lines half of write_stamped().
std::string add_time_field(std::string_view jsonl, std::string_view stamp);

// Renders a grouped/summary table. For Prometheus, every non-count column becomes a label of
// the gauge family `tcpstat_sockets` and "count" is the value.
void render_table(const Table& table, const RenderOptions& opt, Output& out);

// `doctor`: json is {"findings":[...],"sockets":N,"source":"..."}, jsonl one finding a line,
// any other format the text for people (each finding with its evidence and advice, then the
// verdict line "tcpstat doctor: ... among N TCP sockets (source)"); opt.color colours severities.
void render_findings(const std::vector<Finding>& findings, std::size_t tcp_sockets, const Snapshot& snap,
                     const RenderOptions& opt, Output& out);

// Text with the text formats' escaping (docs/formats.md), for views that lay out names
// themselves (the `top` detail pane).
std::string escaped_text(std::string_view s);

struct MetricFamily;
// The exporter's families (`tcpstat serve`): the Prometheus text format 0.0.4, or OpenMetrics 1.0
// (counters' families without `_total`, and the closing `# EOF`).
void write_exposition(const std::vector<MetricFamily>& families, bool openmetrics, Output& out);

// A message for people: prefix, then the message with the text formats' escaping (control bytes,
// invalid UTF-8, C1 and layout controls), then '\n'. Messages quote paths, names and the user's
// input back, so any of them could otherwise split the line or drive the terminal.
std::string diagnostic_line(std::string_view prefix, std::string_view message);
// Writes diagnostic_line() to `where` (stderr; stdout for a check's UNKNOWN) and flushes it.
void print_diagnostic(std::FILE* where, std::string_view prefix, std::string_view message);
// The Monitoring Plugins line of `check` with its newline: "TCPSTAT CRITICAL - 240 close_wait
// sockets; worst process oracle 230 | 'total'=240;50;200;0; ...". Valid UTF-8, one line, one
// '|'; names are escaped as in the table and tsv formats.
void write_check_line(const CheckResult& result, Output& out);

}  // namespace tcpstat
