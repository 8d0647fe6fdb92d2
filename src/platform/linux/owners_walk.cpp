// Owns the getdents64/readlinkat walk over /proc/<pid>/fd that finds which fds are indexed sockets.
#include "owners_walk.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <charconv>
#include <cstring>
#include <string_view>

#include "procfs_scan.hpp"

namespace tcpstat::procfs {
namespace {

// The kernel's linux_dirent64 header; d_name follows it, NUL-terminated within d_reclen.
struct Dirent64Head {
    std::uint64_t d_ino;
    std::int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
};
constexpr std::size_t kNameOffset = 19;  // offsetof(linux_dirent64, d_name)
static_assert(offsetof(Dirent64Head, d_type) + 1 == kNameOffset);

// Calls f(name) for each entry except "." and "..". Returns 0 or the errno of getdents64.
template <class F>
int for_each_entry(int dir_fd, WalkBuffers& buf, F&& f) {
    for (;;) {
        const long n = ::syscall(SYS_getdents64, dir_fd, buf.dents, sizeof buf.dents);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        for (long off = 0; off + static_cast<long>(kNameOffset) < n;) {
            Dirent64Head head;
            std::memcpy(&head, buf.dents + off, sizeof head);
            if (head.d_reclen <= kNameOffset || off + head.d_reclen > n) return EIO;  // corrupt record
            const char* name = buf.dents + off + kNameOffset;
            const std::size_t max_len = head.d_reclen - kNameOffset;
            const std::size_t len = ::strnlen(name, max_len);
            off += head.d_reclen;
            if (len == max_len) continue;  // unterminated name: cannot be handed back to the kernel
            const std::string_view entry(name, len);
            if (entry == "." || entry == "..") continue;
            f(entry);
        }
    }
}

}  // namespace

char* pid_path(char* out, Pid pid, const char* suffix) {
    auto res = std::to_chars(out, out + 12, pid);
    const std::size_t len = std::strlen(suffix);
    std::memcpy(res.ptr, suffix, len + 1);
    return out;
}

int list_pids(int dir_fd, std::vector<Pid>& out, WalkBuffers& buf) {
    return for_each_entry(dir_fd, buf, [&](std::string_view name) {
        std::uint64_t v = 0;
        if (parse_dec(name, INT32_MAX, v) && v > 0) out.push_back(static_cast<Pid>(v));
    });
}

namespace {

// Calls on_socket(inode, fd) for each fd of pid linked to a socket.
template <class F>
FdScan scan_fds(int proc_fd, Pid pid, WalkBuffers& buf, F&& on_socket) {
    char path[32];
    const int fd_dir = ::openat(proc_fd, pid_path(path, pid, "/fd"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_dir < 0) return errno == EACCES || errno == EPERM ? FdScan::Denied : FdScan::Vanished;

    const int err = for_each_entry(fd_dir, buf, [&](std::string_view name) {
        std::uint64_t fd = 0;
        if (!parse_dec(name, INT32_MAX, fd)) return;
        // name points into buf.dents and is NUL-terminated there, so it can go to the kernel as-is.
        const ssize_t n = ::readlinkat(fd_dir, name.data(), buf.link, sizeof buf.link);
        if (n <= 0) return;  // closed since the listing: not an owner any more
        std::uint64_t inode = 0;
        if (!parse_socket_link(std::string_view(buf.link, static_cast<std::size_t>(n)), inode)) return;
        on_socket(inode, static_cast<std::int32_t>(fd));
    });
    ::close(fd_dir);
    if (err == EACCES || err == EPERM) return FdScan::Denied;
    return err == 0 ? FdScan::Ok : FdScan::Vanished;
}

}  // namespace

FdScan scan_pid_fds(int proc_fd, Pid pid, const InodeIndex& index, std::vector<OwnerMatch>& out,
                    WalkBuffers& buf) {
    return scan_fds(proc_fd, pid, buf, [&](std::uint64_t inode, std::int32_t fd) {
        index.for_each_match(inode, [&](std::uint32_t sock) { out.emplace_back(sock, Owner{pid, fd}); });
    });
}

FdScan scan_pid_socket_fds(int proc_fd, Pid pid, std::vector<SocketFd>& out, WalkBuffers& buf) {
    return scan_fds(proc_fd, pid, buf,
                    [&](std::uint64_t inode, std::int32_t fd) { out.emplace_back(inode, Owner{pid, fd}); });
}

}  // namespace tcpstat::procfs
