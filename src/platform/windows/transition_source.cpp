// Owns `tcpstat trace` on Windows: refused, since transitions come from a Linux kernel tracepoint.
#include "tcpstat/error.hpp"
#include "tcpstat/trace.hpp"

namespace tcpstat {

std::unique_ptr<TransitionSource> open_transition_source(const TraceRequest&) {
    throw RuntimeError("tcpstat trace is Linux-only: it follows the Linux kernel's TCP state tracepoint with eBPF");
}

}  // namespace tcpstat
