// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#include "app/pipeline.hpp"

#include <fmt/format.h>

#include "app/names.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/filter.hpp"

namespace tcpstat::app {

GatherPlan plan_gathering(const Options& options, Backend& backend) {
    GatherPlan plan;
    plan.filter = options.filter;
    plan.request = options.request;
    for (const std::string& name : options.user_names) {
        auto uid = backend.uid_of_user(name);
        if (!uid)
            throw UsageError(fmt::format("unknown user '{}': expected a user name of this host or a numeric uid", name));
        plan.filter.uids.push_back(*uid);
    }
    resolve_filter_names(options.names, plan.filter, plan.request);
    plan.request.user_names = options.needs_user_names();
    plan.owners_needed = options.needs_owners();
    plan.owners.only_pids = plan.filter.pids;
    plan.owners.user_names = plan.request.user_names;
    plan.owners.want_cmdline = options.needs_cmdline();
    plan.owners.want_exe = options.reads(Field::Exe);
    plan.owners.want_service = options.reads(Field::Service);
    plan.name_output = options.command == Command::List;
    // Reading the recorder's map costs a pass over it: only for a listing that shows or sorts by it.
    plan.ages = options.command == Command::List && (options.reads(Field::Age) || options.reads(Field::ChangedBy));
    plan.resolve = options.resolve;
    return plan;
}

Snapshot gather(const GatherPlan& plan, Backend& backend) {
    if (plan.owners_needed) backend.prefetch_owners(plan.request, plan.owners);
    Snapshot snap = backend.collect(plan.request);
    apply_socket_filter(snap, plan.filter);
    if (plan.owners_needed && !snap.sockets.empty()) {
        backend.attach_owners(snap, plan.owners);
        apply_owner_filter(snap, plan.filter);
    } else if (plan.owners_needed) {
        backend.cancel_owner_prefetch();
    }
    if (plan.ages && !snap.sockets.empty()) backend.attach_ages(snap);
    if (plan.name_output) name_snapshot(snap, plan.resolve);
    return snap;
}

Snapshot gather(const Options& options, Backend& backend) { return gather(plan_gathering(options, backend), backend); }

namespace {

// Filters each batch as gather()'s filter would the whole table, and packs what passes.
class PackingSink : public SocketSink {
public:
    PackingSink(const Filter& filter, PackedSockets& rows) : filter_(filter), rows_(rows) {}

    void take(std::vector<Socket>& batch, const Snapshot&) override {
        view_.sockets = std::move(batch);
        apply_socket_filter(view_, filter_);
        name_snapshot(view_, false);  // the zone names of this batch's addresses, kept in view_
        for (const Socket& s : view_.sockets) rows_.append(s);
        batch = std::move(view_.sockets);  // its capacity goes back to the backend
        batch.clear();
    }
    void mark() override { mark_ = rows_.size(); }
    bool take_back() override {
        rows_.truncate(mark_);
        return true;
    }
    std::unordered_map<std::uint32_t, std::string> take_zone_names() { return std::move(view_.interface_names); }

private:
    const Filter& filter_;
    PackedSockets& rows_;
    Snapshot view_;
    std::size_t mark_ = 0;
};

}  // namespace

PackedListing gather_packed(const GatherPlan& plan, Backend& backend) {
    PackedListing listing;
    if (plan.owners_needed) backend.prefetch_owners(plan.request, plan.owners);
    PackingSink sink(plan.filter, listing.rows);
    listing.context = backend.collect_into(plan.request, sink);
    listing.context.interface_names = sink.take_zone_names();
    if (plan.owners_needed && !listing.rows.empty())
        backend.attach_packed_owners(listing.rows, listing.context, plan.owners);
    else if (plan.owners_needed)
        backend.cancel_owner_prefetch();
    return listing;
}

ServerPorts server_ports(Backend& backend, const CollectRequest& request) {
    CollectRequest listeners = request;
    listeners.states = StateMask::of(TcpState::Listen);
    listeners.states.add(TcpState::Close);  // UDP's UNCONN
    listeners.sports.clear();
    listeners.dports.clear();
    listeners.any_ports.clear();
    listeners.extended = false;
    ServerPorts ports;
    for (const Socket& s : backend.collect(listeners).sockets) {
        const bool server = s.protocol == Protocol::Udp ? s.state == TcpState::Close : s.state == TcpState::Listen;
        if (server) ports.add(s.protocol, s.local.port);
    }
    return ports;
}

}  // namespace tcpstat::app
