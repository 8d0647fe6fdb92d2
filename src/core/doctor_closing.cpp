// Owns doctor's checks on the active closer's side: FIN_WAIT2 piling up toward one peer, and
// orphaned sockets (closed by their process, still in the kernel) against tcp_max_orphans.
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "doctor_checks.hpp"

namespace tcpstat::doctor_detail {
namespace {

bool is_orphan(const Socket& s) {
    switch (s.state) {
        case TcpState::FinWait1:
        case TcpState::FinWait2:
        case TcpState::Closing:
        case TcpState::LastAck:
            return !s.inode && s.owners.empty();
        default:
            return false;
    }
}

std::string fin_timeout_text(const KernelFacts& facts) {
    return facts.fin_timeout_s ? fmt::format("{} s", *facts.fin_timeout_s) : std::string("60 s by default");
}

void check_fin_wait2(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                     std::vector<Finding>& out) {
    std::map<Endpoint, std::vector<const Socket*>> by_peer;
    // The other end of each connection, when it is on this host and in CLOSE_WAIT: the culprit.
    std::map<std::pair<Endpoint, Endpoint>, const Socket*> close_wait_ends;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp) continue;
        if (s.state == TcpState::FinWait2) by_peer[s.remote].push_back(&s);
        if (s.state == TcpState::CloseWait) close_wait_ends[{s.local, s.remote}] = &s;
    }
    for (const auto& [peer, g] : by_peer) {
        if (g.size() < set.fin_wait2) continue;
        Finding f;
        f.kind = FindingKind::FinWait2PileUp;
        f.count = g.size();
        set_sockets(f, snap, g);
        f.severity = f.count >= set.fin_wait2 * 10 ? Severity::Critical : Severity::Warning;
        f.port = peer.port;
        f.peer = format_endpoint(peer);
        std::size_t orphans = 0, held = 0, mirrored = 0;
        std::vector<Pid> holders;
        std::set<Pid> peer_pids;
        for (const Socket* s : g) {
            if (is_orphan(*s)) ++orphans;
            held += !s->owners.empty();
            for (const Owner& o : s->owners) holders.push_back(o.pid);
            auto it = close_wait_ends.find({s->remote, s->local});
            if (it == close_wait_ends.end()) continue;
            ++mirrored;
            for (const Owner& o : it->second->owners) peer_pids.insert(o.pid);
        }
        set_owners(f, snap, holders);
        const std::size_t hidden = g.size() - orphans - held;
        // The count is the pile-up toward the peer; what each holder has is said apart from the orphans.
        f.message = fmt::format("{} FIN_WAIT2 sockets to {} wait for the peer to close its side", f.count, *f.peer);
        if (!f.pids.empty()) {
            f.message += fmt::format(": {} {} {}", describe_owners(snap, f.pids), f.pids.size() == 1 ? "holds" : "hold",
                                     held);
            if (orphans > 0) f.message += fmt::format(", {} {} orphaned", orphans, orphans == 1 ? "is" : "are");
        }
        if (orphans > 0)
            f.evidence.push_back(fmt::format(
                "{} orphaned (their process closed them): the kernel drops each after tcp_fin_timeout = {}", orphans,
                fin_timeout_text(facts)));
        if (held > 0)
            f.evidence.push_back(fmt::format("{} held by {} (half-closed with shutdown()): no timer ends those", held,
                                             describe_owners(snap, f.pids)));
        if (hidden > 0)
            f.evidence.push_back(
                fmt::format("{} held by a process not visible here: run as {} to see it", hidden, superuser(snap)));
        if (mirrored > 0) {
            std::string who;
            for (Pid p : peer_pids) who += (who.empty() ? "" : ", ") + describe_pid(snap, p);
            f.evidence.push_back(fmt::format("the peer is on this host and holds {} of them in CLOSE_WAIT{}{}",
                                             mirrored, who.empty() ? "" : ": ", who));
        }
        f.evidence.push_back(fmt::format("threshold {} FIN_WAIT2 per peer (--fin-wait2)", set.fin_wait2));
        f.advice = fmt::format(
            "this side closed and the peer acknowledged, but the peer never closed its end: look at the peer "
            "application (its sockets sit in CLOSE_WAIT). Lowering {} only shortens the orphaned ones",
            from_windows(snap) ? "the TcpFinWait2Delay registry value" : "net.ipv4.tcp_fin_timeout");
        f.advice += kill_stopgap(snap, *g.front(),
                                 fmt::format("-s fin_wait2 --dst {} --dport {}", format_address(peer.addr), peer.port));
        out.push_back(std::move(f));
    }
}

void check_orphans(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                   std::vector<Finding>& out) {
    if (!facts.max_orphans || *facts.max_orphans == 0) return;
    std::uint64_t seen = 0, fin_wait2 = 0;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || !is_orphan(s)) continue;
        ++seen;
        fin_wait2 += s.state == TcpState::FinWait2;
    }
    // The kernel's own count is exact but host-wide: use it only when looking at the whole host.
    const bool kernel_count = set.whole_host && facts.orphans;
    const std::uint64_t count = kernel_count ? *facts.orphans : seen;
    const double pct = 100.0 * static_cast<double>(count) / static_cast<double>(*facts.max_orphans);
    if (count == 0 || pct < set.orphan_percent) return;
    Finding f;
    f.kind = FindingKind::OrphanPressure;
    f.count = count;
    f.severity = count >= *facts.max_orphans ? Severity::Critical : Severity::Warning;
    f.message = fmt::format("{} orphaned sockets use {} % of net.ipv4.tcp_max_orphans ({})", count,
                            percent_text(pct), *facts.max_orphans);
    f.evidence.push_back(kernel_count ? "count from /proc/net/sockstat (the kernel's own, host-wide)"
                                      : "count of closing sockets without a process among the sockets looked at");
    f.evidence.push_back(fmt::format("{} of the orphans seen are in FIN_WAIT2; each lasts up to tcp_fin_timeout = {}",
                                     fin_wait2, fin_timeout_text(facts)));
    f.evidence.push_back("past the limit the kernel resets connections and logs \"too many orphaned sockets\"");
    f.evidence.push_back(fmt::format("threshold {} % (--orphan-percent)", percent_text(set.orphan_percent)));
    f.advice =
        "find the peers that never finish closing (tcpstat -s fin_wait1,fin_wait2,last_ack -g raddr); "
        "a lower net.ipv4.tcp_fin_timeout ends orphaned FIN_WAIT2 sooner, raising tcp_max_orphans costs "
        "kernel memory (up to 64 KiB each)";
    out.push_back(std::move(f));
}

}  // namespace

void check_closing(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                   std::vector<Finding>& out) {
    check_fin_wait2(snap, facts, set, out);
    check_orphans(snap, facts, set, out);
}

}  // namespace tcpstat::doctor_detail
