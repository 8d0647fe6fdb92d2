// Owns `tcpstat record` on Windows: refused, since the recorder is a Linux kernel program (eBPF).
#include "tcpstat/error.hpp"
#include "tcpstat/record.hpp"

namespace tcpstat {

RecordStatus control_recorder(RecordAction) {
    throw RuntimeError("tcpstat record is Linux-only: it keeps an eBPF program on the Linux kernel's TCP state "
                       "tracepoint");
}

}  // namespace tcpstat
