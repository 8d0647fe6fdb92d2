// Owns --output FILE: a regular file is replaced atomically or left untouched; a FIFO or device is written through.
#include "app/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace tcpstat::app {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
    throw RuntimeError(fmt::format("cannot write --output {}: {}: {}", path, what, std::strerror(err)));
}

#ifndef _WIN32
std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}
#endif

}  // namespace

#ifdef _WIN32

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    if (path_.empty()) throw UsageError("empty --output: expected a file path such as C:\\metrics\\tcpstat.prom");
    for (unsigned attempt = 0; fd_ < 0; ++attempt) {
        temp_ = fmt::format("{}.tmp.{}{}", path_, ::GetCurrentProcessId(), attempt);
        fd_ = ::_open(temp_.c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
        if (fd_ < 0 && (errno != EEXIST || attempt == 100)) {
            temp_.clear();
            fail(path_, "cannot create a temporary file beside it", errno);
        }
    }
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::_close(fd_);
    if (!committed_ && !temp_.empty()) ::_unlink(temp_.c_str());
}

void AtomicFile::commit() {
    if (::_commit(fd_) != 0) fail(path_, "flush to disk", errno);
    int fd = fd_;
    fd_ = -1;
    if (::_close(fd) != 0) fail(path_, "close", errno);
    // rename() refuses an existing target on Windows; MoveFileEx replaces it in one step.
    if (!::MoveFileExA(temp_.c_str(), path_.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        throw RuntimeError(fmt::format("cannot write --output {}: rename: Windows error {}", path_, ::GetLastError()));
    committed_ = true;
}

#else

namespace {

// What stands at the path today decides how it is written (docs/security.md, "What tcpstat writes").
struct Target {
    enum Kind { Absent, Regular, Stream } kind = Absent;
    std::string path;  // for Regular: the file a symlink chain ends at, so the link itself survives
};

Target classify(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        struct stat link {};
        if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
            throw UsageError(fmt::format("--output {} is a symlink to a file that does not exist: give the "
                                         "target's own path",
                                         path));
        if (err == ENOENT) return {Target::Absent, path};
        fail(path, "cannot look at it", err);
    }
    if (S_ISREG(st.st_mode)) {
        struct stat link {};
        if (::lstat(path.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return {Target::Regular, path};
        char* real = ::realpath(path.c_str(), nullptr);
        if (!real) fail(path, "cannot resolve the symlink", errno);
        std::string resolved(real);
        std::free(real);
        return {Target::Regular, resolved};
    }
    // A FIFO, a terminal, /dev/null: nothing to replace; the bytes go straight through.
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) return {Target::Stream, path};
    const char* what = S_ISDIR(st.st_mode) ? "a directory" : S_ISBLK(st.st_mode) ? "a block device" : "a socket";
    throw UsageError(fmt::format("--output {} is {}: expected a regular file (replaced atomically), a FIFO "
                                 "or a character device such as /dev/stdout",
                                 path, what));
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    if (path_.empty()) throw UsageError("empty --output: expected a file path such as /var/lib/node_exporter/tcpstat.prom");
    const Target target = classify(path_);
    if (target.kind == Target::Stream) {
        // O_NONBLOCK: opening a FIFO nobody reads would otherwise wait forever.
        fd_ = ::open(path_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (fd_ < 0 && errno == ENXIO)
            throw RuntimeError(fmt::format("cannot write --output {}: it is a FIFO and nothing reads it", path_));
        if (fd_ < 0) fail(path_, "open", errno);
        const int flags = ::fcntl(fd_, F_GETFL);
        if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK) != 0) fail(path_, "fcntl", errno);
        return;
    }
    final_ = target.path;
    std::vector<char> tmpl(final_.begin(), final_.end());
    for (char c : std::string_view(".tmp.XXXXXX")) tmpl.push_back(c);
    tmpl.push_back('\0');
    fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd_ < 0) fail(path_, "cannot create a temporary file beside it", errno);
    temp_.assign(tmpl.data());
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::commit() {
    int fd = fd_;
    fd_ = -1;
    if (temp_.empty()) {  // written straight through
        if (::close(fd) != 0) fail(path_, "close", errno);
        committed_ = true;
        return;
    }
    if (::fsync(fd) != 0) fail(path_, "fsync", errno);
    // mkstemp creates 0600; the collector runs as another user and must read the file.
    if (::fchmod(fd, 0644) != 0) fail(path_, "chmod", errno);
    if (::close(fd) != 0) fail(path_, "close", errno);
    if (::rename(temp_.c_str(), final_.c_str()) != 0) fail(path_, "rename", errno);
    committed_ = true;
    // Make the rename itself durable; a failure here loses nothing already visible, so it is
    // not worth failing the run for.
    int dir = ::open(directory_of(final_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
    }
}

#endif

int write_atomically(const std::string& path, const std::function<int(Output&)>& produce) {
    AtomicFile file(path);
    int code = 0;
    {
        Output out(file.fd(), path);
        code = produce(out);
        out.flush();
    }
    file.commit();
    return code;
}

}  // namespace tcpstat::app
