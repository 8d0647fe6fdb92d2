// Owns the value of every field of one socket, and how such values compare, hash and print.
#include "tcpstat/field_value.hpp"

#include <fmt/format.h>
#include <functional>

namespace tcpstat {

namespace {

template <class T>
FieldValue optional_number(const std::optional<T>& v) {
    return v ? FieldValue::number(static_cast<std::uint64_t>(*v)) : FieldValue::null();
}

template <class T>
FieldValue optional_number(const PackedOptional<T>& v) {
    return optional_number(static_cast<std::optional<T>>(v));
}

template <class Member>
FieldValue info_number(const Socket& s, Member m) {
    return s.tcp_info ? optional_number((*s.tcp_info).*m) : FieldValue::null();
}

FieldValue endpoint_value(const Endpoint& e, FieldValue::Kind kind) {
    FieldValue v;
    v.kind = kind;
    v.endpoint = e;
    if (kind == FieldValue::Kind::Address) v.endpoint.port = 0;
    return v;
}

FieldValue owner_text(const Process* p, const std::optional<std::string> Process::*member) {
    if (p == nullptr || !(p->*member)) return FieldValue::null();
    return FieldValue::string(*(p->*member));
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

}  // namespace

std::string_view timer_name(TimerKind k) {
    switch (k) {
    case TimerKind::Retransmit: return "retransmit";
    case TimerKind::KeepAlive: return "keepalive";
    case TimerKind::TimeWait: return "time_wait";
    case TimerKind::ZeroWindowProbe: return "zero_window_probe";
    case TimerKind::Other: break;
    }
    return "other";
}

bool per_owner(Field f) { return field_info(f).needs_owners; }

FieldValue field_value(const Snapshot& snap, const Socket& s, Field f, const Owner* owner) {
    if (per_owner(f)) {
        if (owner == nullptr) {
            if (s.owners.empty()) return FieldValue::null();
            owner = &s.owners.front();
        }
        if (f == Field::Pid) return FieldValue::number(static_cast<std::uint64_t>(owner->pid));
        const Process* p = snap.process(owner->pid);
        switch (f) {
        case Field::Process: return p ? FieldValue::string(p->name) : FieldValue::null();
        case Field::Cmdline: return owner_text(p, &Process::cmdline);
        case Field::Exe: return owner_text(p, &Process::exe);
        case Field::Service: return owner_text(p, &Process::service);
        default: return FieldValue::null();  // owners: a list, spelled out by render
        }
    }
    if (auto i = memory_index(f)) return s.memory ? optional_number(s.memory->values[*i]) : FieldValue::null();
    switch (f) {
    case Field::Proto: return FieldValue::string(protocol_name(s.protocol), true, static_cast<std::uint64_t>(s.protocol));
    case Field::Family: return FieldValue::string(family_name(s.family), true, static_cast<std::uint64_t>(s.family));
    case Field::State: return FieldValue::string(state_name(s.state, s.protocol), true, static_cast<std::uint64_t>(s.state));
    case Field::Local: return endpoint_value(s.local, FieldValue::Kind::Endpoint);
    case Field::Remote: return endpoint_value(s.remote, FieldValue::Kind::Endpoint);
    case Field::Laddr: return endpoint_value(s.local, FieldValue::Kind::Address);
    case Field::Raddr: return endpoint_value(s.remote, FieldValue::Kind::Address);
    case Field::Lport: return FieldValue::number(s.local.port);
    case Field::Rport: return FieldValue::number(s.remote.port);
    case Field::User: {
        if (!s.uid) return FieldValue::null();
        if (auto it = snap.users.find(*s.uid); it != snap.users.end()) return FieldValue::string(it->second);
        FieldValue v = FieldValue::number(*s.uid);
        v.kind = FieldValue::Kind::Uid;
        return v;
    }
    case Field::Uid: return optional_number(s.uid);
    case Field::Inode: return optional_number(s.inode);
    case Field::RecvQ: return optional_number(s.rx_queue);
    case Field::SendQ: return optional_number(s.tx_queue);
    // What fires soonest first: that is what one sorts timers for.
    case Field::Timer: return s.timer ? FieldValue::string(timer_name(s.timer->kind), true, s.timer->expires_ms) : FieldValue::null();
    case Field::TimerMs: return s.timer ? FieldValue::number(s.timer->expires_ms) : FieldValue::null();
    case Field::Retrans: return optional_number(s.retransmits);
    case Field::Rtt: return info_number(s, &TcpInfo::rtt_us);
    case Field::Rttvar: return info_number(s, &TcpInfo::rttvar_us);
    case Field::Cwnd: return info_number(s, &TcpInfo::cwnd);
    case Field::Ssthresh: return info_number(s, &TcpInfo::ssthresh);
    case Field::Mss: return info_number(s, &TcpInfo::mss);
    case Field::RetransTotal: return info_number(s, &TcpInfo::retrans_total);
    case Field::BytesSent: return info_number(s, &TcpInfo::bytes_sent);
    case Field::BytesReceived: return info_number(s, &TcpInfo::bytes_received);
    case Field::LastSendMs: return info_number(s, &TcpInfo::last_send_ms);
    case Field::LastRecvMs: return info_number(s, &TcpInfo::last_recv_ms);
    case Field::IdleMs: return s.tcp_info ? optional_number(s.tcp_info->idle_ms()) : FieldValue::null();
    case Field::Age: return optional_number(s.age_ms);
    case Field::ChangedBy: return optional_number(s.changed_by);
    case Field::Netns: {
        if (!s.netns) return FieldValue::null();
        auto it = snap.netns_names.find(*s.netns);
        return it != snap.netns_names.end() ? FieldValue::string(it->second) : FieldValue::number(*s.netns);
    }
    default: break;
    }
    return FieldValue::null();
}

bool FieldValue::operator==(const FieldValue& o) const {
    if (kind != o.kind) return false;
    switch (kind) {
    case Kind::Null: return true;
    case Kind::Number:
    case Kind::Uid: return num == o.num;
    case Kind::Text: return text == o.text;
    case Kind::Endpoint:
    case Kind::Address: return endpoint == o.endpoint;
    }
    return false;
}

int compare_values(const FieldValue& a, const FieldValue& b) {
    using K = FieldValue::Kind;
    const bool an = a.is_null(), bn = b.is_null();
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
    auto three = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (a.kind != b.kind) return three(static_cast<int>(a.kind), static_cast<int>(b.kind));
    switch (a.kind) {
    case K::Number:
    case K::Uid: return three(a.num, b.num);
    case K::Text:
        if (a.order != b.order) return three(a.order, b.order);
        return three(a.text, b.text);
    case K::Endpoint:
    case K::Address: return three(a.endpoint, b.endpoint);
    case K::Null: break;
    }
    return 0;
}

std::uint64_t hash_value(const FieldValue& v) {
    std::uint64_t h = static_cast<std::uint64_t>(v.kind);
    switch (v.kind) {
    case FieldValue::Kind::Null: break;
    case FieldValue::Kind::Number:
    case FieldValue::Kind::Uid: h = mix(h, v.num); break;
    case FieldValue::Kind::Text: h = mix(h, std::hash<std::string_view>{}(v.text)); break;
    case FieldValue::Kind::Endpoint:
    case FieldValue::Kind::Address: {
        const IpAddress& a = v.endpoint.addr;
        std::uint64_t lo = 0, hi = 0;
        for (int b = 0; b < 8; ++b) lo = (lo << 8) | a.bytes[b];
        for (int b = 8; b < 16; ++b) hi = (hi << 8) | a.bytes[b];
        h = mix(mix(mix(h, lo), hi), (std::uint64_t{a.scope_id} << 24) | (std::uint64_t{v.endpoint.port} << 8) |
                                          static_cast<unsigned>(a.family));
        break;
    }
    }
    return h;
}

Value to_value(const FieldValue& v) {
    switch (v.kind) {
    case FieldValue::Kind::Null: return std::monostate{};
    case FieldValue::Kind::Number: return static_cast<std::int64_t>(v.num);
    case FieldValue::Kind::Uid: return fmt::format("{}", v.num);
    case FieldValue::Kind::Text: return std::string(v.text);
    case FieldValue::Kind::Endpoint: return format_endpoint(v.endpoint);
    case FieldValue::Kind::Address: return format_address(v.endpoint.addr);
    }
    return std::monostate{};
}

}  // namespace tcpstat
