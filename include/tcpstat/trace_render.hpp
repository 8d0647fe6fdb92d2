// Owns the streaming output of `tcpstat trace`: one row per transition as it happens, then the summary.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat/trace.hpp"

namespace tcpstat {

class JsonWriter;  // src/render/json_writer.hpp

struct TraceTotals {
    std::uint64_t transitions = 0;
    std::uint64_t lost = 0;       // the kernel's buffer was full
    std::uint64_t untracked = 0;  // sockets whose owner/durations could not be kept
};

// table: fixed-width columns, header once, the summary tables after a blank line. tsv/csv: one
// schema on `out`, the summary as a table on `people` (stderr). jsonl: one object per
// transition, then one {"summary":{...}} object. json: {"transitions":[...],"summary":{...}}.
class TraceWriter {
public:
    TraceWriter(const RenderOptions& opt, Output& out, Output& people);
    ~TraceWriter();
    TraceWriter(const TraceWriter&) = delete;
    TraceWriter& operator=(const TraceWriter&) = delete;
    void transition(const Transition& t);
    void finish(const TraceSummary& summary, const TraceTotals& totals);

private:
    void summary_json(const TraceSummary& summary, const TraceTotals& totals);
    RenderOptions opt_;
    Output& out_;
    Output& people_;
    std::vector<Column> columns_;
    bool started_ = false;
    std::unique_ptr<JsonWriter> json_;  // json and jsonl: the one document or line stream
};

}  // namespace tcpstat
