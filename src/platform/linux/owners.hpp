// Owns the inode -> (pid, fd) owner lookup by walking /proc/<pid>/fd, and the process details.
#pragma once

#include <string>

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

// Fills Socket::owners and Snapshot::processes (name, cmdline when asked, uid, user) for the
// sockets in snap. Vanished pids are skipped; pids whose fd directory is unreadable are counted
// and reported in one warning: "owners of some sockets are hidden: N processes could not be
// read (run as root to see all)".
void attach_owners(Snapshot& snap, const OwnerRequest& request, const std::string& proc_root);

}  // namespace tcpstat::procfs
