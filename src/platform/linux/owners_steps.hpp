// Owns the steps the owner walk after the dump and the prefetch before it share: the pid queue,
// reading an owner's details, and handing the result to an OwnerJoin and the snapshot.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "owners_join.hpp"
#include "owners_walk.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

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
                 std::size_t& exe_hidden);

// The pids to walk: --pid's (sorted, unique) or every one listed in proc_fd; err is 0 or an errno.
std::vector<Pid> pids_to_walk(int proc_fd, const OwnerRequest& request, int& err);

// Walker threads for this many pids (the caller's included).
unsigned thread_count(std::size_t pids);

// Owners into the join, process details (with user names when asked) into the snapshot, and
// the one warning about processes that could not be read.
void finish(OwnerJoin& join, Snapshot& snap, std::vector<WorkerResult>& results, const OwnerRequest& request);

std::string root_or_default(const std::string& proc_root);

}  // namespace tcpstat::procfs
