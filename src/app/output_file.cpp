// Owns --output FILE: the whole result replaces FILE atomically, or FILE is left untouched.
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

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    if (path_.empty()) throw UsageError("empty --output: expected a file path such as /var/lib/node_exporter/tcpstat.prom");
    std::vector<char> tmpl(path_.begin(), path_.end());
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
    if (::fsync(fd_) != 0) fail(path_, "fsync", errno);
    // mkstemp creates 0600; the collector runs as another user and must read the file.
    if (::fchmod(fd_, 0644) != 0) fail(path_, "chmod", errno);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail(path_, "close", errno);
    if (::rename(temp_.c_str(), path_.c_str()) != 0) fail(path_, "rename", errno);
    committed_ = true;
    // Make the rename itself durable; a failure here loses nothing already visible, so it is
    // not worth failing the run for.
    int dir = ::open(directory_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
