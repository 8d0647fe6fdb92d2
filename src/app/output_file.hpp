// Owns --output FILE: the whole result replaces FILE atomically, or FILE is left untouched.
#pragma once

#include <functional>
#include <string>

#include "tcpstat/output.hpp"

namespace tcpstat::app {

// A temporary file next to the target ("FILE.tmp.XXXXXX"); commit() makes it FILE, and if it is
// never committed (an error, an exception) the destructor removes it. Readers such as
// node_exporter's textfile collector therefore see either the old file or the new one.
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
    int fd_ = -1;
    bool committed_ = false;
};

// Runs `produce` on an Output writing to a fresh AtomicFile for `path` and commits it; returns
// what `produce` returned (the command's exit code).
int write_atomically(const std::string& path, const std::function<int(Output&)>& produce);

}  // namespace tcpstat::app
