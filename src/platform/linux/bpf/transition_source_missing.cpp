// Owns `tcpstat trace` in a Linux build made without the eBPF toolchain: a one-line refusal naming what was missing.
#include "tcpstat/error.hpp"
#include "tcpstat/trace.hpp"

namespace tcpstat {

std::unique_ptr<TransitionSource> open_transition_source(const TraceRequest&) {
    throw RuntimeError("tcpstat trace is not in this build: it was built without " TCPSTAT_BPF_MISSING
                       " (install them with scripts/deps.sh and rebuild)");
}

}  // namespace tcpstat
