// Owns attach_owners: the parallel pid walk after the tables are read (or the kernel's list of fds), joined by an index of the sockets.
#include "owners.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "owner_map.hpp"
#include "owners_index.hpp"
#include "owners_join.hpp"
#include "owners_steps.hpp"
#include "owners_walk.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::procfs {
namespace {

void walk(int proc_fd, PidQueue& queue, const InodeIndex& index, const OwnerRequest& request, WorkerResult& res) {
    auto buf = std::make_unique<WalkBuffers>();
    Pid pid = 0;
    while (queue.next(pid)) {
        const std::size_t before = res.matches.size();
        const FdScan r = scan_pid_fds(proc_fd, pid, index, res.matches, *buf);
        if (r == FdScan::Denied) ++res.hidden;
        // Read the details now, while the pid most likely still names the same process.
        if (res.matches.size() > before) add_process(proc_fd, pid, request, res.processes, res.exe_hidden);
    }
}

// Hands the socket fds whose inode is among the join's sockets to it (fds is freed: no list
// of matches in between, at 100k fds that copy costs more than the lookups); returns the owning
// pids, sorted and unique.
std::vector<Pid> match_socket_fds(const InodeIndex& index, std::vector<SocketFd>& fds, OwnerJoin& join) {
    std::vector<Pid> owning;
    for (const SocketFd& sf : fds) {
        index.for_each_match(sf.first, [&](std::uint32_t sock) {
            join.add(sock, sf.second);
            if (owning.empty() || owning.back() != sf.second.pid) owning.push_back(sf.second.pid);
        });
    }
    std::vector<SocketFd>().swap(fds);
    std::sort(owning.begin(), owning.end());
    owning.erase(std::unique(owning.begin(), owning.end()), owning.end());
    return owning;
}

// The kernel's list of socket fds, when it fits the request; a refusal is silent unless
// TCPSTAT_OWNER_MAP=kernel asked for it.
std::optional<std::vector<SocketFd>> kernel_fds_if_fit(const OwnerRequest& request, const std::string& proc_root,
                                                       std::size_t sockets) {
    if (!kernel_owner_map_fits(request, proc_root, sockets)) return std::nullopt;
    std::string why;
    auto fds = kernel_socket_fds(&why);
    if (!fds && owner_map_mode() == OwnerMapMode::Kernel)
        throw RuntimeError("TCPSTAT_OWNER_MAP=kernel, but the kernel cannot list socket fds: " + why);
    return fds;
}

// The walk after the tables were read (or the kernel's list), into either kind of sockets.
void join_owners(OwnerJoin& join, Snapshot& snap, const OwnerRequest& request, const std::string& proc_root_in) {
    const std::string proc_root = root_or_default(proc_root_in);
    // A second run replaces the first one's result rather than adding to it.
    snap.processes.clear();

    const InodeIndex index(join);
    if (index.empty()) {
        join.done();
        snap.owners_attached = true;  // nothing can have an owner: the walk would find nothing
        return;
    }

    auto kernel_fds = kernel_fds_if_fit(request, proc_root, join.size());
    const int proc_fd = ::open(proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0) {
        snap.warnings.push_back("cannot read " + proc_root + ": " + std::system_category().message(errno) +
                                "; socket owners are not shown");
        join.done();
        return;
    }

    // The kernel's list when it can give one: the details still come from /proc, per owning pid.
    if (kernel_fds) {
        std::vector<WorkerResult> results(1);
        for (Pid pid : match_socket_fds(index, *kernel_fds, join))
            add_process(proc_fd, pid, request, results[0].processes, results[0].exe_hidden);
        ::close(proc_fd);
        finish(join, snap, results, request);
        return;
    }

    int list_err = 0;
    const std::vector<Pid> pids = pids_to_walk(proc_fd, request, list_err);
    if (list_err != 0)
        snap.warnings.push_back("cannot list " + proc_root + ": " + std::system_category().message(list_err) +
                                "; owners of some sockets may be missing");

    const unsigned n_threads = thread_count(pids.size());
    std::vector<WorkerResult> results(n_threads);
    PidQueue queue(pids);
    {
        // The calling thread walks too; if a helper cannot be started, the others drain its share.
        std::vector<std::thread> helpers;
        helpers.reserve(n_threads - 1);
        for (unsigned t = 1; t < n_threads; ++t) {
            try {
                helpers.emplace_back(walk, proc_fd, std::ref(queue), std::cref(index), std::cref(request),
                                     std::ref(results[t]));
            } catch (const std::system_error&) {
                break;
            }
        }
        walk(proc_fd, queue, index, request, results[0]);
        for (auto& th : helpers) th.join();
    }
    ::close(proc_fd);
    finish(join, snap, results, request);
}

}  // namespace

void attach_owners(Snapshot& snap, const OwnerRequest& request, const std::string& proc_root) {
    SnapshotJoin join(snap);
    join_owners(join, snap, request, proc_root);
}

void attach_owners(PackedSockets& rows, Snapshot& context, const OwnerRequest& request,
                   const std::string& proc_root) {
    PackedJoin join(rows);
    join_owners(join, context, request, proc_root);
}

}  // namespace tcpstat::procfs
