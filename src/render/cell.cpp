// Owns the value of every output field for one socket: the single place field semantics live.
#include "cell.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "escape.hpp"
#include "tcpstat/tcp_state.hpp"
#include "tcpstat/types.hpp"

namespace tcpstat {

namespace {

void append_int(std::string& out, std::int64_t v) {
    fmt::format_int f(v);
    out.append(f.data(), f.size());
}

}  // namespace

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

Cell CellSource::owner_values(const Socket& s, Field f) {
    // A process holding the socket on two fds is still one pid, and two workers one name.
    seen_.clear();
    list_.clear();
    listed_ = over_cap_ = 0;
    for (const Owner& o : s.owners) {
        const FieldValue v = field_value(snap_, s, f, &o);
        if (v.is_null() || std::find(seen_.begin(), seen_.end(), v) != seen_.end()) continue;
        seen_.push_back(v);
        if (v.kind == FieldValue::Kind::Number) {
            fmt::format_int n(v.num);
            list_item(std::string_view(n.data(), n.size()));
        } else {
            list_item(v.text);
        }
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

Cell CellSource::cell_of(const FieldValue& v, Protocol proto) {
    switch (v.kind) {
    case FieldValue::Kind::Null: break;
    case FieldValue::Kind::Number: return Cell::unsigned_number(v.num);
    case FieldValue::Kind::Uid: {
        fmt::format_int f(v.num);
        std::copy_n(f.data(), f.size(), buf_);
        return Cell::string(std::string_view(buf_, f.size()));
    }
    case FieldValue::Kind::Text: return v.plain ? Cell::plain_string(v.text) : Cell::string(v.text);
    case FieldValue::Kind::Endpoint: return endpoint(v.endpoint, proto);
    case FieldValue::Kind::Address: return address(v.endpoint.addr);
    }
    return Cell::null();
}

Cell CellSource::get(const Socket& s, Field f) {
    if (f == Field::Owners) return owner_list(s);
    if (per_owner(f) && style_ != OwnerStyle::First && s.owners.size() > 1) return owner_values(s, f);
    return cell_of(field_value(snap_, s, f), s.protocol);
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
