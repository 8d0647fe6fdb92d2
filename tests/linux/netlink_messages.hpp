// Owns the synthetic netlink messages the linux tests build: sock_diag answers, for what a quiet loopback never shows.
#pragma once

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tcpstat::netlink::synthetic {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint32_t kSeq = 99;

inline void append_message(Bytes& out, std::uint16_t type, std::uint16_t flags, const Bytes& payload, std::uint32_t seq = kSeq) {
    nlmsghdr h{};
    h.nlmsg_len = static_cast<std::uint32_t>(NLMSG_HDRLEN + payload.size());
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    h.nlmsg_seq = seq;
    const std::size_t at = out.size();
    out.resize(at + NLMSG_ALIGN(h.nlmsg_len), 0);
    std::memcpy(out.data() + at, &h, sizeof h);
    if (!payload.empty()) std::memcpy(out.data() + at + NLMSG_HDRLEN, payload.data(), payload.size());
}

inline Bytes diag_payload(const inet_diag_msg& m, const Bytes& info = {}, bool with_info = false) {
    // Sized once: growing it with resize() trips a GCC 12 -Warray-bounds false positive.
    const std::size_t at = NLMSG_ALIGN(sizeof m);
    nlattr a{};
    a.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + info.size());
    a.nla_type = INET_DIAG_INFO;
    Bytes p(at + (with_info ? NLA_ALIGN(a.nla_len) : 0), 0);
    std::memcpy(p.data(), &m, sizeof m);
    if (with_info) {
        std::memcpy(p.data() + at, &a, sizeof a);
        if (!info.empty()) std::memcpy(p.data() + at + NLA_HDRLEN, info.data(), info.size());
    }
    return p;
}

inline Bytes int_payload(int v) {
    Bytes p(sizeof v);
    std::memcpy(p.data(), &v, sizeof v);
    return p;
}

inline inet_diag_msg v4_msg(std::uint8_t state) {
    inet_diag_msg m{};
    m.idiag_family = AF_INET;
    m.idiag_state = state;
    m.id.idiag_sport = htons(8080);
    m.id.idiag_dport = htons(51000);
    m.id.idiag_src[0] = htonl(0x0A000001);  // 10.0.0.1
    m.id.idiag_dst[0] = htonl(0xC0A80102);  // 192.168.1.2
    m.idiag_uid = 1000;
    m.idiag_inode = 4242;
    m.idiag_rqueue = 3;
    m.idiag_wqueue = 7;
    m.idiag_retrans = 2;
    m.idiag_timer = 1;
    m.idiag_expires = 200;
    return m;
}

}  // namespace tcpstat::netlink::synthetic
