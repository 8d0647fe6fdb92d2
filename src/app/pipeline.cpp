// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#include "app/pipeline.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "app/names.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/filter.hpp"

namespace tcpstat::app {

namespace {

// Whether the output shows user names. Resolving them initialises NSS (files, systemd...),
// which costs milliseconds even for one uid; commands not listed keep the names.
bool shows_user_names(const Options& o) {
    switch (o.command) {
        case Command::List:
            if (o.count) return false;
            if (!o.group_by.empty())
                return std::find(o.group_by.begin(), o.group_by.end(), GroupKey::User) != o.group_by.end();
            return std::find(o.sort_keys.begin(), o.sort_keys.end(), SortKey{Field::User, false}) != o.sort_keys.end() ||
                   std::find(o.sort_keys.begin(), o.sort_keys.end(), SortKey{Field::User, true}) != o.sort_keys.end() ||
                   std::find(o.render.fields.begin(), o.render.fields.end(), Field::User) != o.render.fields.end();
        case Command::Summary:
            return false;
        default:
            return true;
    }
}

// Whether the output shows a field or groups by the matching key; cmdline and exe cost a read
// per owning process, so only a listing, grouping or check that shows them asks for them.
bool shows(const Options& o, Field field, GroupKey key) {
    const auto has_key = [&](const std::vector<GroupKey>& keys) {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    if (o.command == Command::Check) return has_key(o.check.per);
    if (o.command != Command::List || o.count) return false;
    if (!o.group_by.empty()) return has_key(o.group_by);
    const bool sorted_by = std::any_of(o.sort_keys.begin(), o.sort_keys.end(),
                                       [&](const SortKey& k) { return k.field == field; });
    return sorted_by || std::find(o.render.fields.begin(), o.render.fields.end(), field) != o.render.fields.end();
}

}  // namespace

Snapshot gather(Options& options, Backend& backend) {
    for (const std::string& name : options.user_names) {
        auto uid = backend.uid_of_user(name);
        if (!uid)
            throw UsageError(fmt::format("unknown user '{}': expected a user name of this host or a numeric uid", name));
        options.filter.uids.push_back(*uid);
    }
    options.user_names.clear();
    resolve_filter_names(options);

    options.request.user_names = shows_user_names(options);
    const bool owners = options.needs_owners();
    OwnerRequest req;
    req.only_pids = options.filter.pids;
    req.user_names = options.request.user_names;
    // doctor names a listener by its script (`python3 app.py`), which only the cmdline tells.
    req.want_cmdline = options.want_cmdline || options.command == Command::Doctor || shows(options, Field::Cmdline, GroupKey::Cmdline);
    req.want_exe = shows(options, Field::Exe, GroupKey::Exe);
    req.want_service = shows(options, Field::Service, GroupKey::Service);
    if (owners) backend.prefetch_owners(options.request, req);
    Snapshot snap = backend.collect(options.request);
    apply_socket_filter(snap, options.filter);
    if (owners && !snap.sockets.empty()) {
        backend.attach_owners(snap, req);
        apply_owner_filter(snap, options.filter);
    } else if (owners) {
        backend.cancel_owner_prefetch();
    }
    if (options.command == Command::List) name_snapshot(snap, options.resolve);
    return snap;
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
