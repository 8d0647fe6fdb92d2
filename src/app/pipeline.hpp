// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#pragma once

#include "app/options.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/filter.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/packed_sockets.hpp"

namespace tcpstat::app {

// What gathering reads, worked out once per run from the options (which stay untouched): the
// filter and push-down request with user, host and service names looked up, and which owner
// details the output needs. --watch plans once and gathers every sample.
struct GatherPlan {
    Filter filter;
    CollectRequest request;
    OwnerRequest owners;
    bool owners_needed = false;
    bool name_output = false;  // fill the snapshot's display names (listings)
    bool ages = false;         // join the recorder's ages (age, changed_by)
    bool resolve = false;      // -r
};
// Throws UsageError for a user, host or service name that does not resolve.
GatherPlan plan_gathering(const Options& options, Backend& backend);

// Runs the backend and the core filter; the owner walk runs only when something downstream needs
// owners and at least one socket survived the cheap filters.
Snapshot gather(const GatherPlan& plan, Backend& backend);
// plan_gathering() then gather(): for commands that gather once.
Snapshot gather(const Options& options, Backend& backend);

// A listing kept packed: the rows that passed the filter, owners joined, and the snapshot they
// came with (no sockets: its users, processes, warnings and zone names).
struct PackedListing {
    Snapshot context;
    PackedSockets rows;
};
// gather() for a listing that keeps its rows packed (list_steps' packs()): each batch is filtered
// and packed as the dump delivers it, so no Socket array is ever built. The plan must need no
// owner filter, ages or reverse lookups (packs() refuses those).
PackedListing gather_packed(const GatherPlan& plan, Backend& backend);

// The local ports servers are bound to (TCP LISTEN, UDP UNCONN) under the request's protocols and
// families, whatever its state and port filters: what client-port folding needs.
ServerPorts server_ports(Backend& backend, const CollectRequest& request);

}  // namespace tcpstat::app
