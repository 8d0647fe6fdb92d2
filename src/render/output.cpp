// Owns buffered output to a file descriptor and the mapping of write errors to exit paths.
#include "tcpstat/output.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace tcpstat {

Output::Output(int fd, std::string name) : fd_(fd), name_(std::move(name)), tty_(::isatty(fd) == 1) {}

Output::Output(std::string* sink) : fd_(-1), sink_(sink), name_("string") {}

Output::~Output() {
    try {
        flush();
    } catch (...) {
        // Destructors must not throw; callers that care call flush() themselves.
    }
}

void Output::flush() {
    if (used_ == 0) return;
    std::size_t n = used_;
    used_ = 0;  // drop the buffer even on error so a later flush does not repeat the failure
    write_all(buf_, n);
}

void Output::spill(std::string_view s) {
    flush();
    if (s.size() >= kCapacity) {
        write_all(s.data(), s.size());
    } else {
        s.copy(buf_, s.size());
        used_ = s.size();
    }
}

void Output::write_all(const char* p, std::size_t n) {
    if (sink_ != nullptr) {
        sink_->append(p, n);
        return;
    }
    while (n > 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE) throw BrokenPipe();
            throw RuntimeError(fmt::format("cannot write to {}: {}", name_, std::strerror(errno)));
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

}  // namespace tcpstat
