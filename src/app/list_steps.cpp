// Owns the second half of a listing, grouping or summary run: tabulate, then print.
#include "app/list_steps.hpp"

#include "app/names.hpp"
#include "tcpstat/filter.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/growth.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat/sorting.hpp"
#include "tcpstat/summary.hpp"

namespace tcpstat::app {

std::optional<Table> tabulate(const Options& o, const Snapshot& snap, GrowthTracker* growth, std::int64_t now_ms) {
    if (o.command == Command::Summary) return summarize(snap, o.filter.tcp, o.filter.udp);
    if (o.group_by.empty()) return std::nullopt;
    if (!growth) return group_sockets(snap, o.group_by, nullptr, o.group_sort);
    // Groups carry OLDEST and RATE: the tracker remembers the selected sockets between samples.
    const std::vector<std::int64_t> seen = growth->observe(snap, now_ms);
    std::vector<std::int64_t> oldest;
    const Table groups = group_sockets(snap, o.group_by, nullptr, o.group_sort, seen, &oldest);
    return growth->annotate(groups, oldest, now_ms);
}

void render_result(const Options& o, const RenderOptions& render, Snapshot& snap, const Table* table, Output& out) {
    if (table) {
        render_table(*table, render, out);
    } else if (o.count) {
        render_count(snap.sockets.size(), render, out);
    } else {
        sort_sockets(snap, o.sort_keys);
        render_sockets(snap, render, out);
    }
}

namespace {

// Filters each batch as the listing's filter would the whole table, then prints or counts it.
class ListingSink : public SocketSink {
public:
    // With `summary`, counts by state what passes instead of printing it.
    ListingSink(const Options& o, const GatherPlan& plan, const RenderOptions& render, Output& out,
                SummaryCounts* summary = nullptr)
        : count_only_(o.count || summary), filter_(plan.filter), stream_(render, out), summary_(summary) {}

    void take(std::vector<Socket>& batch, const Snapshot& context) override {
        view_.sockets = std::move(batch);
        apply_socket_filter(view_, filter_);
        matched_ += view_.sockets.size();
        if (summary_)
            for (const Socket& s : view_.sockets) summary_->add(s);
        if (!count_only_) {
            // What the cells look up besides the socket: small maps, copied per batch.
            view_.users = context.users;
            view_.netns_names = context.netns_names;
            view_.source = context.source;
            view_.platform = context.platform;
            name_snapshot(view_, false);  // zone names of this batch's addresses
            stream_.write(view_);
        }
        batch = std::move(view_.sockets);  // its capacity goes back to the backend
        batch.clear();
    }
    void finish() {
        if (!count_only_) stream_.finish();
    }
    std::size_t matched() const { return matched_; }

private:
    bool count_only_;
    const Filter& filter_;
    SocketStream stream_;
    SummaryCounts* summary_;
    Snapshot view_;
    std::size_t matched_ = 0;
};

}  // namespace

bool streams(const Options& o) {
    if (o.command != Command::List || !o.group_by.empty() || !o.sort_keys.empty()) return false;
    if (o.needs_owners() || o.resolve) return false;
    return o.count || streams_rows(o.render.format);
}

bool streams_summary(const Options& o) { return o.command == Command::Summary && !o.filter.needs_owners(); }

StreamedSummary stream_summary(const Options& o, const GatherPlan& plan, Backend& backend) {
    std::string nothing;
    Output unused(&nothing);
    SummaryCounts counts;
    ListingSink sink(o, plan, o.render, unused, &counts);
    StreamedSummary result;
    result.snap = backend.collect_into(plan.request, sink);
    result.table = counts.table(o.filter.tcp, o.filter.udp);
    result.matched = sink.matched();
    return result;
}

bool packs(const Options& o) {
    if (o.command != Command::List || !o.group_by.empty() || !o.sort_keys.empty() || o.count) return false;
    if (!packs_rows(o.render.format) || o.resolve || o.filter.needs_owners()) return false;
    if (o.request.extended || o.request.memory) return false;
    return !o.reads(Field::Age) && !o.reads(Field::ChangedBy);
}

std::pair<Snapshot, std::size_t> stream_listing(const Options& o, const GatherPlan& plan, Backend& backend,
                                                const RenderOptions& render, Output& out) {
    ListingSink sink(o, plan, render, out);
    Snapshot snap = backend.collect_into(plan.request, sink);
    sink.finish();
    if (o.count) render_count(sink.matched(), render, out);
    return {std::move(snap), sink.matched()};
}

}  // namespace tcpstat::app
