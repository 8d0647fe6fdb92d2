// Owns doctor's TIME_WAIT checks: ephemeral ports pinned per destination (exhaustion of
// ip_local_port_range, or Windows' dynamic port range, toward one peer) and the host total
// against tcp_max_tw_buckets.
#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "doctor_checks.hpp"

namespace tcpstat::doctor_detail {
namespace {

// Critical once most of the resource is gone, whatever the warning threshold.
Severity severity_for(double pct, double warn) {
    return pct >= std::max(90.0, warn) ? Severity::Critical : Severity::Warning;
}

void check_destinations(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                        std::vector<Finding>& out) {
    auto range = facts.ephemeral_count();
    if (!range) return;
    // A connect() to one (address, port) from one local address needs a distinct local port, so
    // only client-side entries (local port in the ephemeral range) use the range up.
    std::map<std::pair<IpAddress, Endpoint>, std::vector<const Socket*>> per_dest;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || s.state != TcpState::TimeWait) continue;
        if (s.local.port < *facts.ephemeral_low || s.local.port > *facts.ephemeral_high) continue;
        per_dest[{s.local.addr, s.remote}].push_back(&s);
    }
    const bool windows = from_windows(snap);
    for (const auto& [key, group] : per_dest) {
        const std::uint64_t n = group.size();
        const double pct = 100.0 * static_cast<double>(n) / *range;
        if (pct < set.time_wait_percent) continue;
        Finding f;
        f.kind = FindingKind::TimeWaitPressure;
        f.count = n;
        f.severity = severity_for(pct, set.time_wait_percent);
        f.port = key.second.port;
        f.peer = format_endpoint(key.second);
        f.message = fmt::format("{} TIME_WAIT sockets from {} to {} pin {} % of the {} {} ports", n,
                                format_address(key.first), *f.peer, percent_text(pct), *range,
                                windows ? "dynamic" : "ephemeral");
        const auto age = oldest_age(snap, group, TcpState::TimeWait);
        if (age) f.message += ", " + age->message;
        if (windows) {
            // Facts the system did not give are Microsoft's documented defaults (tcp_parameters.hpp).
            f.evidence.push_back(fmt::format("dynamic port range {}-{} (netsh int ipv4 show dynamicport tcp){}",
                                             *facts.ephemeral_low, *facts.ephemeral_high,
                                             facts.ephemeral_is_default ? " (default)" : ""));
            const std::string delay = facts.time_wait_s
                                          ? fmt::format("{} s (TcpTimedWaitDelay){}", *facts.time_wait_s,
                                                        facts.time_wait_is_default ? " (default)" : "")
                                          : std::string("TcpTimedWaitDelay");
            f.evidence.push_back(fmt::format(
                "each entry keeps its local port unusable toward this destination for {}; at 100 % connect() "
                "fails with WSAEADDRINUSE (10048) or WSAENOBUFS (10055)",
                delay));
        } else {
            f.evidence.push_back(fmt::format("ephemeral range {}-{} (net.ipv4.ip_local_port_range)",
                                             *facts.ephemeral_low, *facts.ephemeral_high));
            f.evidence.push_back(
                "each entry keeps its local port unusable toward this destination for 60 s; "
                "at 100 % connect() fails with EADDRNOTAVAIL");
        }
        if (age) f.evidence.push_back(age->evidence);
        f.evidence.push_back("TIME_WAIT has no owning process: this host closes first after each use");
        f.evidence.push_back(fmt::format("threshold {} % (--time-wait-percent)", percent_text(set.time_wait_percent)));
        f.advice = windows
                       ? "reuse connections to this destination (HTTP keep-alive, a connection pool); as headroom "
                         "widen the dynamic port range (netsh int ipv4 set dynamicport tcp start=... num=...) or "
                         "lower TcpTimedWaitDelay, the Tcpip service's registry value in seconds (30 to 300, read "
                         "at start-up)"
                       : "reuse connections to this destination (HTTP keep-alive, a connection pool); as headroom set "
                         "net.ipv4.tcp_tw_reuse=1 and widen net.ipv4.ip_local_port_range. tcp_fin_timeout does not "
                         "shorten TIME_WAIT";
        out.push_back(std::move(f));
    }
}

void check_buckets(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                   std::vector<Finding>& out) {
    if (!facts.max_tw_buckets || *facts.max_tw_buckets == 0) return;
    std::uint64_t n = 0;
    for (const Socket& s : snap.sockets) n += s.protocol == Protocol::Tcp && s.state == TcpState::TimeWait;
    const double pct = 100.0 * static_cast<double>(n) / static_cast<double>(*facts.max_tw_buckets);
    if (n == 0 || pct < set.time_wait_percent) return;
    Finding f;
    f.kind = FindingKind::TimeWaitBuckets;
    f.count = n;
    f.severity = n >= *facts.max_tw_buckets ? Severity::Critical : Severity::Warning;
    f.message = fmt::format("{} TIME_WAIT sockets are {} % of net.ipv4.tcp_max_tw_buckets ({})", n,
                            percent_text(pct), *facts.max_tw_buckets);
    f.evidence.push_back(
        "past the limit the kernel closes connections without TIME_WAIT (TcpExtTCPTimeWaitOverflow), "
        "risking stray segments from old connections");
    f.evidence.push_back(fmt::format("threshold {} % (--time-wait-percent)", percent_text(set.time_wait_percent)));
    f.advice =
        "find the churn (tcpstat -s time_wait -g raddr,rport) and reuse those connections; raising "
        "tcp_max_tw_buckets only moves the cap";
    out.push_back(std::move(f));
}

}  // namespace

void check_time_wait(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                     std::vector<Finding>& out) {
    check_destinations(snap, facts, set, out);
    check_buckets(snap, facts, set, out);
}

}  // namespace tcpstat::doctor_detail
