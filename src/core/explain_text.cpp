// Owns the diagnosis data behind `tcpstat explain`: one StateExplanation per TcpState value.
#include <array>
#include <cstddef>

#include "tcpstat/explain.hpp"

namespace tcpstat {

namespace {

// Written as plain prose without manual line breaks: explain.cpp wraps it to the terminal
// width, so the wording can change without re-flowing anything by hand. A '\n' starts a new
// paragraph (or, in find_culprit, a new command line).
//
// Indexed by enum value minus one, so lookup is a bounds check and an index; the
// static_assert below keeps the order honest when states are added.
constexpr std::array<StateExplanation, 13> kExplanations{{
    {
        TcpState::Established,
        "ESTABLISHED",
        "The connection is open; both sides may send and receive data.",
        // enters
        "The active opener (the side that called connect()) gets here when the peer's "
        "SYN+ACK arrives and it sends the final ACK of the handshake. The passive opener gets "
        "here when that ACK reaches it; the new connection then sits in the listener's accept "
        "queue until the server application calls accept().",
        // leaves
        "When the application on this side calls close() or shutdown(SHUT_WR), the kernel "
        "sends FIN and the socket moves to FIN_WAIT1: this side is the active closer. When "
        "the peer's FIN arrives first, the kernel acknowledges it and the socket moves to "
        "CLOSE_WAIT: this side is the passive closer. A RST, or data or keepalive probes that "
        "are never acknowledged, end it directly (CLOSE).",
        // waiting
        "Nobody, as far as the protocol is concerned. The queues say who is behind: a "
        "growing Recv-Q means the local application is not reading what arrived, a growing "
        "Send-Q means the peer or the path is not taking what this side writes.",
        // duration
        "As long as the applications want; an idle connection needs no traffic at all. Dead "
        "peers are noticed only when this side sends: unacknowledged data is retransmitted "
        "net.ipv4.tcp_retries2 times (default 15, roughly 15 minutes) and TCP_USER_TIMEOUT "
        "can shorten that per socket. An idle connection to a vanished peer lives forever "
        "unless SO_KEEPALIVE is set; then probing starts after net.ipv4.tcp_keepalive_time "
        "(7200 s) and gives up after tcp_keepalive_probes (9) probes tcp_keepalive_intvl "
        "(75 s) apart.",
        // many_means
        "Usually just load: many clients, or large connection pools. A count that only ever "
        "grows is a leak: a client or pool that opens connections and never closes them, or "
        "connections to peers that disappeared while keepalive is off. Compare the numbers "
        "per process and per remote address over time.",
        // find_culprit
        "tcpstat -s established -g process\n"
        "tcpstat -s established -g raddr,rport",
    },
    {
        TcpState::SynSent,
        "SYN_SENT",
        "This side called connect() and waits for the peer to answer its SYN.",
        "The active opener: connect() on a fresh socket sends a SYN, the first segment of "
        "the three-way handshake, and the socket waits here.",
        "A SYN+ACK from the peer: this side sends the final ACK and moves to ESTABLISHED. A "
        "bare SYN from the peer (both sides connecting to each other at once, which is "
        "rare): SYN_RECV. A RST: connect() fails with ECONNREFUSED. No answer after the last "
        "retry: connect() fails with ETIMEDOUT. The application may also give up earlier by "
        "closing the socket, as non-blocking clients with their own timeout do.",
        "This side waits for the peer (or anything on the path) to answer the SYN.",
        "One round trip when the peer is reachable. Without an answer Linux resends the SYN "
        "net.ipv4.tcp_syn_retries times (default 6), doubling the wait from 1 s each time, "
        "so connect() gives up after about 127 s (1+2+4+8+16+32+64). The TCP_SYNCNT socket "
        "option overrides the count per socket. Windows gives up after about 21 s with "
        "default settings.",
        "SYNs are not being answered: the peer host is down, a firewall silently drops them "
        "(a host that refuses answers with RST at once, which does not pile up), routing or "
        "NAT is broken, or the peer's listener is overloaded and drops SYNs. Many SYN_SENT "
        "sockets toward many different addresses can also mean a port scan or a worm "
        "running on this host.",
        "tcpstat -s syn_sent -g raddr,rport\n"
        "tcpstat -s syn_sent -g pid,process",
    },
    {
        TcpState::SynRecv,
        "SYN_RECV",
        "Half-open: a listener answered a SYN and waits for the handshake's final ACK.",
        "The passive opener: a listening socket received a SYN and replied with SYN+ACK, the "
        "second segment of the handshake. (An active opener also passes through here in a "
        "simultaneous open.) RFC 9293 spells it SYN-RECEIVED; older tools say SYN_RCVD.",
        "The client's ACK completes the handshake: the connection becomes ESTABLISHED and "
        "waits in the accept queue. A RST, or no ACK after the last SYN+ACK retransmission, "
        "discards the entry. If the accept queue is full when the ACK arrives, Linux ignores "
        "that ACK and keeps the entry, so the handshake is retried (with "
        "net.ipv4.tcp_abort_on_overflow set it answers with a RST instead).",
        "The server waits for the client's ACK, the third segment of the handshake.",
        "One round trip normally. Without the ACK Linux resends the SYN+ACK "
        "net.ipv4.tcp_synack_retries times (default 5, about 63 s in all) and then forgets "
        "the attempt. net.ipv4.tcp_max_syn_backlog bounds how many half-open entries a "
        "listener keeps; under pressure net.ipv4.tcp_syncookies (default 1) answers with SYN "
        "cookies and keeps no state at all.\n"
        "Since Linux 4.4 these entries are small request sockets (internally NEW_SYN_RECV) "
        "that belong to the listener: they have no owning process and no inode, so look at "
        "ports and addresses, not pids.",
        "A SYN flood (many source addresses, often forged, that never send the ACK), clients "
        "whose ACKs are lost on the way back (a firewall, asymmetric routing), or a listener "
        "so overloaded that its accept queue is full and completed handshakes are dropped. "
        "The kernel log then says \"Possible SYN flooding on port N\", and nstat shows "
        "TcpExtListenOverflows and TcpExtListenDrops climbing.",
        "tcpstat -s syn_recv -g lport\n"
        "tcpstat -s syn_recv -g raddr\n"
        "tcpstat -s listen -e",
    },
    {
        TcpState::FinWait1,
        "FIN_WAIT1",
        "This side closed first and waits for the peer to acknowledge its FIN.",
        "The active closer: the application called close() or shutdown(SHUT_WR) on an "
        "ESTABLISHED connection and the kernel sent FIN. RFC 9293 spells it FIN-WAIT-1.",
        "The ACK of the FIN: FIN_WAIT2. The peer's FIN before that ACK (both sides closing at "
        "once): CLOSING. One segment carrying both the peer's FIN and the ACK of ours: "
        "straight to TIME_WAIT. Retransmissions exhausted: the socket is dropped.",
        "This side waits for the peer to acknowledge the FIN. The FIN goes out only after "
        "the data still in the send buffer, so it may also be waiting behind that data.",
        "One round trip normally. An unacknowledged FIN is retransmitted with growing "
        "intervals; once the application has closed the socket (an orphan), "
        "net.ipv4.tcp_orphan_retries limits the attempts (0 means the built-in default of "
        "8). net.ipv4.tcp_max_orphans caps how many such closed-but-not-finished sockets the "
        "kernel keeps in total.",
        "Peers that stopped acknowledging: they vanished (crash, lost network, an expired NAT "
        "mapping), or they stopped reading so their receive window is zero and the queued "
        "data and the FIN cannot be sent. A large Send-Q on these sockets points to the "
        "second case.",
        "tcpstat -s fin_wait1 -e\n"
        "tcpstat -s fin_wait1 -g raddr",
    },
    {
        TcpState::FinWait2,
        "FIN_WAIT2",
        "This side's FIN was acknowledged; it waits for the peer to close its half.",
        "The active closer, from FIN_WAIT1, when the peer acknowledges its FIN. This side "
        "can no longer send, but the peer still may. RFC 9293 spells it FIN-WAIT-2.",
        "The peer's FIN arrives: this side acknowledges it and moves to TIME_WAIT. For a "
        "socket the application already closed, the FIN_WAIT2 timeout expires and the socket "
        "is simply dropped.",
        "This side waits for the peer's application to close its end. Meanwhile the peer's "
        "socket is in CLOSE_WAIT, so a pile of FIN_WAIT2 here usually mirrors a pile of "
        "CLOSE_WAIT over there.",
        "If the application has closed the socket (an orphan), Linux waits "
        "net.ipv4.tcp_fin_timeout (default 60 s) for the peer's FIN and then drops it; such "
        "sockets no longer belong to any process. If the application only called "
        "shutdown(SHUT_WR) and still holds the socket, no timer applies: it can wait as long "
        "as the peer keeps its half open. The TCP_LINGER2 socket option overrides the "
        "timeout per socket.",
        "The peers do not close their side: the matching sockets sit in CLOSE_WAIT on the "
        "remote host, usually because of a bug in the remote application (run tcpstat "
        "explain close_wait there). Owned FIN_WAIT2 sockets that last for minutes come from "
        "half-closes the peer never finishes.",
        "tcpstat -s fin_wait2 -g raddr,rport\n"
        "tcpstat -s fin_wait2 -g pid,process",
    },
    {
        TcpState::TimeWait,
        "TIME_WAIT",
        "The active closer's final pause after the close handshake finished.",
        "Only the side that closed first gets here, after it acknowledged the peer's FIN: "
        "from FIN_WAIT2 in the usual case, from CLOSING after a simultaneous close, or "
        "directly from FIN_WAIT1 when the peer's FIN and ACK arrive together. RFC 9293 spells "
        "it TIME-WAIT.",
        "The timer expires and the entry is deleted. A new connection for exactly the same "
        "address and port pair may take it over earlier: Linux accepts such an incoming SYN "
        "when its sequence number or timestamp is newer, and net.ipv4.tcp_tw_reuse allows it "
        "for outgoing connect() calls.",
        "No one waits for data. The entry exists so that a lost final ACK can be sent again "
        "if the peer repeats its FIN, and so that stray old segments of this connection "
        "cannot be taken for part of a new connection on the same addresses and ports. The "
        "application has already let go: on Linux TIME_WAIT entries have no owning process.",
        "Twice the maximum segment lifetime (2*MSL). Linux fixes it at 60 s: the constant "
        "TCP_TIMEWAIT_LEN is compiled into the kernel and no sysctl changes it. In "
        "particular net.ipv4.tcp_fin_timeout does not shorten TIME_WAIT, whatever old tuning "
        "guides say; it only limits orphaned FIN_WAIT2 sockets.\n"
        "net.ipv4.tcp_max_tw_buckets caps how many entries may exist; past the cap a closing "
        "connection skips TIME_WAIT entirely, counted by nstat as TcpExtTCPTimeWaitOverflow "
        "(older kernels also logged \"time wait bucket table overflow\"). "
        "net.ipv4.tcp_tw_reuse (needs TCP timestamps) lets a new outgoing connection reuse "
        "the port pair of a TIME_WAIT entry: 1 enables it, 2 (the default) only for "
        "loopback. The old tcp_tw_recycle broke clients behind NAT and is gone since Linux "
        "4.12.\n"
        "Windows keeps TIME_WAIT for 120 s by default (registry value TcpTimedWaitDelay, "
        "30 to 300 s; Windows 2000 and XP documented 240 s).",
        "This host closes many short connections itself: a client that opens a connection "
        "per request (HTTP without keep-alive, a new database or cache connection each "
        "time), or a server that closes after every response. The entries are cheap, but on "
        "the client side each pins a local port toward its destination, so the ephemeral "
        "range (net.ipv4.ip_local_port_range) can run out and connect() fails with "
        "EADDRNOTAVAIL. Reuse connections (keep-alive, connection pooling) instead of "
        "fighting the timer; SO_LINGER with a zero timeout avoids TIME_WAIT only by "
        "resetting the connection.",
        "tcpstat -s time_wait -g raddr,rport\n"
        "tcpstat -s time_wait -g lport",
    },
    {
        TcpState::Close,
        "CLOSE",
        "No connection: where every socket starts and ends (RFC 9293: CLOSED).",
        "Every TCP socket starts here after socket(), and a connection ends here: after "
        "TIME_WAIT expires, when LAST_ACK gets its ACK, after a RST, or when connect() "
        "fails. RFC 9293 calls it CLOSED and describes it as fictional, because there is no "
        "connection to keep state about; Linux calls it TCP_CLOSE. For UDP the same kernel "
        "value means an unconnected socket, which tcpstat prints as UNCONN.",
        "listen() moves it to LISTEN (passive open); connect() sends a SYN and moves it to "
        "SYN_SENT (active open). Otherwise it stays until the process closes the descriptor.",
        "Nobody waits on the network. The socket exists only because a process still holds "
        "its file descriptor.",
        "As long as the owning process keeps the descriptor open; no timer applies. Linux "
        "removes a finished connection from its socket tables even while the descriptor "
        "stays open, so a TCP socket in CLOSE is listed only when it still holds a port it "
        "was explicitly bound to, and only on recent kernels whose sock_diag dumps such "
        "bound-only sockets on request (what ss -B shows); /proc/net/tcp never lists them.",
        "Sockets that were bound and then never used or never closed: a descriptor leak or "
        "an abandoned setup. Each one keeps its port, so a later bind() to that port fails "
        "with EADDRINUSE.",
        "tcpstat -s close -g pid,process",
    },
    {
        TcpState::CloseWait,
        "CLOSE_WAIT",
        "The peer closed; the kernel waits for this application to call close().",
        "The passive closer: the peer sent FIN (its application closed or shut down "
        "writing) while this side was ESTABLISHED, and the kernel acknowledged it. The "
        "application here sees end of file: read() or recv() returns 0. RFC 9293 spells it "
        "CLOSE-WAIT.",
        "Only when the application on this side calls close() (or shutdown(SHUT_WR)): the "
        "kernel sends its own FIN and the socket moves to LAST_ACK. When the process exits, "
        "the kernel closes its descriptors, which has the same effect. A RST from the peer, "
        "for example in answer to a write after it has gone, also ends it.",
        "The kernel waits for the local application, and only for it. The peer is done: it "
        "sits in FIN_WAIT2 or has already timed out and forgotten the connection. Nothing "
        "that arrives from the network will move this socket on.",
        "Unbounded. No kernel timer ends CLOSE_WAIT and no sysctl shortens it; "
        "net.ipv4.tcp_fin_timeout governs FIN_WAIT2 on the other side, not this state. The "
        "socket stays until its owner calls close() or exits. Windows behaves the same.",
        "A bug in the application that owns them: it does not close sockets after the peer "
        "closed them, typically on an end-of-file or error path that returns without "
        "close(), in a leaked connection object, or in a pool that never checks its idle "
        "connections. Each one also holds a file descriptor, so the process eventually "
        "fails with EMFILE (too many open files). Restarting the process releases them for "
        "now; the real fix is in the code. Recv-Q (tcpstat -e) tells how far the program "
        "read: the peer's FIN counts as 1, so Recv-Q 1 means it never even read to end of file "
        "(it never noticed the close), more means unread data too (Recv-Q - 1 bytes), and 0 "
        "means it read end of file and still did not close.",
        "tcpstat -s close_wait -g pid,process\n"
        "tcpstat -s close_wait -g lport,rport\n"
        "tcpstat -s close_wait -e",
    },
    {
        TcpState::LastAck,
        "LAST_ACK",
        "The passive closer sent its FIN and waits for the final ACK.",
        "The passive closer, from CLOSE_WAIT, when its application finally calls close() "
        "and the kernel sends FIN. RFC 9293 spells it LAST-ACK.",
        "The ACK of that FIN arrives: the socket is deleted (CLOSE). A RST, or exhausted "
        "retransmissions, also delete it.",
        "This side waits for the peer to acknowledge its FIN, retransmitting the FIN with "
        "growing intervals until it does.",
        "One round trip normally. The application has usually closed the socket already, so "
        "net.ipv4.tcp_orphan_retries bounds the FIN retransmissions (0 means the built-in "
        "default of 8): from seconds to a few minutes depending on the round-trip time.",
        "Peers that disappeared between sending their FIN and acknowledging ours: clients "
        "that went away (mobile networks, crashes), or a firewall or NAT that dropped its "
        "state for the flow early and discards the last segments.",
        "tcpstat -s last_ack -g raddr\n"
        "tcpstat -s last_ack -e",
    },
    {
        TcpState::Listen,
        "LISTEN",
        "A server socket waiting for incoming connections.",
        "The passive opener: the application called listen() on a bound socket. Each "
        "connection it accepts is a new socket; the listener itself never becomes a "
        "connection.",
        "Only when the application closes it: it goes straight to CLOSE, and connections "
        "still waiting in its accept queue are reset.",
        "The listener waits for SYNs from clients. Completed connections wait in its accept "
        "queue for the application to call accept(); they are already ESTABLISHED there (or "
        "even CLOSE_WAIT, if the client gave up in the meantime).",
        "As long as the server runs. The accept queue holds at most the backlog given to "
        "listen(), silently capped by net.core.somaxconn (128 before Linux 5.4, 4096 since). "
        "From sock_diag (tcpstat -e, ss) a listener's Recv-Q is the number of connections "
        "waiting for accept() and its Send-Q is that backlog limit; /proc/net/tcp reports "
        "only the first.",
        "Many listeners are normally fine: one per service, address family and port, or one "
        "per worker with SO_REUSEPORT. What matters is a Recv-Q close to the Send-Q: the "
        "application does not call accept() fast enough, the kernel drops handshakes, and "
        "clients see slow or failed connects (nstat: TcpExtListenOverflows).",
        "tcpstat -s listen -e\n"
        "tcpstat -s listen -g lport,process",
    },
    {
        TcpState::Closing,
        "CLOSING",
        "Simultaneous close: both sides sent FIN before either was acknowledged.",
        "From FIN_WAIT1, when the peer's FIN arrives before the ACK of this side's FIN: both "
        "applications closed at nearly the same moment, so both sides are active closers.",
        "The ACK of this side's FIN arrives: TIME_WAIT. Exhausted retransmissions or a RST "
        "delete it.",
        "Each side waits for the other to acknowledge its FIN.",
        "One round trip normally; a lost ACK means the FIN is retransmitted, bounded by "
        "net.ipv4.tcp_orphan_retries once the application has closed the socket.",
        "Rare and short-lived. A steady number means final ACKs are being lost, often at a "
        "firewall or NAT that drops the last segments of a flow, on connections where both "
        "sides tend to close together.",
        "tcpstat -s closing -g raddr,rport",
    },
    {
        TcpState::NewSynRecv,
        "NEW_SYN_RECV",
        "Linux's internal state for a half-open handshake; reported as SYN_RECV.",
        "Since Linux 4.4 a listener that answers a SYN keeps a small request socket in this "
        "state rather than a full socket.",
        "The client's ACK turns it into a full ESTABLISHED socket in the accept queue; a "
        "timeout or a RST discards it.",
        "The listener waits for the client's ACK.",
        "As for SYN_RECV: net.ipv4.tcp_synack_retries (default 5, about 63 s).",
        "As for SYN_RECV: a SYN flood or an overloaded listener. sock_diag and "
        "/proc/net/tcp report these entries as SYN_RECV, so tcpstat counts them there and "
        "-s new_syn_recv is another name for -s syn_recv.",
        "tcpstat -s new_syn_recv -g lport",
    },
    {
        TcpState::DeleteTcb,
        "DELETE_TCB",
        "Windows only: the stack is deleting the connection's control block.",
        "Windows reports it (MIB_TCP_STATE_DELETE_TCB) for a connection whose transmission "
        "control block is being torn down, for example after a reset or an administrative "
        "SetTcpEntry call.",
        "The entry disappears as soon as the deletion completes.",
        "Nobody; it is internal bookkeeping of the Windows TCP stack.",
        "Momentary.",
        "Normally none are visible. A standing count points to connections being torn down "
        "in bulk, by resets or by a tool deleting connection entries.",
        "tcpstat -s delete_tcb -g pid,process",
    },
}};

constexpr bool table_is_in_enum_order() {
    for (std::size_t i = 0; i < kExplanations.size(); ++i) {
        if (static_cast<std::size_t>(kExplanations[i].state) != i + 1) return false;
    }
    return true;
}
static_assert(table_is_in_enum_order(), "kExplanations must follow the TcpState values 1..13");

}  // namespace

const StateExplanation* explain(TcpState s) {
    auto v = static_cast<std::size_t>(s);
    if (v < 1 || v > kExplanations.size()) return nullptr;
    return &kExplanations[v - 1];
}

}  // namespace tcpstat
