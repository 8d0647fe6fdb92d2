// Owns OwnerPrefetch: the walk (or the kernel's list of fds) started before the tables are read,
// on threads of its own, and its join by inode afterwards.
#include "owners.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
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

// Everything the background walk owns; the walkers write only their own PrefetchResult.
struct OwnerPrefetch::State {
    struct PrefetchResult {
        std::vector<SocketFd> sockets;
        std::vector<std::pair<Pid, Process>> processes;
        std::size_t hidden = 0;
        std::size_t exe_hidden = 0;
    };

    OwnerRequest request;
    std::string proc_root;
    int proc_fd = -1;
    std::vector<Pid> pids;
    std::optional<PidQueue> queue;
    std::atomic<bool> stop{false};
    std::vector<PrefetchResult> results;
    std::vector<std::thread> threads;
    std::string warning;  // for the snapshot, when /proc could not be opened or listed
    std::string kernel_error;  // TCPSTAT_OWNER_MAP=kernel could not be served

    void run(PrefetchResult& res) {
        auto buf = std::make_unique<WalkBuffers>();
        Pid pid = 0;
        while (!stop.load(std::memory_order_relaxed) && queue->next(pid)) {
            const std::size_t before = res.sockets.size();
            const FdScan r = scan_pid_socket_fds(proc_fd, pid, res.sockets, *buf);
            if (r == FdScan::Denied) ++res.hidden;
            if (res.sockets.size() > before) add_process(proc_fd, pid, request, res.processes, res.exe_hidden);
        }
    }

    void list_pids_now() {
        int list_err = 0;
        pids = pids_to_walk(proc_fd, request, list_err);
        if (list_err != 0)
            warning = "cannot list " + proc_root + ": " + std::system_category().message(list_err) +
                      "; owners of some sockets may be missing";
    }

    // Walks the listed pids on threads of its own and this one; runs on a helper or the caller.
    void walk_listed() {
        queue.emplace(pids);
        const unsigned n = thread_count(pids.size());
        results.resize(n);
        std::vector<std::thread> helpers;
        for (unsigned t = 1; t < n; ++t) {
            try {
                helpers.emplace_back([this, t] { run(results[t]); });
            } catch (const std::system_error&) {
                break;
            }
        }
        run(results[0]);
        for (auto& h : helpers) h.join();
    }

    // The kernel's list of socket fds and the details of every pid holding one; the walk if the
    // kernel refuses (silently, unless TCPSTAT_OWNER_MAP=kernel asked for the kernel's list).
    void from_kernel() {
        std::string why;
        auto fds = kernel_socket_fds(&why);
        if (!fds) {
            if (owner_map_mode() == OwnerMapMode::Kernel) {
                kernel_error = "TCPSTAT_OWNER_MAP=kernel, but the kernel cannot list socket fds: " + why;
                return;
            }
            list_pids_now();
            walk_listed();
            return;
        }
        results.resize(1);
        PrefetchResult& res = results[0];
        res.sockets = std::move(*fds);
        std::vector<Pid> holders;
        for (const SocketFd& sf : res.sockets)
            if (holders.empty() || holders.back() != sf.second.pid) holders.push_back(sf.second.pid);
        std::sort(holders.begin(), holders.end());
        holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
        for (Pid pid : holders) {
            if (stop.load(std::memory_order_relaxed)) break;
            add_process(proc_fd, pid, request, res.processes, res.exe_hidden);
        }
    }

    void join() {
        for (auto& t : threads) t.join();
        threads.clear();
        if (proc_fd >= 0) ::close(proc_fd);
        proc_fd = -1;
    }
};

