// Owns attach_owners: the parallel pid walk, merging its matches into sockets, and process details.
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
#include "owners_walk.hpp"
#include "process_info.hpp"
#include "tcpstat/error.hpp"
#include "users.hpp"

namespace tcpstat::procfs {
namespace {

struct WorkerResult {
    std::vector<OwnerMatch> matches;
    std::vector<std::pair<Pid, Process>> processes;
    std::size_t hidden = 0;
    std::size_t exe_hidden = 0;  // processes whose exe link could not be read
};

// Hands out the pid list one pid at a time: sockets gather in a few processes with consecutive
// pids (a server's workers), and chunks of 16 pids put all of them on one thread (measured: a
// 100k-socket walk over 8 holders ran on one core of two). An atomic add per pid costs nothing
// next to reading that pid's fd directory.
class PidQueue {
public:
    explicit PidQueue(const std::vector<Pid>& pids) : pids_(pids) {}
    bool next(Pid& pid) {
        const std::size_t i = pos_.fetch_add(1, std::memory_order_relaxed);
        if (i >= pids_.size()) return false;
        pid = pids_[i];
        return true;
    }

private:
    const std::vector<Pid>& pids_;
    std::atomic<std::size_t> pos_{0};
};

// Reads an owning process's details and counts an exe the kernel would not show.
void add_process(int proc_fd, Pid pid, const OwnerRequest& request, std::vector<std::pair<Pid, Process>>& into,
                 std::size_t& exe_hidden) {
    bool denied = false;
    into.emplace_back(pid, read_process(proc_fd, pid, request, &denied));
    if (denied) ++exe_hidden;
}

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

std::vector<Pid> pids_to_walk(int proc_fd, const OwnerRequest& request, int& err) {
    std::vector<Pid> pids;
    err = 0;
    if (!request.only_pids.empty()) {
        for (Pid p : request.only_pids)
            if (p > 0) pids.push_back(p);
        std::sort(pids.begin(), pids.end());
        pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
        return pids;
    }
    auto buf = std::make_unique<WalkBuffers>();
    err = list_pids(proc_fd, pids, *buf);
    return pids;
}

unsigned thread_count(std::size_t pids) {
    const unsigned hw = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    // Thread start-up costs more than reading a handful of fd directories.
    return pids < 64 ? 1u : hw;
}

void merge_owners(OwnerJoin& join, std::vector<WorkerResult>& results) {
    // Each thread's matches are freed as soon as they are handed over: no merged copy of every
    // match and no sort of 100k entries (both cost more than the appends).
    for (WorkerResult& r : results) {
        for (const OwnerMatch& m : r.matches) join.add(m.first, m.second);
        std::vector<OwnerMatch>().swap(r.matches);
    }
    join.done();
}

// Owners into sockets, process details (with user names when asked) into the snapshot, and
// the one warning about processes that could not be read.
void finish(OwnerJoin& join, Snapshot& snap, std::vector<WorkerResult>& results, const OwnerRequest& request) {
    merge_owners(join, results);

    UserNames names;
    std::size_t hidden = 0, exe_hidden = 0;
    for (auto& r : results) {
        hidden += r.hidden;
        exe_hidden += r.exe_hidden;
        for (auto& [pid, proc] : r.processes) {
            if (proc.uid && request.user_names) {
                if (const auto& user = names.name_of(*proc.uid)) proc.user = *user;
            }
            snap.processes.insert_or_assign(pid, std::move(proc));
        }
    }
    if (hidden > 0)
        snap.warnings.push_back("owners of some sockets are hidden: " + std::to_string(hidden) +
                                (hidden == 1 ? " process" : " processes") +
                                " could not be read (run as root to see all)");
    if (exe_hidden > 0)
        snap.warnings.push_back("exe of some owners is hidden: " + std::to_string(exe_hidden) +
                                (exe_hidden == 1 ? " process" : " processes") +
                                " could not be read (run as root to see all)");
    snap.owners_attached = true;
    snap.owners_hidden = hidden;
}

std::string root_or_default(const std::string& proc_root) { return proc_root.empty() ? "/proc" : proc_root; }

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

}  // namespace

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

namespace {

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
