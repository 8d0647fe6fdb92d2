// Owns the NETLINK_SOCK_DIAG socket I/O: open, send the request, receive until done, retry.
#include "netlink_dump.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <system_error>

#include "netlink.hpp"

namespace tcpstat::netlink {

namespace {

// A dump of 100k sockets arrives in well under a second; a kernel that stays silent this long
// is not going to finish, and hanging forever would be worse than an error.
constexpr int kReceiveTimeoutSeconds = 10;

std::string errno_text(int e) { return std::generic_category().message(e); }

// "<prefix><table>: <detail>", the one shape of every message here.
std::string fmt_what(std::string_view prefix, std::string_view what, std::string_view detail) {
    std::string s;
    s.reserve(prefix.size() + what.size() + detail.size() + 2);
    s.append(prefix).append(what).append(": ").append(detail);
    return s;
}

bool means_refused(int e) { return e == EPERM || e == EACCES; }

class Fd {
public:
    // owned = false borrows a caller's socket: it is used, never closed.
    explicit Fd(int fd, bool owned = true) : fd_(fd), owned_(owned) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd_(o.fd_), owned_(o.owned_) { o.fd_ = -1; }
    ~Fd() {
        if (owned_ && fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
    bool owned_;
};

Fd open_socket() { return Fd(open_diag_socket()); }

std::uint32_t next_seq() {
    // Distinct per dump so a stray answer to an earlier request can never be mistaken for ours.
    static std::atomic<std::uint32_t> counter{static_cast<std::uint32_t>(
        std::chrono::steady_clock::now().time_since_epoch().count())};
    return counter.fetch_add(1, std::memory_order_relaxed);
}

void send_request(const Fd& fd, const std::vector<std::uint8_t>& request, std::string_view what) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    for (;;) {
        const ssize_t n = ::sendto(fd.get(), request.data(), request.size(), 0,
                                   reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
        if (n == static_cast<ssize_t>(request.size())) return;
        const int e = n < 0 ? errno : EMSGSIZE;
        if (e == EINTR) continue;
        if (means_refused(e)) throw Unavailable("netlink sock_diag request refused: " + errno_text(e));
        throw RuntimeError(fmt_what("cannot send the netlink dump request for ", what, errno_text(e)));
    }
}

std::uint32_t local_portid(const Fd& fd) {
    sockaddr_nl self{};
    socklen_t len = sizeof self;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&self), &len) != 0) return 0;
    return self.nl_pid;
}

// Receives one datagram (a batch of whole messages). Returns its size, or -1 for ENOBUFS
// (the kernel dropped messages: the dump must restart).
ssize_t receive(const Fd& fd, std::vector<std::uint8_t>& rx, std::string_view what) {
    for (;;) {
        sockaddr_nl from{};
        iovec iov{rx.data(), rx.size()};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        const ssize_t n = ::recvmsg(fd.get(), &msg, 0);
        if (n < 0) {
            const int e = errno;
            if (e == EINTR) continue;
            if (e == ENOBUFS) return -1;
            if (e == EAGAIN || e == EWOULDBLOCK)
                throw RuntimeError(fmt_what("netlink dump of ", what, "timed out waiting for the kernel"));
            throw RuntimeError(fmt_what("netlink receive failed for ", what, errno_text(e)));
        }
        if (n == 0) throw RuntimeError(fmt_what("netlink socket closed during the dump of ", what, "no data"));
        if (msg.msg_flags & MSG_TRUNC)
            throw RuntimeError(fmt_what("netlink message larger than the receive buffer in ", what, "truncated"));
        if (from.nl_pid != 0) continue;  // only the kernel answers dumps
        return n;
    }
}

enum class Attempt { Complete, Retry };

Attempt attempt(std::vector<std::uint8_t>& request, DumpConsumer& consumer,
                std::vector<std::uint8_t>& rx, std::string_view what, int socket_fd) {
    // A reused socket may still hold the tail of an abandoned attempt: its messages carry the
    // old sequence number, which parse_buffer ignores.
    Fd fd = socket_fd >= 0 ? Fd(socket_fd, false) : open_socket();
    const std::uint32_t seq = next_seq();
    std::memcpy(request.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
    send_request(fd, request, what);
    const std::uint32_t portid = local_portid(fd);
    consumer.restart();

    for (bool first = true;; first = false) {
        const ssize_t n = receive(fd, rx, what);
        if (n < 0) return Attempt::Retry;
        const BufferResult r = consumer.consume({rx.data(), static_cast<std::size_t>(n)}, seq, portid);
        switch (r.status) {
            case BufferStatus::More: continue;
            case BufferStatus::Done: return Attempt::Complete;
            case BufferStatus::Interrupted: return Attempt::Retry;
            case BufferStatus::Failed:
                if (r.error == ENOBUFS) return Attempt::Retry;
                // No inet_diag/udp_diag module (ENOENT), or a policy refusing the request.
                if (first && (means_refused(r.error) || r.error == EOPNOTSUPP || r.error == ENOENT))
                    throw Unavailable(fmt_what("netlink inet_diag refused the dump of ", what, errno_text(r.error)));
                throw DumpFailed(r.error, fmt_what("netlink dump of ", what, errno_text(r.error)));
            case BufferStatus::Malformed:
                throw RuntimeError(fmt_what("malformed netlink answer in the dump of ", what, "message framing broken"));
        }
    }
}

}  // namespace

int open_diag_socket() {
    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        const int e = errno;
        if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT || means_refused(e))
            throw Unavailable("netlink sock_diag socket refused: " + errno_text(e));
        throw RuntimeError("cannot open a netlink sock_diag socket: " + errno_text(e));
    }
    timeval tv{};
    tv.tv_sec = kReceiveTimeoutSeconds;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);  // best effort
    return fd;
}

void run_dump(std::vector<std::uint8_t> request, DumpConsumer& consumer, std::vector<std::uint8_t>& rx,
              std::string_view what, int socket_fd) {
    if (request.size() < sizeof(nlmsghdr)) throw RuntimeError("netlink request too short");
    if (rx.size() < kMinReceiveBuffer) rx.resize(kMinReceiveBuffer);
    for (int i = 0; i <= kDumpRetries; ++i) {
        if (attempt(request, consumer, rx, what, socket_fd) == Attempt::Complete) return;
    }
    consumer.restart();  // never leave a partial list behind
    throw RuntimeError("netlink dump of " + std::string(what) + " kept being interrupted (the table changed " +
                       std::to_string(kDumpRetries + 1) +
                       " times while it was read, or the kernel ran out of buffer space); try again or use --source proc");
}

}  // namespace tcpstat::netlink
