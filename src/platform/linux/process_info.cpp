// Owns reading a process's comm, uid, cmdline and exe relative to an open /proc directory.
#include "process_info.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "owners_walk.hpp"

namespace tcpstat::procfs {
namespace {

// Reads the whole file (at most `limit` bytes); false when it cannot be opened or read.
bool read_file_at(int dir_fd, const char* rel, std::string& out, std::size_t limit) {
    // O_NONBLOCK: in a recorded tree a FIFO would otherwise block open(2) for good.
    const int fd = ::openat(dir_fd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return false;
    out.clear();
    char chunk[4096];
    bool ok = true;
    while (out.size() < limit) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            ok = false;
            break;
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (out.size() > limit) out.resize(limit);
    return ok;
}

}  // namespace

Process read_process(int proc_fd, Pid pid, const OwnerRequest& want, bool* exe_denied) {
    Process p;
    char path[32];

    // comm is at most 16 bytes on a live system; the cap only guards recorded trees.
    if (read_file_at(proc_fd, pid_path(path, pid, "/comm"), p.name, 4096) && !p.name.empty() &&
        p.name.back() == '\n')
        p.name.pop_back();

    struct stat st {};
    if (::fstatat(proc_fd, pid_path(path, pid, ""), &st, 0) == 0) p.uid = static_cast<std::uint32_t>(st.st_uid);

    if (want.want_cmdline) {
        std::string cmd;
        if (read_file_at(proc_fd, pid_path(path, pid, "/cmdline"), cmd, 1 << 20)) {
            while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
            for (char& c : cmd)
                if (c == '\0') c = ' ';
            // Kernel threads and zombies have no command line: absent, not "".
            if (!cmd.empty()) p.cmdline = std::move(cmd);
        }
    }

    if (want.want_exe) {
        char target[4096];
        const ssize_t n = ::readlinkat(proc_fd, pid_path(path, pid, "/exe"), target, sizeof target);
        // A full buffer may be a truncated path: absent rather than wrong.
        if (n > 0 && static_cast<std::size_t>(n) < sizeof target)
            p.exe = std::string(target, static_cast<std::size_t>(n));
        else if (n < 0 && (errno == EACCES || errno == EPERM) && exe_denied != nullptr)
            *exe_denied = true;
    }
    return p;
}

}  // namespace tcpstat::procfs
