// Owns reading a process's comm, uid, cmdline and exe relative to an open /proc directory.
#include "process_info.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "owners_walk.hpp"
#include "proc_file.hpp"

namespace tcpstat::procfs {
Process read_process(int proc_fd, Pid pid, const OwnerRequest& want, bool* exe_denied) {
    Process p;
    char path[32];

    // comm is at most 16 bytes on a live system; the cap only guards recorded trees.
    if (auto comm = read_proc_file(proc_fd, pid_path(path, pid, "/comm"), 4096)) {
        p.name = std::move(*comm);
        if (!p.name.empty() && p.name.back() == '\n') p.name.pop_back();
    }

    struct stat st {};
    if (::fstatat(proc_fd, pid_path(path, pid, ""), &st, 0) == 0) p.uid = static_cast<std::uint32_t>(st.st_uid);

    if (want.want_cmdline) {
        if (auto read = read_proc_file(proc_fd, pid_path(path, pid, "/cmdline"), 1 << 20)) {
            std::string cmd = std::move(*read);
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
