// Owns the owner walk's shared steps: pids to walk, owner details, and the hand-over of a result.
#include "owners_steps.hpp"

#include <algorithm>
#include <memory>
#include <thread>

#include "process_info.hpp"
#include "users.hpp"

namespace tcpstat::procfs {

void add_process(int proc_fd, Pid pid, const OwnerRequest& request, std::vector<std::pair<Pid, Process>>& into,
                 std::size_t& exe_hidden) {
    bool denied = false;
    into.emplace_back(pid, read_process(proc_fd, pid, request, &denied));
    if (denied) ++exe_hidden;
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

namespace {

void merge_owners(OwnerJoin& join, std::vector<WorkerResult>& results) {
    // Each thread's matches are freed as soon as they are handed over: no merged copy of every
    // match and no sort of 100k entries (both cost more than the appends).
    for (WorkerResult& r : results) {
        for (const OwnerMatch& m : r.matches) join.add(m.first, m.second);
        std::vector<OwnerMatch>().swap(r.matches);
    }
    join.done();
}

}  // namespace

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

}  // namespace tcpstat::procfs
