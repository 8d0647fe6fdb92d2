// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#pragma once

#include "app/options.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::app {

// Runs the backend and the core filter; the owner walk runs only when something downstream needs
// owners and at least one socket survived the cheap filters.
Snapshot gather(Options& options, Backend& backend);

// The local ports servers are bound to (TCP LISTEN, UDP UNCONN) under the request's protocols and
// families, whatever its state and port filters: what client-port folding needs.
ServerPorts server_ports(Backend& backend, const CollectRequest& request);

}  // namespace tcpstat::app
