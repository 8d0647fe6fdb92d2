// Owns `tcpstat record` in a Linux build made without the eBPF toolchain: a one-line refusal; listings have no ages.
#include "recorder.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/record.hpp"

namespace tcpstat {

RecordStatus control_recorder(RecordAction) {
    throw RuntimeError("tcpstat record is not in this build: it was built without " TCPSTAT_BPF_MISSING
                       " (install them with scripts/deps.sh and rebuild)");
}

namespace procfs {

std::string recorder_dir() { return "/sys/fs/bpf/tcpstat"; }
void attach_recorded_ages(Snapshot&) {}

}  // namespace procfs
}  // namespace tcpstat
