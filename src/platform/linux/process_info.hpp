// Owns reading one process's details (comm, uid, cmdline) from a /proc tree.
#pragma once

#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

// Reads "<pid>/comm" (name as raw bytes, only the trailing newline removed), the owner uid of
// "<pid>", and with want_cmdline "<pid>/cmdline" (NULs as spaces), all relative to proc_fd.
// Leaves user unset: name lookups are cached by the caller, which is single-threaded.
Process read_process(int proc_fd, Pid pid, bool want_cmdline);

}  // namespace tcpstat::procfs
