// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#include "app/pipeline.hpp"

#include <fmt/format.h>

#include "tcpstat/error.hpp"
#include "tcpstat/filter.hpp"

namespace tcpstat::app {

Snapshot gather(Options& options, Backend& backend) {
    for (const std::string& name : options.user_names) {
        auto uid = backend.uid_of_user(name);
        if (!uid)
            throw UsageError(fmt::format("unknown user '{}': expected a user name of this host or a numeric uid", name));
        options.filter.uids.push_back(*uid);
    }
    options.user_names.clear();

    Snapshot snap = backend.collect(options.request);
    apply_socket_filter(snap, options.filter);
    if (options.needs_owners() && !snap.sockets.empty()) {
        OwnerRequest req;
        req.only_pids = options.filter.pids;
        backend.attach_owners(snap, req);
        apply_owner_filter(snap, options.filter);
    }
    return snap;
}

}  // namespace tcpstat::app
