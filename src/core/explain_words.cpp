// Owns what `tcpstat explain WORD` accepts beyond one TCP state: UDP's UNCONN, and the state groups.
#include <algorithm>
#include <fmt/format.h>

#include "tcpstat/error.hpp"
#include "tcpstat/explain.hpp"

namespace tcpstat {

namespace {

// UDP shares the kernel's TCP_CLOSE value for an unconnected socket, but the TCP CLOSE page
// (no connection, a leaked descriptor) is the wrong advice for a DNS server's socket.
constexpr StateExplanation kUdpUnconn{
    TcpState::Close,
    "UNCONN (UDP)",
    "A UDP socket with no fixed peer: a server's bound port, or a client that sends with sendto().",
    "socket(AF_INET, SOCK_DGRAM) and usually bind(): UDP has no handshake and no connection "
    "state, so a UDP socket is UNCONN from the start. The kernel stores it as TCP_CLOSE, which "
    "is why ss and tcpstat name it UNCONN rather than CLOSE.",
    "connect() on a UDP socket fixes its peer and tcpstat shows it as ESTAB (nothing is sent); "
    "connect() with AF_UNSPEC undoes that. Otherwise it stays until its descriptor is closed.",
    "Nobody waits on the network. A bound socket waits for datagrams; its Recv-Q is data that "
    "arrived and was not read yet.",
    "As long as the owning process keeps the descriptor open; no timer applies.",
    "Servers (DNS, NTP, syslog, QUIC) hold one per address family and port, or one per worker "
    "with SO_REUSEPORT. Many on random high ports point to clients that open a socket per "
    "query and never close it. A Recv-Q that stays high means the program does not read fast "
    "enough and the kernel drops datagrams (nstat: UdpRcvbufErrors).",
    "tcpstat -u -s unconn -g lport,process\n"
    "tcpstat -u -s unconn -e",
};

constexpr ExplainGroup kGroups[] = {
    {"connected", "connected: every state of a connection",
     "Every state except LISTEN and CLOSE: the sockets that have (or had, or are opening) a "
     "peer, as opposed to listeners and bound-only sockets.",
     "Counting or listing the traffic of a host without its listeners: who talks to whom.",
     "tcpstat -s connected -g raddr\ntcpstat -s connected -g state"},
    {"synchronized", "synchronized: connections past the handshake",
     "The connected states except SYN_SENT: both sides have exchanged sequence numbers "
     "(ss calls this group synchronized too).",
     "Connections that reached the peer, leaving out connect() attempts still waiting for "
     "an answer.",
     "tcpstat -s synchronized -g state,process"},
    {"listening", "listening: sockets waiting for connections",
     "LISTEN, and CLOSE for sockets that are only bound; for UDP (-u) the same values are the "
     "unconnected sockets (UNCONN), which is what -l selects.",
     "Which services this host offers, on which ports, held by which process.",
     "tcpstat -l -g lport,process\ntcpstat -u -l"},
    {"bucket", "bucket: the kernel's minisockets",
     "SYN_RECV (and NEW_SYN_RECV) and TIME_WAIT: the kernel keeps these as small request or "
     "timewait sockets, not full sockets, so no process owns them.",
     "Half-open handshakes and closed connections waiting out their timer: SYN floods and "
     "TIME_WAIT port pressure, neither of which any process can be blamed for directly.",
     "tcpstat -s bucket -g state,lport"},
    {"big", "big: full sockets",
     "Every state except the minisockets (SYN_RECV, NEW_SYN_RECV, TIME_WAIT): sockets a "
     "process holds or held, with a full kernel socket behind them.",
     "Sockets that cost real kernel memory and can be traced to an owner.",
     "tcpstat -s big -g state,process"},
};

}  // namespace

std::string explain_word_text(std::string_view word) {
    if (word.empty() || state_word_is(word, "all")) return explain_overview_text();
    if (state_word_is(word, "unconn")) return explain_page_text(kUdpUnconn);
    // -s new_syn_recv filters SYN_RECV, but the kernel's own state has its own page.
    if (state_word_is(word, "newsynrecv")) return explain_state_text(TcpState::NewSynRecv);
    for (const ExplainGroup& g : kGroups)
        if (state_word_is(word, g.word)) return explain_group_text(word, g);
    if (const auto mask = parse_state_word(word)) {
        for (int v = 1; v < kStateCount; ++v) {
            if (StateMask::of(static_cast<TcpState>(v)) == *mask)
                return explain_state_text(static_cast<TcpState>(v));
        }
    }
    throw UsageError(fmt::format("cannot explain '{}': expected a state or a state group, e.g. close_wait; "
                                 "accepted: {}",
                                 word, accepted_state_names()));
}

}  // namespace tcpstat
