// Owns the one way tcpstat reads a file under /proc or /sys, or a recorded copy of them: never blocking, regular files only, bounded.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tcpstat::procfs {

// ProcFile::error() for anything but a regular file (errno values are all positive).
inline constexpr int kNotRegularFile = -1;

// A file under a /proc tree, open for reading. A recorded --proc-root may hold anything in its
// place: open(2) of a FIFO would wait for a writer forever (so it is opened O_NONBLOCK), and a
// device such as /dev/zero never reaches EOF (so only regular files are accepted).
class ProcFile {
public:
    // path is relative to dir_fd (an open directory), or to the working directory with AT_FDCWD.
    ProcFile(int dir_fd, const char* path);
    ~ProcFile();
    ProcFile(const ProcFile&) = delete;
    ProcFile& operator=(const ProcFile&) = delete;

    // 0 when open; else the errno of the failure, or kNotRegularFile.
    int error() const { return error_; }
    // The kernel's own file (procfs), not a recorded copy: its size says nothing (0). Asked
    // only by the table reader, so the small reads pay no statfs(2).
    bool on_procfs() const;
    std::uint64_t size() const { return size_; }
    // One read(2), EINTR retried: bytes read, 0 at EOF, -1 with errno set on failure.
    ssize_t read(char* buf, std::size_t n);

private:
    int fd_ = -1;
    int error_ = 0;
    std::uint64_t size_ = 0;
};

// "not a regular file", or the errno's text.
std::string proc_error_text(int error);

// The whole of a small file, at most `limit` bytes (anything longer is cut there: the kernel's
// own files are far shorter, so only a recorded tree's can be). nullopt when it cannot be opened,
// is not a regular file, or a read fails; *error (when given) then says why.
std::optional<std::string> read_proc_file(int dir_fd, const char* path, std::size_t limit = 64 * 1024,
                                          int* error = nullptr);
inline std::optional<std::string> read_proc_file(const std::string& path, std::size_t limit = 64 * 1024,
                                                 int* error = nullptr) {
    return read_proc_file(AT_FDCWD, path.c_str(), limit, error);
}

}  // namespace tcpstat::procfs
