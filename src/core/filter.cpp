// Owns the display filter's predicates and the in-place, order-keeping removal of non-matching sockets.
#include "tcpstat/filter.hpp"

#include <algorithm>

#include "tcpstat/field_value.hpp"

namespace tcpstat {

namespace {

bool any_range(const std::vector<PortRange>& ranges, std::uint16_t port) {
    return std::any_of(ranges.begin(), ranges.end(), [&](const PortRange& r) { return r.contains(port); });
}

bool any_cidr(const std::vector<Cidr>& cidrs, const IpAddress& a) {
    return std::any_of(cidrs.begin(), cidrs.end(), [&](const Cidr& c) { return c.contains(a); });
}

bool is_listening(const Socket& s) {
    return s.protocol == Protocol::Tcp ? s.state == TcpState::Listen : s.state == TcpState::Close;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// lsof -c semantics: the name given is a prefix of the process name (equality included).
bool name_matches(std::string_view name, const std::vector<std::string>& wanted, bool fold_case) {
    return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
        if (!fold_case) return name.starts_with(w);
        return w.size() <= name.size() &&
               std::equal(w.begin(), w.end(), name.begin(), [](char a, char b) { return lower(a) == lower(b); });
    });
}

// --process: whether this owner's process field matches one of the names.
bool owner_named(const Snapshot& snap, const Socket& s, const Owner& o, const Filter& f) {
    const FieldValue v = field_value(snap, s, Field::Process, &o);
    return !v.is_null() && name_matches(v.text, f.process_names, f.fold_name_case);
}

}  // namespace

bool Filter::matches_socket(const Socket& s) const {
    if (s.protocol == Protocol::Tcp ? !tcp : !udp) return false;
    if (s.family == Family::Inet ? !ipv4 : !ipv6) return false;
    if (!states.has(s.state)) return false;
    if (listening && !is_listening(s)) return false;
    if (!ports.empty() && !any_range(ports, s.local.port) && !any_range(ports, s.remote.port)) return false;
    if (!sports.empty() && !any_range(sports, s.local.port)) return false;
    if (!dports.empty() && !any_range(dports, s.remote.port)) return false;
    if (!src.empty() && !any_cidr(src, s.local.addr)) return false;
    if (!dst.empty() && !any_cidr(dst, s.remote.addr)) return false;
    if (!addrs.empty() && !any_cidr(addrs, s.local.addr) && !any_cidr(addrs, s.remote.addr)) return false;
    if (!uids.empty()) {
        if (!s.uid || std::find(uids.begin(), uids.end(), *s.uid) == uids.end()) return false;
    }
    return expression.matches(s);
}

bool Filter::matches_owners(const Socket& s, const Snapshot& snap) const {
    if (!pids.empty()) {
        bool hit = std::any_of(s.owners.begin(), s.owners.end(), [&](const Owner& o) {
            return std::find(pids.begin(), pids.end(), o.pid) != pids.end();
        });
        if (!hit) return false;
    }
    if (!process_names.empty()) {
        bool hit = std::any_of(s.owners.begin(), s.owners.end(),
                               [&](const Owner& o) { return owner_named(snap, s, o, *this); });
        if (!hit) return false;
    }
    return true;
}

void apply_socket_filter(Snapshot& snap, const Filter& f) {
    std::erase_if(snap.sockets, [&](const Socket& s) { return !f.matches_socket(s); });
}

void apply_owner_filter(Snapshot& snap, const Filter& f) {
    if (!f.needs_owners()) return;
    std::erase_if(snap.sockets, [&](const Socket& s) { return !f.matches_owners(s, snap); });
    if (f.process_names.empty()) return;
    for (Socket& s : snap.sockets) {
        s.owners.erase_if([&](const Owner& o) { return !owner_named(snap, s, o, f); });
    }
}

}  // namespace tcpstat
