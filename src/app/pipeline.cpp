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
