// Owns ProcFile and read_proc_file: the non-blocking, regular-files-only, bounded /proc reader.
#include "proc_file.hpp"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace tcpstat::procfs {

ProcFile::ProcFile(int dir_fd, const char* path) {
    fd_ = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd_ < 0) {
        error_ = errno;
        return;
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        error_ = S_ISDIR(st.st_mode) ? EISDIR : kNotRegularFile;
        ::close(fd_);
        fd_ = -1;
        return;
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
}

bool ProcFile::on_procfs() const {
    struct statfs sfs {};
    return fd_ >= 0 && ::fstatfs(fd_, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

ProcFile::~ProcFile() {
    if (fd_ >= 0) ::close(fd_);
}

ssize_t ProcFile::read(char* buf, std::size_t n) {
    if (fd_ < 0) {
        errno = EBADF;
        return -1;
    }
    for (;;) {
        const ssize_t got = ::read(fd_, buf, n);
        if (got >= 0 || errno != EINTR) return got;
    }
}

std::string proc_error_text(int error) {
    return error == kNotRegularFile ? std::string("not a regular file") : std::system_category().message(error);
}

std::optional<std::string> read_proc_file(int dir_fd, const char* path, std::size_t limit, int* error) {
    ProcFile f(dir_fd, path);
    if (f.error() != 0) {
        if (error) *error = f.error();
        return std::nullopt;
    }
    std::string out;
    char chunk[4096];
    while (out.size() < limit) {
        const ssize_t n = f.read(chunk, std::min(sizeof chunk, limit - out.size()));
        if (n == 0) break;
        if (n < 0) {
            if (error) *error = errno;
            return std::nullopt;
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
}

}  // namespace tcpstat::procfs
