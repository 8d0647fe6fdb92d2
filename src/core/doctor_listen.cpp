// Owns doctor's listener checks: a full accept queue, SYN_RECV piling up on one port, and the
// host's cumulative ListenOverflows/ListenDrops counters and syncookies setting.
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "doctor_checks.hpp"

namespace tcpstat::doctor_detail {
namespace {

std::string syncookies_text(const KernelFacts& facts) {
    if (!facts.syncookies) return "unknown";
    switch (*facts.syncookies) {
        case 0: return "0 (off: a flood fills the SYN queue)";
        case 1: return "1 (on when the SYN queue overflows)";
        case 2: return "2 (always)";
        default: return fmt::format("{}", *facts.syncookies);
    }
}

std::vector<Pid> owner_pids(const Socket& s) {
    std::vector<Pid> pids;
    for (const Owner& o : s.owners) pids.push_back(o.pid);
    return pids;
}

void check_accept_queues(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                         std::vector<Finding>& out) {
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || s.state != TcpState::Listen) continue;
        // Send-Q of a listener is its backlog only from netlink; /proc prints 0 there, so a
        // listener without a known non-zero backlog is not judged.
        if (!s.rx_queue || !s.tx_queue || *s.tx_queue == 0 || *s.rx_queue == 0) continue;
        if (*s.rx_queue < *s.tx_queue) continue;
        Finding f;
        f.kind = FindingKind::AcceptQueueFull;
        f.severity = Severity::Critical;
        f.count = *s.rx_queue;
        f.port = s.local.port;
        set_owners(f, snap, owner_pids(s));
        std::string who = f.pid ? describe_owners(snap, f.pids) : std::string("the listener's process");
        f.message = fmt::format("{} {} not accepting on {}: accept queue full ({} waiting, backlog {})", who,
                                f.pids.size() > 1 ? "are" : "is", format_endpoint(s.local), *s.rx_queue, *s.tx_queue);
        f.evidence.push_back(fmt::format(
            "Recv-Q {} = handshakes completed and waiting for accept(); Send-Q {} = the listen() backlog", *s.rx_queue,
            *s.tx_queue));
        if (facts.somaxconn)
            f.evidence.push_back(fmt::format("listen() backlogs are capped at net.core.somaxconn = {}", *facts.somaxconn));
        f.evidence.push_back("while the queue is full the kernel drops completed handshakes: clients stall and retry");
        if (set.whole_host && facts.listen_overflows)
            f.evidence.push_back(fmt::format("ListenOverflows = {} since boot (host-wide)", *facts.listen_overflows));
        if (s.owners.empty())
            f.evidence.push_back(fmt::format("the owning process is hidden: run as {} to see it", superuser(snap)));
        f.advice =
            "accept faster: more workers, or find what blocks the accept loop (a busy or stuck event loop). "
            "A larger listen() backlog, raised together with net.core.somaxconn, only buys time";
        out.push_back(std::move(f));
    }
}

void check_syn_recv(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                    std::vector<Finding>& out) {
    std::map<std::uint16_t, std::vector<const Socket*>> by_port;
    std::map<std::uint16_t, const Socket*> listeners;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp) continue;
        if (s.state == TcpState::SynRecv || s.state == TcpState::NewSynRecv) by_port[s.local.port].push_back(&s);
        if (s.state == TcpState::Listen && !s.owners.empty()) listeners.emplace(s.local.port, &s);
    }
    for (const auto& [port, g] : by_port) {
        if (g.size() < set.syn_recv) continue;
        Finding f;
        f.kind = FindingKind::SynRecvPileUp;
        f.count = g.size();
        set_sockets(f, snap, g);
        f.severity = f.count >= set.syn_recv * 10 ? Severity::Critical : Severity::Warning;
        f.port = port;
        auto l = listeners.find(port);
        if (l != listeners.end()) set_owners(f, snap, owner_pids(*l->second));
        f.message = fmt::format("{} half-open connections (SYN_RECV) on :{}", f.count, port);
        if (f.pid) f.message += ", listener " + describe_owners(snap, f.pids);
        std::set<IpAddress> sources;
        for (const Socket* s : g) sources.insert(s->remote.addr);
        f.evidence.push_back(fmt::format(
            "from {} source address{}: {}", sources.size(), sources.size() == 1 ? "" : "es",
            sources.size() * 4 < g.size() ? "few sources with many each (broken clients, a middlebox, or a full accept queue)"
                                          : "many sources with few each (the shape of a SYN flood)"));
        f.evidence.push_back(fmt::format("net.ipv4.tcp_syncookies = {}", syncookies_text(facts)));
        if (facts.max_syn_backlog)
            f.evidence.push_back(fmt::format("net.ipv4.tcp_max_syn_backlog = {}", *facts.max_syn_backlog));
        f.evidence.push_back(fmt::format("threshold {} SYN_RECV per port (--syn-recv)", set.syn_recv));
        f.advice =
            "check the listener's accept queue (tcpstat -s listen -e --port P) and accept faster if it is full; "
            "keep net.ipv4.tcp_syncookies=1; against a real flood, filter upstream";
        out.push_back(std::move(f));
    }
}

}  // namespace

void check_listeners(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                     std::vector<Finding>& out) {
    check_accept_queues(snap, facts, set, out);
    check_syn_recv(snap, facts, set, out);
}

void check_host_counters(const KernelFacts& facts, const DoctorSettings&, std::vector<Finding>& out) {
    const std::uint64_t overflows = facts.listen_overflows.value_or(0), drops = facts.listen_drops.value_or(0);
    if (overflows > 0 || drops > 0) {
        Finding f;
        f.kind = FindingKind::ListenCounters;
        f.severity = Severity::Info;
        f.count = std::max(overflows, drops);
        f.message = fmt::format("the kernel counted {} accept-queue overflows and {} listen drops", overflows, drops);
        f.evidence.push_back("TcpExt ListenOverflows and ListenDrops, cumulative since boot (or since this network "
                             "namespace was created): old overflows count as much as current ones");
        f.advice = "run `nstat -az TcpExtListenOverflows TcpExtListenDrops` twice: if they grow, look for a listener "
                   "whose Recv-Q reaches its Send-Q (tcpstat -s listen -e)";
        out.push_back(std::move(f));
    }
    if (facts.syncookies && *facts.syncookies == 0) {
        Finding f;
        f.kind = FindingKind::SyncookiesOff;
        f.severity = Severity::Info;
        f.message = "SYN cookies are off (net.ipv4.tcp_syncookies = 0)";
        f.evidence.push_back("without them a SYN flood fills the half-open queue and real clients are refused");
        f.advice = "set net.ipv4.tcp_syncookies=1 (the default): cookies are used only when the queue overflows";
        out.push_back(std::move(f));
    }
}

}  // namespace tcpstat::doctor_detail
