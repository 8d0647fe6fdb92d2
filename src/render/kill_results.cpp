// Owns the output of `kill --yes`: each socket's listing fields, then its result and the reason, in every listing format.
#include <stdexcept>

#include "tcpstat/error.hpp"
#include "writers.hpp"

namespace tcpstat {

namespace {

constexpr std::size_t kResultColumns = 2;

// The socket columns of a listing, then RESULT and REASON.
class ResultGrid final : public Grid {
public:
    ResultGrid(const Snapshot& snap, const std::vector<Field>& fields, const std::vector<CloseResult>& results)
        : sockets_(snap, fields), results_(results) {
        columns_ = sockets_.columns();
        columns_.push_back({"result", "RESULT", false, false});
        columns_.push_back({"reason", "REASON", false, false});
    }
    std::size_t row_count() const override { return sockets_.row_count(); }
    Cell cell(std::size_t row, std::size_t col) override {
        const std::size_t first = columns_.size() - kResultColumns;
        if (col < first) return sockets_.cell(row, col);
        const CloseResult& r = results_[row];
        if (col == first) return Cell::plain_string(close_outcome_name(r.outcome));
        return r.reason.empty() ? Cell::null() : Cell::string(r.reason);
    }

private:
    SocketGrid sockets_;
    const std::vector<CloseResult>& results_;
};

}  // namespace

void render_close_results(const Snapshot& snap, const std::vector<CloseResult>& results, const RenderOptions& opt,
                          Output& out) {
    if (results.size() != snap.sockets.size()) throw std::logic_error("one close result per socket expected");
    RenderOptions o = opt;
    if (o.fields.empty()) o.fields = default_fields(false, o.format != Format::Table);
    switch (o.format) {
    case Format::Table: {
        ResultGrid grid(snap, o.fields, results);
        write_aligned(grid, o, out);
        return;
    }
    case Format::Tsv:
    case Format::Csv: {
        ResultGrid grid(snap, o.fields, results);
        write_delimited(grid, o, out);
        return;
    }
    case Format::Json:
    case Format::Jsonl:
        write_json_sockets(snap, o, out, [&](std::size_t row, JsonWriter& w) {
            const CloseResult& r = results[row];
            w.key("result").plain_string(close_outcome_name(r.outcome));
            w.key("reason");
            if (r.reason.empty()) w.null();
            else w.string(r.reason);
        });
        return;
    case Format::Prometheus:
        throw UsageError("kill prints -f table, tsv, csv, json or jsonl");
    }
}

}  // namespace tcpstat
