// Owns closing sockets through sock_diag (SOCK_DESTROY): one exact request per socket, with its cookie, and what each answer means.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "netlink.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::netlink {

namespace {

std::string errno_text(int e) { return std::generic_category().message(e); }

void put_address(const IpAddress& a, __be32 words[4]) {
    std::memcpy(words, a.bytes.data(), a.family == Family::Inet ? 4 : 16);
}

// nlmsghdr + inet_diag_req_v2 naming one socket exactly: both ends, the bound interface of a
// link-local address, and the cookie, so a new connection that reused the 4-tuple is not hit.
std::vector<std::uint8_t> destroy_request(const Socket& s, std::uint32_t seq) {
    std::vector<std::uint8_t> msg(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_req_v2)), 0);
    nlmsghdr hdr{};
    hdr.nlmsg_len = static_cast<std::uint32_t>(msg.size());
    hdr.nlmsg_type = SOCK_DESTROY;
    hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;  // an answer for success too, not only for errors
    hdr.nlmsg_seq = seq;
    std::memcpy(msg.data(), &hdr, sizeof hdr);

    inet_diag_req_v2 req{};
    req.sdiag_family = s.family == Family::Inet ? AF_INET : AF_INET6;
    req.sdiag_protocol = s.protocol == Protocol::Tcp ? IPPROTO_TCP : IPPROTO_UDP;
    req.idiag_states = ~0u;
    req.id.idiag_sport = htons(s.local.port);
    req.id.idiag_dport = htons(s.remote.port);
    put_address(s.local.addr, req.id.idiag_src);
    put_address(s.remote.addr, req.id.idiag_dst);
    req.id.idiag_if = s.local.addr.scope_id;
    const std::uint64_t cookie = s.cookie.value_or(0);
    req.id.idiag_cookie[0] = static_cast<std::uint32_t>(cookie);
    req.id.idiag_cookie[1] = static_cast<std::uint32_t>(cookie >> 32);
    std::memcpy(msg.data() + NLMSG_HDRLEN, &req, sizeof req);
    return msg;
}

// Sends one request and returns the kernel's answer: 0 or a positive errno.
int exchange(int fd, const std::vector<std::uint8_t>& request, std::uint32_t seq) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    for (;;) {
        const ssize_t n = ::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&kernel),
                                   sizeof kernel);
        if (n == static_cast<ssize_t>(request.size())) break;
        const int e = n < 0 ? errno : EMSGSIZE;
        if (e != EINTR) throw RuntimeError("cannot send the netlink SOCK_DESTROY request: " + errno_text(e));
    }
    std::uint8_t rx[8192];
    for (;;) {
        const ssize_t n = ::recv(fd, rx, sizeof rx, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                throw RuntimeError("netlink SOCK_DESTROY: timed out waiting for the kernel's answer");
            throw RuntimeError("netlink SOCK_DESTROY: receive failed: " + errno_text(errno));
        }
        std::size_t off = 0;
        const auto size = static_cast<std::size_t>(n);
        while (size - off >= NLMSG_HDRLEN) {
            nlmsghdr h{};
            std::memcpy(&h, rx + off, sizeof h);
            if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > size - off) break;
            if (h.nlmsg_seq == seq && h.nlmsg_type == NLMSG_ERROR && h.nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
                int code = 0;
                std::memcpy(&code, rx + off + NLMSG_HDRLEN, sizeof code);
                return code < 0 ? -code : code;
            }
            off += NLMSG_ALIGN(h.nlmsg_len);
        }
    }
}

}  // namespace

std::vector<CloseResult> destroy_sockets(std::span<const Socket> sockets, int socket_fd) {
    std::vector<CloseResult> out;
    out.reserve(sockets.size());
    bool closed_any = false;
    std::uint32_t seq = 0;
    for (const Socket& s : sockets) {
        if (!s.cookie) {
            out.push_back({CloseOutcome::Refused, "its socket cookie is unknown (read from /proc, not netlink)"});
            continue;
        }
        ++seq;
        const int err = exchange(socket_fd, destroy_request(s, seq), seq);
        // The first refusal that holds for every socket ends the run before anything was closed.
        if (!closed_any && (err == EPERM || err == EACCES))
            throw RuntimeError(fmt::format("closing sockets needs CAP_NET_ADMIN in their network namespace (run as "
                                           "root): the kernel refused SOCK_DESTROY ({})",
                                           errno_text(err)));
        if (!closed_any && err == EOPNOTSUPP)
            throw RuntimeError(fmt::format("this kernel cannot close sockets: it was built without "
                                           "CONFIG_INET_DIAG_DESTROY (SOCK_DESTROY: {})",
                                           errno_text(err)));
        switch (err) {
            case 0:
                closed_any = true;
                out.push_back({CloseOutcome::Closed, {}});
                break;
            case ENOENT: out.push_back({CloseOutcome::Gone, {}}); break;
            case EOPNOTSUPP:
                out.push_back({CloseOutcome::Refused, fmt::format("the kernel cannot close this kind of socket ({})",
                                                                  errno_text(err))});
                break;
            default: out.push_back({CloseOutcome::Refused, fmt::format("SOCK_DESTROY: {}", errno_text(err))}); break;
        }
    }
    return out;
}

}  // namespace tcpstat::netlink
