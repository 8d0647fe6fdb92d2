// Owns where the Linux recorder is pinned and the hook the backend calls to give listed sockets their age.
#pragma once

#include <string>

#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

// The bpffs directory of the recorder's pins: /sys/fs/bpf/tcpstat, or TCPSTAT_RECORD_DIR (for
// tests, which must not touch the host's recorder; it must lie on a bpffs too).
std::string recorder_dir();

// Sets Socket::age_ms (and changed_by, when known) for each socket the running recorder saw enter its current state; others
// (and every socket when nothing is recording, or as a plain user) are left without. Silent,
// except for one warning when the recorder's map was full for some transitions.
void attach_recorded_ages(Snapshot& snap);

}  // namespace tcpstat::procfs
