// Owns --output FILE: a regular file is replaced atomically or left untouched; a FIFO or device is written through.
#pragma once

#include <functional>
#include <string>

#include "tcpstat/output.hpp"

namespace tcpstat::app {

// A temporary file next to the target ("FILE.tmp.XXXXXX"); commit() makes it FILE, and if it is
// never committed (an error, an exception) the destructor removes it. Readers such as
// node_exporter's textfile collector therefore see either the old file or the new one.
// What already stands at the path is never replaced by anything but a regular file: a symlink to
// a regular file has its target replaced (the link stays), a FIFO or character device
// (/dev/null, /dev/stdout, a terminal) is written straight through, and a directory, block
// device, socket or dangling symlink is refused with UsageError (POSIX; Windows keeps MoveFileEx).
class AtomicFile {
public:
    explicit AtomicFile(std::string path);  // throws RuntimeError naming the path and errno
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    int fd() const { return fd_; }
    const std::string& path() const { return path_; }
    // fsync, mode 0644, rename over the target; throws RuntimeError on any failure.
    void commit();

private:
    std::string path_, temp_;
    std::string final_;  // what the rename replaces: path_, or the regular file a symlink names
    int fd_ = -1;
    bool committed_ = false;
};

// Runs `produce` on an Output writing to a fresh AtomicFile for `path` and commits it; returns
// what `produce` returned (the command's exit code).
int write_atomically(const std::string& path, const std::function<int(Output&)>& produce);

}  // namespace tcpstat::app
