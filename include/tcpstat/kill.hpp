// Owns what `tcpstat kill` decides without the OS: which selected sockets it may close, which it
// must keep (listeners not asked for, the connection the command came through, its own), and the
// per-socket result vocabulary the backends report and the renderers print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

// What became of one socket kill selected.
enum class CloseOutcome : std::uint8_t {
    Closed,       // the kernel (or the TCP stack) closed it
    Gone,         // it no longer existed when kill got to it: already closed by its owner or peer
    Refused,      // the OS refused to close it; CloseResult::reason says why
    Unsupported,  // this kind of socket cannot be closed on this OS (IPv6 on Windows)
    Protected,    // kill never closes it: the connection it came through, or its own session's
};

struct CloseResult {
    CloseOutcome outcome = CloseOutcome::Refused;
    std::string reason;  // empty for Closed and Gone
};

// "closed", "gone", "refused", "unsupported", "protected": the result field of every format.
std::string_view close_outcome_name(CloseOutcome o);

// Closed and Gone both leave the socket closed, which is what was asked.
constexpr bool close_succeeded(CloseOutcome o) { return o == CloseOutcome::Closed || o == CloseOutcome::Gone; }

// What kill must never close, found by the app before planning.
struct KillSafety {
    // The TCP connection the command arrived on, from SSH_CONNECTION ("client port server port"):
    // the server end is the local side here.
    std::optional<Endpoint> arrived_local, arrived_remote;
    // tcpstat itself, the processes it was started through (its parents) and the process serving
    // each one's terminal (a session leader's parent: sshd, telnetd): their sockets carry this
    // command's own session.
    std::vector<Pid> own_pids;
    // LISTEN (TCP) and unconnected (UDP) sockets are closed only when asked for by -l or by
    // naming their state; otherwise they are dropped from the selection.
    bool listeners_asked = false;
};

// Parses SSH_CONNECTION ("203.0.113.5 50522 10.0.0.2 22") into safety's arrived_* endpoints;
// leaves them empty when the text is absent or not of that shape.
void take_ssh_connection(std::string_view value, KillSafety& safety);

struct KillPlan {
    std::size_t skipped_listeners = 0;  // removed from the snapshot (not asked for)
    // One per socket left in the snapshot: why kill must keep it, or nullopt to close it.
    std::vector<std::optional<std::string>> keep_reason;
    std::size_t to_close() const;
};

// Removes the listeners that were not asked for from `snap` (order kept) and marks the sockets
// kill must not close. Needs owners attached for the own-session rule.
KillPlan plan_kill(Snapshot& snap, const KillSafety& safety);

}  // namespace tcpstat