OwnerPrefetch::OwnerPrefetch(const OwnerRequest& request, const std::string& proc_root)
    : state_(std::make_unique<State>()) {
    State& st = *state_;
    st.request = request;
    st.proc_root = root_or_default(proc_root);
    st.proc_fd = ::open(st.proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (st.proc_fd < 0) {
        st.warning = "cannot read " + st.proc_root + ": " + std::system_category().message(errno) +
                     "; socket owners are not shown";
        return;
    }
    // One helper either way: the calling thread is busy reading the tables meanwhile. The
    // kernel's list (the backend only prefetches at kOwnerPrefetchMinSockets or more) costs one
    // core; the walk starts more helpers of its own.
    // The walk's pid list is read now, before the tables, as ss -p reads /proc first.
    const bool kernel = kernel_owner_map_fits(request, st.proc_root, kOwnerPrefetchMinSockets);
    if (!kernel) st.list_pids_now();
    try {
        st.threads.emplace_back([&st, kernel] { kernel ? st.from_kernel() : st.walk_listed(); });
    } catch (const std::system_error&) {
        kernel ? st.from_kernel() : st.walk_listed();  // no thread at all: here, before the dump
    }
}

OwnerPrefetch::~OwnerPrefetch() {
    if (!state_) return;
    state_->stop.store(true, std::memory_order_relaxed);
    state_->join();
}

bool OwnerPrefetch::serves(const OwnerRequest& request) const {
    const OwnerRequest& mine = state_->request;
    return mine.only_pids == request.only_pids && mine.want_cmdline == request.want_cmdline &&
           mine.want_exe == request.want_exe;
}

void OwnerPrefetch::attach(Snapshot& snap, const OwnerRequest& request) {
    SnapshotJoin join(snap);
    attach(join, snap, request);
}

void OwnerPrefetch::attach(PackedSockets& rows, Snapshot& context, const OwnerRequest& request) {
    PackedJoin join(rows);
    attach(join, context, request);
}

void OwnerPrefetch::attach(OwnerJoin& join, Snapshot& snap, const OwnerRequest& request) {
    State& st = *state_;
    st.join();
    if (!st.kernel_error.empty()) throw RuntimeError(st.kernel_error);
    snap.processes.clear();
    if (!st.warning.empty()) snap.warnings.push_back(st.warning);
    if (st.results.empty()) {
        join.done();
        return;  // the proc root could not be opened: no walk ran
    }

    // The walk saw every socket fd: one list of them sorted by inode, looked up once per socket.
    std::vector<SocketFd> fds = std::move(st.results[0].sockets);
    std::vector<std::pair<Pid, Process>> processes = std::move(st.results[0].processes);
    std::vector<WorkerResult> results(1);
    for (auto& from : st.results) {
        fds.insert(fds.end(), from.sockets.begin(), from.sockets.end());
        std::vector<SocketFd>().swap(from.sockets);
        for (auto& p : from.processes) processes.push_back(std::move(p));
        results[0].hidden += from.hidden;
        results[0].exe_hidden += from.exe_hidden;
    }
    std::sort(fds.begin(), fds.end(), [](const SocketFd& a, const SocketFd& b) { return a.first < b.first; });
    std::sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    // Keep the details of only the processes that own one of the join's sockets.
    std::vector<bool> owning(processes.size(), false);
    {
        const SortedInodes<SocketFd> by_inode(fds);
        for (std::size_t i = 0; i < join.size(); ++i) {
            const auto inode = join.inode(i);
            if (!inode) continue;
            by_inode.for_each_match(*inode, [&](const SocketFd& fd) {
                join.add(static_cast<std::uint32_t>(i), fd.second);
                auto p = std::lower_bound(processes.begin(), processes.end(), fd.second.pid,
                                          [](const auto& e, Pid pid) { return e.first < pid; });
                if (p != processes.end() && p->first == fd.second.pid) owning[p - processes.begin()] = true;
            });
        }
    }
    std::vector<SocketFd>().swap(fds);
    for (std::size_t k = 0; k < processes.size(); ++k)
        if (owning[k]) results[0].processes.push_back(std::move(processes[k]));
    finish(join, snap, results, request);
}

}  // namespace tcpstat::procfs
