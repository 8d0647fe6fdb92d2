// Owns kill's safety rules: dropping listeners not asked for, keeping the arrived-on connection and the session's own sockets.
#include "tcpstat/kill.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace tcpstat {

namespace {

// SSH_CONNECTION names IPv4 peers plainly while a dual-stack sshd sees them v4-mapped, and
// carries no zone: compare what identifies the host.
bool same_host(const IpAddress& a, const IpAddress& b) {
    const IpAddress x = a.unmapped(), y = b.unmapped();
    return x.family == y.family && x.bytes == y.bytes;
}

bool same_end(const Endpoint& a, const Endpoint& b) { return a.port == b.port && same_host(a.addr, b.addr); }

std::optional<std::uint16_t> parse_port(std::string_view t) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v == 0 || v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
}

bool is_listener(const Socket& s) {
    return s.state == (s.protocol == Protocol::Tcp ? TcpState::Listen : TcpState::Close);
}

std::optional<std::string> keep_reason(const Socket& s, const KillSafety& safety) {
    // Either end: an ssh to this very host holds both, and closing one ends the connection.
    if (s.protocol == Protocol::Tcp && safety.arrived_local && safety.arrived_remote) {
        const Endpoint& here = *safety.arrived_local;
        const Endpoint& there = *safety.arrived_remote;
        if ((same_end(s.local, here) && same_end(s.remote, there)) ||
            (same_end(s.local, there) && same_end(s.remote, here)))
            return std::string("the connection this command arrived on (SSH_CONNECTION)");
    }
    for (const Owner& o : s.owners) {
        if (std::find(safety.own_pids.begin(), safety.own_pids.end(), o.pid) != safety.own_pids.end())
            return fmt::format("held by pid {}, which this command runs under (tcpstat, a parent, or the server of its terminal)",
                               o.pid);
    }
    return std::nullopt;
}

}  // namespace

std::string_view close_outcome_name(CloseOutcome o) {
    switch (o) {
        case CloseOutcome::Closed: return "closed";
        case CloseOutcome::Gone: return "gone";
        case CloseOutcome::Refused: return "refused";
        case CloseOutcome::Unsupported: return "unsupported";
        case CloseOutcome::Protected: return "protected";
    }
    return "refused";
}

void take_ssh_connection(std::string_view value, KillSafety& safety) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < value.size() && words.size() < 5) {
        const std::size_t start = value.find_first_not_of(' ', pos);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(value.find(' ', start), value.size());
        words.push_back(value.substr(start, end - start));
        pos = end;
    }
    if (words.size() != 4) return;
    const auto client = parse_address(words[0]);
    const auto client_port = parse_port(words[1]);
    const auto server = parse_address(words[2]);
    const auto server_port = parse_port(words[3]);
    if (!client || !client_port || !server || !server_port) return;
    safety.arrived_local = Endpoint{*server, *server_port};
    safety.arrived_remote = Endpoint{*client, *client_port};
}

std::size_t KillPlan::to_close() const {
    return static_cast<std::size_t>(
        std::count_if(keep_reason.begin(), keep_reason.end(), [](const auto& r) { return !r.has_value(); }));
}

KillPlan plan_kill(Snapshot& snap, const KillSafety& safety) {
    KillPlan plan;
    if (!safety.listeners_asked) {
        const auto before = snap.sockets.size();
        std::erase_if(snap.sockets, is_listener);
        plan.skipped_listeners = before - snap.sockets.size();
    }
    plan.keep_reason.reserve(snap.sockets.size());
    for (const Socket& s : snap.sockets) plan.keep_reason.push_back(keep_reason(s, safety));
    return plan;
}

}  // namespace tcpstat
