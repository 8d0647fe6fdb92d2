// Owns finding the processes kill must spare on Linux: tcpstat, its parents, and the process serving each one's terminal.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "owners_walk.hpp"
#include "proc_file.hpp"
#include "procfs.hpp"

namespace tcpstat::procfs {

namespace {

struct StatIds {
    Pid ppid = 0;
    Pid session = 0;
};

// "<pid>/stat": "1234 (comm) S ppid pgrp session ..."; comm may hold ')' and spaces, so the
// fields are counted from the last ')'.
bool read_stat_ids(int proc_fd, Pid pid, StatIds& ids) {
    char path[32];
    const auto stat = read_proc_file(proc_fd, pid_path(path, pid, "/stat"), 1024);
    if (!stat || stat->empty()) return false;
    std::string_view text(*stat);
    const auto paren = text.rfind(')');
    if (paren == std::string_view::npos) return false;
    text.remove_prefix(paren + 1);
    Pid fields[4] = {};  // state is skipped: ppid, pgrp, session
    int got = -1;        // -1: the state letter
    std::size_t pos = 0;
    while (got < 3 && pos < text.size()) {
        const auto start = text.find_first_not_of(' ', pos);
        if (start == std::string_view::npos) break;
        const auto end = std::min(text.find(' ', start), text.size());
        if (got >= 0) std::from_chars(text.data() + start, text.data() + end, fields[got]);
        ++got;
        pos = end;
    }
    if (got < 3) return false;
    ids.ppid = fields[0];
    ids.session = fields[2];
    return true;
}

}  // namespace

std::vector<Pid> own_session_pids(const std::string& proc_root) {
    const Pid self = ::getpid();
    std::vector<Pid> out{self};
    const int proc_fd = ::open(proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0) return out;
    auto buf = std::make_unique<WalkBuffers>();
    std::vector<Pid> pids;
    list_pids(proc_fd, pids, *buf);
    std::unordered_map<Pid, StatIds> ids;
    for (Pid pid : pids) {
        StatIds one;
        if (read_stat_ids(proc_fd, pid, one)) ids.emplace(pid, one);
    }
    ::close(proc_fd);
    auto add = [&](Pid pid) {
        if (pid > 1 && std::find(out.begin(), out.end(), pid) == out.end()) out.push_back(pid);
    };
    // The chain of parents the command came through, and the parent of each one's session
    // leader (the sshd, telnetd or terminal emulator holding that terminal's far end): under
    // sudo, which may open a session of its own, the chain still reaches the sshd. The shell's
    // other jobs are not spared: a leaking server started from this shell is a fair target.
    // Pid 1 serves no connection of this session.
    for (Pid at = self; at > 1;) {
        const auto it = ids.find(at);
        if (it == ids.end()) break;
        add(it->second.ppid);
        if (it->second.session > 1 && ids.count(it->second.session)) add(ids.at(it->second.session).ppid);
        at = it->second.ppid;
    }
    return out;
}

}  // namespace tcpstat::procfs
