// Owns --watch: repeated samples of a listing, grouping or summary until --iterations or a signal.
#pragma once

#include <string>
#include <string_view>

#include "app/options.hpp"

namespace tcpstat::app {

// Runs the sampling loop, writing to stdout (redrawn in place on a terminal with -f table,
// appended with a "# <UTC time>" line per block otherwise, a "time" field with -f jsonl) or to
// --output (replaced atomically each sample). SIGINT/SIGTERM end it with 0; otherwise the exit
// code is that of the last sample, as for a single run.
int run_watch(const Options& options);

}  // namespace tcpstat::app
