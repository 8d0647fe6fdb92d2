// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#include "app/pipeline.hpp"

#include <algorithm>

#include <fmt/format.h>

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
            return o.sort_key == Field::User ||
                   std::find(o.render.fields.begin(), o.render.fields.end(), Field::User) != o.render.fields.end();
        case Command::Summary:
            return false;
        default:
            return true;
    }
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

    options.request.user_names = shows_user_names(options);
    const bool owners = options.needs_owners();
    OwnerRequest req;
    req.only_pids = options.filter.pids;
    req.user_names = options.request.user_names;
    req.want_cmdline = options.want_cmdline;
    if (owners) backend.prefetch_owners(options.request, req);
    Snapshot snap = backend.collect(options.request);
    apply_socket_filter(snap, options.filter);
    if (owners && !snap.sockets.empty()) {
        backend.attach_owners(snap, req);
        apply_owner_filter(snap, options.filter);
    } else if (owners) {
        backend.cancel_owner_prefetch();
    }
    return snap;
}

}  // namespace tcpstat::app
