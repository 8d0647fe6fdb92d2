// Owns the inode -> (pid, fd) owner lookup by walking /proc/<pid>/fd, and the process details.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/packed_sockets.hpp"

namespace tcpstat::procfs {

class OwnerJoin;

// Fills Socket::owners and Snapshot::processes (name, cmdline when asked, uid, user) for the
// sockets in snap. Vanished pids are skipped; pids whose fd directory is unreadable are counted
// and reported in one warning: "owners of some sockets are hidden: N processes could not be
// read (run as root to see all)".
void attach_owners(Snapshot& snap, const OwnerRequest& request, const std::string& proc_root);
// The same for packed rows: their owners in their side table, the details into `context`.
void attach_owners(PackedSockets& rows, Snapshot& context, const OwnerRequest& request, const std::string& proc_root);

// Below this many sockets (from /proc/net/sockstat) the dump and the walk take a few
// milliseconds each and starting threads early is not worth it; above it the Linux backend
// starts an OwnerPrefetch. At 100k sockets the dump takes ~90 ms, the walk ~250 ms of CPU.
inline constexpr std::size_t kOwnerPrefetchMinSockets = 4096;

// The same walk started before the socket tables are read, on threads of its own, so that on a
// host with many sockets it runs while the kernel dumps the tables (ss -p also reads /proc
// first). It records every socket fd; attach() joins and keeps those in the snapshot, with the
// same result and warnings as attach_owners. Destroying it without attach() stops the walk.
class OwnerPrefetch {
public:
    OwnerPrefetch(const OwnerRequest& request, const std::string& proc_root);
    ~OwnerPrefetch();
    OwnerPrefetch(const OwnerPrefetch&) = delete;
    OwnerPrefetch& operator=(const OwnerPrefetch&) = delete;

    // Whether attach() answers this request (the same pids and details were walked for).
    bool serves(const OwnerRequest& request) const;
    void attach(Snapshot& snap, const OwnerRequest& request);
    void attach(PackedSockets& rows, Snapshot& context, const OwnerRequest& request);

private:
    void attach(OwnerJoin& join, Snapshot& snap, const OwnerRequest& request);
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace tcpstat::procfs
