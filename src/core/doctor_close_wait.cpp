// Owns doctor's CLOSE_WAIT leak check: per process, by local port (a server), else by peer (a
// client or pool), else across ports; with idle time, unread data and co-owners as evidence.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "doctor_checks.hpp"

namespace tcpstat::doctor_detail {
namespace {

using Group = std::vector<const Socket*>;

enum class Where { LocalPort, Peer, Spread };

void emit(const Snapshot& snap, const DoctorSettings& set, std::optional<Pid> pid, Where where, const Group& g,
          std::vector<Finding>& out) {
    Finding f;
    f.kind = FindingKind::CloseWaitLeak;
    f.count = g.size();
    f.severity = f.count >= set.close_wait * 10 ? Severity::Critical : Severity::Warning;
    if (pid) set_owner(f, snap, *pid);

    std::optional<std::uint32_t> idle_max;
    std::size_t unread = 0;
    std::set<IpAddress> peers;
    std::set<std::uint16_t> lports;
    std::set<Pid> co_owners;
    for (const Socket* s : g) {
        if (s->tcp_info)
            if (auto idle = s->tcp_info->idle_ms()) idle_max = std::max(idle_max.value_or(0), *idle);
        if (s->rx_queue && *s->rx_queue > 0) ++unread;
        peers.insert(s->remote.addr);
        lports.insert(s->local.port);
        for (const Owner& o : s->owners)
            if (!pid || o.pid != *pid) co_owners.insert(o.pid);
    }

    std::string where_text;
    switch (where) {
        case Where::LocalPort:
            f.port = g.front()->local.port;
            where_text = fmt::format("on :{}", *f.port);
            break;
        case Where::Peer:
            f.port = g.front()->remote.port;
            f.peer = format_endpoint(g.front()->remote);
            where_text = fmt::format("to {}", *f.peer);
            break;
        case Where::Spread:
            where_text = fmt::format("across {} local ports", lports.size());
            break;
    }
    f.message = pid ? fmt::format("{} holds {} CLOSE_WAIT sockets {}", describe_pid(snap, *pid), f.count, where_text)
                    : fmt::format("{} CLOSE_WAIT sockets {}, owner not visible", f.count, where_text);
    if (idle_max) f.message += fmt::format(", idle up to {}", format_duration_ms(*idle_max));

    f.evidence.push_back(fmt::format("{} connections from {} peer address{}; the peers closed, this side never did",
                                     f.count, peers.size(), peers.size() == 1 ? "" : "es"));
    if (!idle_max)
        f.evidence.push_back("idle time unknown: netlink (sock_diag) reports it, this source does not");
    if (unread > 0)
        f.evidence.push_back(fmt::format("Recv-Q above zero on {}: the peer's last data was never read", unread));
    if (!co_owners.empty()) {
        std::string list;
        for (Pid p : co_owners) list += (list.empty() ? "" : ", ") + describe_pid(snap, p);
        f.evidence.push_back(fmt::format("also held by {} (inherited across fork: every holder must close)", list));
    }
    if (!pid) f.evidence.push_back("no owning process found: run as root to see processes of other users");
    f.evidence.push_back(fmt::format("threshold {} CLOSE_WAIT per process and port (--close-wait)", set.close_wait));
    f.advice =
        "the program does not close a socket after the peer closes it; fix the code so every path "
        "(end of file, error, timeout) calls close(). No kernel timer or sysctl ends CLOSE_WAIT; "
        "restarting the process releases them until the leak refills. See: tcpstat explain close_wait";
    out.push_back(std::move(f));
}

// Server first (many on one local port), then client (many to one peer), then the rest together.
void split_and_emit(const Snapshot& snap, const DoctorSettings& set, std::optional<Pid> pid, const Group& all,
                    std::vector<Finding>& out) {
    std::map<std::uint16_t, Group> by_lport;
    for (const Socket* s : all) by_lport[s->local.port].push_back(s);
    Group rest;
    for (const auto& [port, g] : by_lport) {
        if (g.size() >= set.close_wait) emit(snap, set, pid, Where::LocalPort, g, out);
        else rest.insert(rest.end(), g.begin(), g.end());
    }
    std::map<Endpoint, Group> by_peer;
    for (const Socket* s : rest) by_peer[s->remote].push_back(s);
    Group spread;
    for (const auto& [peer, g] : by_peer) {
        if (g.size() >= set.close_wait) emit(snap, set, pid, Where::Peer, g, out);
        else spread.insert(spread.end(), g.begin(), g.end());
    }
    if (spread.size() >= set.close_wait) emit(snap, set, pid, Where::Spread, spread, out);
}

}  // namespace

void check_close_wait(const Snapshot& snap, const DoctorSettings& set, std::vector<Finding>& out) {
    // A shared socket counts under each holder: any one of them can keep it open.
    std::map<std::optional<Pid>, Group> by_pid;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || s.state != TcpState::CloseWait) continue;
        if (s.owners.empty()) {
            by_pid[std::nullopt].push_back(&s);
            continue;
        }
        std::set<Pid> seen;
        for (const Owner& o : s.owners)
            if (seen.insert(o.pid).second) by_pid[o.pid].push_back(&s);
    }
    for (const auto& [pid, g] : by_pid) split_and_emit(snap, set, pid, g, out);
}

}  // namespace tcpstat::doctor_detail
