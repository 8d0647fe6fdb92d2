// Owns the interface between the platform backends and the platform-free pipeline.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/expression.hpp"
#include "tcpstat/kernel_facts.hpp"
#include "tcpstat/kill.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/packed_sockets.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat {

enum class SourceKind { Auto, Netlink, Proc };

// What to read. The filter fields are hints a backend *may* push down to the kernel to transfer
// fewer rows; the core filter always runs afterwards, so results never depend on push-down.
struct CollectRequest {
    bool tcp = true;
    bool udp = false;
    bool ipv4 = true;
    bool ipv6 = true;
    StateMask states = StateMask::all();
    std::vector<PortRange> sports;   // push-down hints (OR within each list)
    std::vector<PortRange> dports;
    std::vector<PortRange> any_ports;  // --port: either side
    Expression expression;           // push-down hint too: ports and addresses become bytecode
    bool extended = false;           // fetch TCP internals when the source can
    bool memory = false;             // fetch socket memory (SocketMemory) when the source can
    // Fill Snapshot::users (uid -> name). The first lookup initialises NSS, which can dlopen
    // modules and cost milliseconds, so callers that show no user name turn this off.
    bool user_names = true;
    SourceKind source = SourceKind::Auto;
    std::optional<std::string> proc_root;  // read a recorded tree instead of /proc
    // Other network namespaces instead of the caller's own: one (an `ip netns` name, a path to a
    // namespace file, or a pid), or every namespace on the host. Sockets then carry Socket::netns.
    std::optional<std::string> netns;
    bool all_netns = false;
    // With netns/all_netns: also read each namespace's own KernelFacts while inside it
    // (Snapshot::netns_facts), for doctor. The caller's own namespace: Backend::kernel_facts().
    bool kernel_facts = false;
};

// Which owners to look up: by default every pid; with --pid only those.
struct OwnerRequest {
    std::vector<Pid> only_pids;    // empty: all processes
    bool want_cmdline = false;
    bool want_exe = false;         // Process::exe (a readlink per owning process)
    bool want_service = false;     // Process::service (Windows: one service enumeration)
    bool user_names = true;        // fill Process::user (see CollectRequest::user_names)
};

// Takes sockets batch by batch as a dump yields them, so that a listing with no global order
// (no --sort, no grouping, no owners) holds a few thousand sockets instead of all of them.
class SocketSink {
public:
    virtual ~SocketSink() = default;
    // `batch` is the backend's and is emptied after the call (the sink may reorder or erase);
    // `context` is the snapshot being collected: its users and warnings so far, no sockets.
    virtual void take(std::vector<Socket>& batch, const Snapshot& context) = 0;
    // A table's dump begins; if it must start over (the kernel interrupted it), take_back()
    // forgets what was taken since, or returns false when it cannot (rows already printed: the
    // backend then warns that some may be listed twice).
    virtual void mark() {}
    virtual bool take_back() { return false; }
};

class Backend {
public:
    virtual ~Backend() = default;
    // Reads the socket tables (no owners). Throws RuntimeError when no table at all can be read;
    // partial trouble goes to Snapshot::warnings.
    virtual Snapshot collect(const CollectRequest& request) = 0;
    // collect(), handing the sockets to `sink` instead of keeping them: the returned snapshot
    // has no sockets, only its users, warnings and source. Backends that cannot stream hand
    // everything over in one batch at the end (this default).
    virtual Snapshot collect_into(const CollectRequest& request, SocketSink& sink) {
        Snapshot snap = collect(request);
        std::vector<Socket> all = std::move(snap.sockets);
        snap.sockets.clear();
        sink.take(all, snap);
        return snap;
    }
    // Fills Socket::owners and Snapshot::processes for the sockets in the snapshot. Processes
    // that vanish are skipped silently; unreadable ones produce one summary warning.
    virtual void attach_owners(Snapshot& snapshot, const OwnerRequest& request) = 0;
    // The same for sockets kept packed (a listing that keeps every row but no Socket array):
    // sets the rows' owners and fills `context` (the snapshot they were collected with, its
    // sockets empty) with processes, warnings and owners_attached as above. This default
    // unpacks every row into `context` for the call above, so a backend overrides it to save
    // that memory.
    virtual void attach_packed_owners(PackedSockets& rows, Snapshot& context, const OwnerRequest& request);
    // Called before collect() when owners will be wanted: a backend may start looking them up
    // now, alongside the table read, for the attach_owners() that follows. If no socket is left
    // to attach them to, cancel_owner_prefetch() stops that work. Both may do nothing.
    virtual void prefetch_owners(const CollectRequest&, const OwnerRequest&) {}
    virtual void cancel_owner_prefetch() {}
    // Sets Socket::age_ms where the platform knows how long a socket has been in its state
    // (Linux: a running `tcpstat record`); silent, leaves the others without one.
    virtual void attach_ages(Snapshot&) {}
    // Resolves a user name to its uid (for --user NAME); nullopt when no such user.
    virtual std::optional<std::uint32_t> uid_of_user(std::string_view name) = 0;
    // The TCP limits and counters of the namespace tcpstat runs in (or of the recorded tree) for
    // `tcpstat doctor`; a backend that cannot read them returns an empty struct and doctor skips
    // the checks that need them. Other namespaces' facts come with the snapshot (netns_facts).
    virtual KernelFacts kernel_facts() { return {}; }
    // `tcpstat kill --yes`: closes each socket (from a snapshot this backend collected with
    // `where`, the same request) and returns one result per socket, in order. Only the app calls
    // it, after showing the selection. Throws RuntimeError naming what is missing when closing is
    // impossible altogether (a privilege, a kernel feature), before anything was closed.
    virtual std::vector<CloseResult> close_sockets(std::span<const Socket> sockets, const CollectRequest& where) = 0;
    // The processes whose sockets kill keeps: tcpstat itself, its parents, and the process
    // serving each one's terminal (sshd, telnetd). Best effort.
    virtual std::vector<Pid> own_session_pids() { return {}; }
};

// Defined once per OS (CMake picks the file). Throws UsageError for a source the OS lacks.
std::unique_ptr<Backend> make_system_backend(const CollectRequest& request);

}  // namespace tcpstat
