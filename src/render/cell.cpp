// Owns the value of every output field for one socket: the single place field semantics live.
#include "cell.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "escape.hpp"
#include "tcpstat/tcp_state.hpp"
#include "tcpstat/types.hpp"

namespace tcpstat {

namespace {

template <class T>
Cell optional_number(const std::optional<T>& v) {
    return v ? Cell::unsigned_number(*v) : Cell::null();
}

template <class Member>
Cell info_number(const Socket& s, Member m) {
    if (!s.tcp_info) return Cell::null();
    return optional_number((*s.tcp_info).*m);
}

void append_int(std::string& out, std::int64_t v) {
    fmt::format_int f(v);
    out.append(f.data(), f.size());
}

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

void CellSource::append_named_address(const IpAddress& a) {
    if (auto h = snap_.host_names.find(a); h != snap_.host_names.end()) {
        list_.append(h->second);
        return;
    }
    IpAddress bare = a;
    bare.scope_id = 0;
    list_.append(buf_, format_address_to(bare, buf_));
    if (a.scope_id == 0) return;
    list_.push_back('%');
    if (auto i = snap_.interface_names.find(a.scope_id); i != snap_.interface_names.end())
        list_.append(i->second);
    else
        append_int(list_, a.scope_id);
}

Cell CellSource::named_endpoint(const Endpoint& e, Protocol proto) {
    list_.clear();
    // A host name has no colon, so only a numeric IPv6 address needs the brackets.
    const bool brackets = e.addr.family == Family::Inet6 && !snap_.host_names.contains(e.addr);
    if (brackets) list_.push_back('[');
    append_named_address(e.addr);
    if (brackets) list_.push_back(']');
    list_.push_back(':');
    if (e.port == 0) {
        list_.push_back('*');
    } else if (auto s = snap_.service_names.find({proto, e.port}); s != snap_.service_names.end()) {
        list_.append(s->second);
    } else {
        append_int(list_, e.port);
    }
    // Names come from the OS and DNS: escaped like any untrusted text.
    return Cell::string(list_);
}

Cell CellSource::endpoint(const Endpoint& e, Protocol proto) {
    if (named_) return named_endpoint(e, proto);
    // Same text as format_endpoint(), built in place to avoid a string per cell.
    std::size_t n = 0;
    const bool v6 = e.addr.family == Family::Inet6;
    if (v6) buf_[n++] = '[';
    n += format_address_to(e.addr, buf_ + n);
    if (v6) buf_[n++] = ']';
    buf_[n++] = ':';
    if (e.port == 0) {
        buf_[n++] = '*';
    } else {
        fmt::format_int port(e.port);
        std::copy_n(port.data(), port.size(), buf_ + n);
        n += port.size();
    }
    return Cell::plain_string(std::string_view(buf_, n));
}

Cell CellSource::address(const IpAddress& a) {
    if (named_) {
        list_.clear();
        append_named_address(a);
        return Cell::string(list_);
    }
    return Cell::plain_string(std::string_view(buf_, format_address_to(a, buf_)));
}

void CellSource::list_item(std::string_view item) {
    if (style_ == OwnerStyle::Capped && listed_ == kOwnerCap) {
        ++over_cap_;
        return;
    }
    if (listed_++ > 0) list_.push_back(',');
    list_.append(item);
}

Cell CellSource::finish_list() {
    if (over_cap_ > 0) {
        list_.append(",+");
        append_int(list_, static_cast<std::int64_t>(over_cap_));
    }
    return Cell::string(list_);
}

Cell CellSource::pids(const Socket& s) {
    if (s.owners.empty()) return Cell::null();
    if (style_ == OwnerStyle::First || s.owners.size() == 1) return Cell::signed_number(s.owners[0].pid);
    // A process holding the socket on two fds is still one pid.
    list_.clear();
    listed_ = over_cap_ = 0;
    for (std::size_t k = 0; k < s.owners.size(); ++k) {
        const Pid pid = s.owners[k].pid;
        bool repeat = false;
        for (std::size_t j = 0; j < k && !repeat; ++j) repeat = s.owners[j].pid == pid;
        if (repeat) continue;
        fmt::format_int f(pid);
        list_item(std::string_view(f.data(), f.size()));
    }
    return finish_list();
}

Cell CellSource::owner_texts(const Socket& s, const std::optional<std::string>& (*get)(const Process&)) {
    if (style_ == OwnerStyle::First) {
        if (s.owners.empty()) return Cell::null();
        const Process* p = snap_.process(s.owners[0].pid);
        const std::optional<std::string>* v = p ? &get(*p) : nullptr;
        return v && *v ? Cell::string(**v) : Cell::null();
    }
    seen_.clear();
    list_.clear();
    listed_ = over_cap_ = 0;
    for (const Owner& o : s.owners) {
        const Process* p = snap_.process(o.pid);
        if (!p || !get(*p)) continue;
        const std::string_view v = *get(*p);
        if (std::find(seen_.begin(), seen_.end(), v) != seen_.end()) continue;
        seen_.push_back(v);
        list_item(v);
    }
    return seen_.empty() ? Cell::null() : finish_list();
}

Cell CellSource::process_names(const Socket& s) {
    if (style_ == OwnerStyle::First) {
        if (s.owners.empty()) return Cell::null();
        const Process* p = snap_.process(s.owners[0].pid);
        return p ? Cell::string(p->name) : Cell::null();
    }
    seen_.clear();
    list_.clear();
    listed_ = over_cap_ = 0;
    for (const Owner& o : s.owners) {
        const Process* p = snap_.process(o.pid);
        if (!p || std::find(seen_.begin(), seen_.end(), std::string_view(p->name)) != seen_.end()) continue;
        seen_.emplace_back(p->name);
        list_item(p->name);
    }
    return seen_.empty() ? Cell::null() : finish_list();
}

Cell CellSource::owner_list(const Socket& s) {
    if (s.owners.empty()) return Cell::null();
    list_.clear();
    listed_ = over_cap_ = 0;
    char item[24];
    for (const Owner& o : s.owners) {
        fmt::format_int pid(o.pid);
        std::size_t n = pid.size();
        std::copy_n(pid.data(), n, item);
        if (o.fd) {
            item[n++] = '/';
            fmt::format_int fd(*o.fd);
            std::copy_n(fd.data(), fd.size(), item + n);
            n += fd.size();
        }
        list_item(std::string_view(item, n));
    }
    return finish_list();
}

Cell CellSource::user(const Socket& s) {
    if (!s.uid) return Cell::null();
    auto it = snap_.users.find(*s.uid);
    if (it != snap_.users.end()) return Cell::string(it->second);
    fmt::format_int f(*s.uid);
    std::copy_n(f.data(), f.size(), buf_);
    return Cell::string(std::string_view(buf_, f.size()));
}

Cell CellSource::netns(const Socket& s) {
    if (!s.netns) return Cell::null();
    auto it = snap_.netns_names.find(*s.netns);
    return it != snap_.netns_names.end() ? Cell::string(it->second) : Cell::unsigned_number(*s.netns);
}

Cell CellSource::get(const Socket& s, Field f) {
    switch (f) {
    case Field::RmemAlloc:
    case Field::Rcvbuf:
    case Field::WmemAlloc:
    case Field::Sndbuf:
    case Field::FwdAlloc:
    case Field::WmemQueued:
    case Field::Optmem:
    case Field::Backlog:
    case Field::Drops:
        return s.memory ? optional_number(s.memory->values[*memory_index(f)]) : Cell::null();
    case Field::Proto: return Cell::plain_string(protocol_name(s.protocol));
    case Field::Family: return Cell::plain_string(family_name(s.family));
    case Field::State: return Cell::plain_string(state_name(s.state, s.protocol));
    case Field::Local: return endpoint(s.local, s.protocol);
    case Field::Remote: return endpoint(s.remote, s.protocol);
    case Field::Laddr: return address(s.local.addr);
    case Field::Lport: return Cell::unsigned_number(s.local.port);
    case Field::Raddr: return address(s.remote.addr);
    case Field::Rport: return Cell::unsigned_number(s.remote.port);
    case Field::Pid: return pids(s);
    case Field::Process: return process_names(s);
    case Field::Owners: return owner_list(s);
    case Field::User: return user(s);
    case Field::Uid: return optional_number(s.uid);
    case Field::Inode: return optional_number(s.inode);
    case Field::RecvQ: return optional_number(s.rx_queue);
    case Field::SendQ: return optional_number(s.tx_queue);
    case Field::Timer: return s.timer ? Cell::plain_string(timer_name(s.timer->kind)) : Cell::null();
    case Field::TimerMs: return s.timer ? Cell::unsigned_number(s.timer->expires_ms) : Cell::null();
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
    case Field::IdleMs: return s.tcp_info ? optional_number(s.tcp_info->idle_ms()) : Cell::null();
    case Field::Netns: return netns(s);
    case Field::Cmdline: return owner_texts(s, [](const Process& p) -> const std::optional<std::string>& { return p.cmdline; });
    case Field::Exe: return owner_texts(s, [](const Process& p) -> const std::optional<std::string>& { return p.exe; });
    case Field::Service:
        return owner_texts(s, [](const Process& p) -> const std::optional<std::string>& { return p.service; });
    }
    return Cell::null();
}

Cell value_cell(const Value& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) return Cell::signed_number(*n);
    if (const auto* t = std::get_if<std::string>(&v)) return Cell::string(*t);
    return Cell::null();
}

void write_number(const Cell& c, Output& out) {
    if (c.kind == Cell::Kind::Unsigned) {
        fmt::format_int f(c.u);
        out.write(std::string_view(f.data(), f.size()));
    } else {
        fmt::format_int f(c.i);
        out.write(std::string_view(f.data(), f.size()));
    }
}

void write_cell_text(const Cell& c, Output& out) {
    if (c.is_number())
        write_number(c, out);
    else if (c.plain)
        out.write(c.text);
    else
        write_escaped_text(c.text, out);
}

std::size_t cell_width(const Cell& c) {
    switch (c.kind) {
    case Cell::Kind::Unsigned: return fmt::format_int(c.u).size();
    case Cell::Kind::Signed: return fmt::format_int(c.i).size();
    case Cell::Kind::Text: return c.plain ? c.text.size() : escaped_text_width(c.text);
    case Cell::Kind::Null: break;
    }
    return 0;
}

}  // namespace tcpstat
