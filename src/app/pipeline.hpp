// Owns the data-gathering half of the pipeline: collect -> socket filter -> owners -> owner filter.
#pragma once

#include "app/options.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::app {

// Runs the backend and the core filter; the owner walk runs only when something downstream needs
// owners and at least one socket survived the cheap filters.
Snapshot gather(Options& options, Backend& backend);

}  // namespace tcpstat::app
