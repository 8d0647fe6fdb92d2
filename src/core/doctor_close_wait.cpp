// Owns doctor's CLOSE_WAIT leak check: per process, by local port (a server), else by peer (a
// client or pool), else across ports, one finding per group of processes sharing the sockets;
// with idle time, what Recv-Q says was (not) read, and every holder as evidence.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "doctor_checks.hpp"

namespace tcpstat::doctor_detail {
namespace {

using Group = std::vector<const Socket*>;

enum class Where { LocalPort, Peer, Spread };

// What a CLOSE_WAIT socket's Recv-Q says: the peer's FIN takes one sequence number and stays
// counted until the program reads end of file, so 0 = it read EOF, 1 = it never read to EOF,
// more = Recv-Q - 1 bytes of data were left unread before the FIN too.
void add_recv_q_evidence(const Group& g, Finding& f) {
    std::size_t eof_read = 0, fin_only = 0, data = 0;
    std::uint32_t data_max = 0;
    for (const Socket* s : g) {
        if (!s->rx_queue) continue;
        if (*s->rx_queue == 0) ++eof_read;
        else if (*s->rx_queue == 1) ++fin_only;
        else {
            ++data;
            data_max = std::max(data_max, *s->rx_queue - 1);
        }
    }
    if (fin_only > 0)
        f.evidence.push_back(fmt::format("Recv-Q 1 on {}: only the peer's FIN is queued, the program never even read "
                                         "to end of file (it never noticed the close)",
                                         fin_only));
    if (data > 0)
        f.evidence.push_back(fmt::format("Recv-Q above 1 on {}: unread data too, Recv-Q - 1 bytes before the FIN "
                                         "(up to {} byte{})",
                                         data, data_max, data_max == 1 ? "" : "s"));
    if (eof_read > 0)
        f.evidence.push_back(
            fmt::format("Recv-Q 0 on {}: the program read to end of file and still did not close", eof_read));
}

void emit(const Snapshot& snap, const DoctorSettings& set, Where where, const Group& g, std::vector<Finding>& out) {
    Finding f;
    f.kind = FindingKind::CloseWaitLeak;
    f.count = g.size();
    set_sockets(f, snap, g);
    f.severity = f.count >= set.close_wait * 10 ? Severity::Critical : Severity::Warning;

    std::optional<std::uint32_t> idle_max;
    std::set<IpAddress> peers;
    std::set<std::uint16_t> lports;
    std::map<Pid, std::size_t> holders;  // pid -> sockets of g it holds
    for (const Socket* s : g) {
        if (s->tcp_info)
            if (auto idle = s->tcp_info->idle_ms()) idle_max = std::max(idle_max.value_or(0), *idle);
        peers.insert(s->remote.addr);
        lports.insert(s->local.port);
        std::set<Pid> seen;
        for (const Owner& o : s->owners)
            if (seen.insert(o.pid).second) ++holders[o.pid];
    }
    std::vector<Pid> pids;
    for (const auto& [pid, n] : holders) pids.push_back(pid);
    set_owners(f, snap, pids);

    std::string where_text, peers_text;
    switch (where) {
        case Where::LocalPort:
            f.port = g.front()->local.port;
            where_text = fmt::format("on :{}", *f.port);
            peers_text = "from";
            break;
        case Where::Peer:
            f.port = g.front()->remote.port;
            f.peer = format_endpoint(g.front()->remote);
            where_text = fmt::format("to {}", *f.peer);
            peers_text = "to";
            break;
        case Where::Spread:
            where_text = fmt::format("across {} local ports", lports.size());
            peers_text = "with";
            break;
    }
    f.message = pids.empty() ? fmt::format("{} CLOSE_WAIT sockets {}, owner not visible", f.count, where_text)
                             : fmt::format("{} {} {} CLOSE_WAIT sockets {}", describe_owners(snap, pids),
                                           pids.size() == 1 ? "holds" : "hold", f.count, where_text);
    if (idle_max) f.message += fmt::format(", idle up to {}", format_duration_ms(*idle_max));
    const auto age = oldest_age(snap, g, TcpState::CloseWait);
    if (age) f.message += ", " + age->message;

    f.evidence.push_back(fmt::format("{} connections {} {} peer address{}; the peers closed, this side never did",
                                     f.count, peers_text, peers.size(), peers.size() == 1 ? "" : "es"));
    if (!idle_max)
        f.evidence.push_back(from_windows(snap) ? "idle time unknown: Windows' connection table does not report it"
                                                : "idle time unknown: netlink (sock_diag) reports it, this source does not");
    if (age) f.evidence.push_back(age->evidence);
    add_recv_q_evidence(g, f);
    if (pids.size() > 1) {
        std::string list;
        for (const auto& [pid, n] : holders) {
            list += (list.empty() ? "" : ", ") + describe_pid(snap, pid);
            if (n < g.size()) list += fmt::format(" for {} of them", n);
        }
        f.evidence.push_back(
            fmt::format("shared by {} processes (inherited across fork: every holder must close): {}", pids.size(), list));
    }
    if (pids.empty())
        f.evidence.push_back(
            fmt::format("no owning process found: run as {} to see processes of other users", superuser(snap)));
    f.evidence.push_back(fmt::format("threshold {} CLOSE_WAIT per process and port (--close-wait)", set.close_wait));
    f.advice = fmt::format(
        "the program does not close a socket after the peer closes it; fix the code so every path "
        "(end of file, error, timeout) calls {}. No kernel timer or {} ends CLOSE_WAIT; "
        "restarting the process releases them until the leak refills. See: tcpstat explain close_wait",
        from_windows(snap) ? "closesocket()" : "close()", from_windows(snap) ? "registry setting" : "sysctl");
    std::string filter = "-s close_wait";
    if (where == Where::LocalPort) filter += fmt::format(" --sport {}", *f.port);
    if (where == Where::Peer) filter += fmt::format(" --dst {} --dport {}", format_address(g.front()->remote.addr), *f.port);
    for (std::size_t i = 0; i < pids.size(); ++i) filter += fmt::format("{}{}", i == 0 ? " -p " : ",", pids[i]);
    if (where != Where::Spread || !pids.empty()) f.advice += kill_stopgap(snap, *g.front(), filter);
    out.push_back(std::move(f));
}

// Server first (many on one local port), then client (many to one peer), then the rest together.
void split_and_emit(const Snapshot& snap, const DoctorSettings& set, const Group& all, std::vector<Finding>& out) {
    std::map<std::uint16_t, Group> by_lport;
    for (const Socket* s : all) by_lport[s->local.port].push_back(s);
    Group rest;
    for (const auto& [port, g] : by_lport) {
        if (g.size() >= set.close_wait) emit(snap, set, Where::LocalPort, g, out);
        else rest.insert(rest.end(), g.begin(), g.end());
    }
    std::map<Endpoint, Group> by_peer;
    for (const Socket* s : rest) by_peer[s->remote].push_back(s);
    Group spread;
    for (const auto& [peer, g] : by_peer) {
        if (g.size() >= set.close_wait) emit(snap, set, Where::Peer, g, out);
        else spread.insert(spread.end(), g.begin(), g.end());
    }
    if (spread.size() >= set.close_wait) emit(snap, set, Where::Spread, spread, out);
}

// Joins processes that hold the same sockets, transitively (a pre-fork server and its workers).
class Holders {
public:
    Pid root(Pid p) {
        up_.try_emplace(p, p);
        while (up_[p] != p) p = up_[p] = up_[up_[p]];
        return p;
    }
    void join(Pid a, Pid b) { up_[root(a)] = root(b); }

private:
    std::unordered_map<Pid, Pid> up_;
};

}  // namespace

void check_close_wait(const Snapshot& snap, const DoctorSettings& set, std::vector<Finding>& out) {
    // One leak per group of processes sharing the sockets (inherited across fork), not one per
    // holder: the sockets close only when every holder closes them, and each counts once.
    Holders holders;
    std::vector<const Socket*> close_wait;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || s.state != TcpState::CloseWait) continue;
        close_wait.push_back(&s);
        for (const Owner& o : s.owners) holders.join(o.pid, s.owners.front().pid);
    }
    std::map<std::optional<Pid>, Group> by_holders;
    for (const Socket* s : close_wait)
        by_holders[s->owners.empty() ? std::nullopt : std::optional<Pid>(holders.root(s->owners.front().pid))]
            .push_back(s);
    for (const auto& [root, g] : by_holders) split_and_emit(snap, set, g, out);
}

}  // namespace tcpstat::doctor_detail
