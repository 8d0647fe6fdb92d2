// Owns the fixed golden snapshot (hostile names, every address shape and state kind) and the
// field oracle the round-trip tests compare against.
#include "fixture.hpp"

#include <algorithm>
#include <stdexcept>

#include <gtest/gtest.h>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat::golden {

namespace {

IpAddress v6(std::initializer_list<std::uint16_t> groups, std::uint32_t scope = 0) {
    std::uint8_t b[16] = {};
    std::size_t i = 0;
    for (std::uint16_t g : groups) {
        b[i++] = static_cast<std::uint8_t>(g >> 8);
        b[i++] = static_cast<std::uint8_t>(g & 0xFF);
    }
    return IpAddress::from_v6_bytes(b, scope);
}

IpAddress mapped(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    std::uint8_t bytes[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, a, b, c, d};
    return IpAddress::from_v6_bytes(bytes);
}

Socket tcp(TcpState state, IpAddress laddr, std::uint16_t lport, IpAddress raddr, std::uint16_t rport) {
    Socket s;
    s.protocol = Protocol::Tcp;
    s.family = laddr.family;
    s.state = state;
    s.local = {laddr, lport};
    s.remote = {raddr, rport};
    return s;
}

Socket udp(TcpState state, IpAddress laddr, std::uint16_t lport, IpAddress raddr, std::uint16_t rport) {
    Socket s = tcp(state, laddr, lport, raddr, rport);
    s.protocol = Protocol::Udp;
    return s;
}

Snapshot build() {
    Snapshot snap;
    snap.source = "netlink";
    snap.owners_attached = true;
    snap.users = {{0, "root"}, {33, "www-data"}, {1000, "alice"}};
    auto proc = [&](Pid pid, std::string name) { snap.processes[pid] = Process{std::move(name), {}, {}, {}}; };
    proc(812, "sshd");
    snap.processes[812].cmdline = "/usr/sbin/sshd -D";
    snap.processes[812].exe = "/usr/sbin/sshd";
    proc(900, "nginx");
    proc(901, "nginx");
    const auto& h = hostile_names();
    proc(1337, h[0].raw);   // evil ESC
    proc(2001, h[1].raw);   // newline
    proc(2002, h[2].raw);   // tab
    proc(2003, h[3].raw);   // invalid UTF-8
    proc(2004, h[4].raw);   // quote and comma
    proc(2005, h[5].raw);   // UTF-8
    proc(2006, h[6].raw);   // C1 CSI
    proc(2007, h[7].raw);   // backslash
    proc(2008, h[8].raw);   // surrounding spaces
    proc(2009, h[9].raw);   // DEL and a truncated sequence
    proc(2010, h[10].raw);  // wide characters
    // pid 3000 owns a socket but its process vanished before its name was read.

    const IpAddress any4 = IpAddress::v4(0, 0, 0, 0);
    const IpAddress host = IpAddress::v4(10, 0, 0, 5);
    auto& v = snap.sockets;

    Socket s = tcp(TcpState::Listen, any4, 22, any4, 0);
    s.uid = 0;
    s.inode = 1001;
    s.rx_queue = 0;
    s.tx_queue = 128;
    s.netns = 4026531840ULL;
    s.owners = {{812, 3}};
    v.push_back(s);

    s = tcp(TcpState::Listen, v6({}), 80, v6({}), 0);
    s.uid = 33;
    s.inode = 1002;
    s.rx_queue = 3;
    s.tx_queue = 511;
    s.owners = {{900, 6}, {901, 6}, {900, 7}};  // pre-fork workers, one fd dup'ed
    v.push_back(s);

    s = tcp(TcpState::Established, host, 22, IpAddress::v4(192, 168, 1, 20), 51234);
    s.uid = 1000;
    s.inode = 1003;
    s.rx_queue = 0;
    s.tx_queue = 0;
    s.timer = Timer{TimerKind::KeepAlive, 7200000};
    s.retransmits = 0;
    s.owners = {{1337, 5}};
    s.tcp_info = TcpInfo{};
    s.tcp_info->rtt_us = 1250;
    s.tcp_info->rttvar_us = 400;
    s.tcp_info->cwnd = 10;
    s.tcp_info->ssthresh = 7;
    s.tcp_info->mss = 1448;
    s.tcp_info->retrans_total = 2;
    s.tcp_info->bytes_sent = 5000000000ULL;
    s.tcp_info->bytes_received = 123456;
    s.tcp_info->last_send_ms = 40;
    s.tcp_info->last_recv_ms = 15;
    s.age_ms = 3723004;  // seen by the recorder entering its state 1h02m03s ago
    s.changed_by = 812;
    s.netns = 4026531840ULL;
    // An older kernel's shorter SKMEMINFO: the last entry (drops) absent, never 0.
    s.memory = SocketMemory{{0, 131072, 0, 2626560, 4096, 0, 0, 0, std::nullopt}};
    v.push_back(s);

    s = tcp(TcpState::Established, mapped(127, 0, 0, 1), 8080, mapped(127, 0, 0, 1), 40000);
    s.uid = 1000;
    s.inode = 1004;
    s.owners = {{2001, 4}};
    v.push_back(s);

    s = tcp(TcpState::Established, v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}, 2), 22,
            v6({0xfe80, 0, 0, 0, 0, 0, 0xabcd, 1}, 2), 50000);
    s.uid = 0;
    s.inode = 1005;
    s.owners = {{2002, 9}};
    s.tcp_info = TcpInfo{};
    s.tcp_info->rtt_us = 80;
    s.tcp_info->last_recv_ms = 900;  // idle comes from the one side known
    v.push_back(s);

    s = tcp(TcpState::CloseWait, IpAddress::v4(127, 0, 0, 1), 5432, IpAddress::v4(127, 0, 0, 1), 60000);
    s.uid = 1000;
    s.inode = 1006;
    s.rx_queue = 5;
    s.tx_queue = 0;
    s.owners = {{2003, 11}};
    v.push_back(s);

    s = tcp(TcpState::TimeWait, host, 443, IpAddress::v4(10, 0, 0, 9), 33000);
    s.uid = 0;
    s.timer = Timer{TimerKind::TimeWait, 59000};
    v.push_back(s);

    s = udp(TcpState::Close, any4, 53, any4, 0);
    s.uid = 0;
    s.inode = 1008;
    s.owners = {{2004, 3}};
    v.push_back(s);

    s = tcp(TcpState::Established, v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10}), 443,
            v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x20}), 55555);
    s.uid = 4242;  // no name known for it
    s.inode = 1009;
    s.owners = {{2005, 8}};
    v.push_back(s);

    s = tcp(TcpState::SynSent, host, 40001, IpAddress::v4(10, 0, 0, 77), 80);
    s.uid = 1000;
    s.inode = 1010;
    s.timer = Timer{TimerKind::Retransmit, 200};
    s.retransmits = 2;
    s.owners = {{2006, 3}, {3000, 4}};
    v.push_back(s);

    s = tcp(TcpState::FinWait1, host, 40002, IpAddress::v4(10, 0, 0, 78), 80);
    s.uid = 1000;
    s.inode = 1011;
    s.timer = Timer{TimerKind::ZeroWindowProbe, 1500};
    s.owners = {{2007, 12}};
    v.push_back(s);

    s = udp(TcpState::Established, v6({0, 0, 0, 0, 0, 0, 0, 1}), 5353, v6({0, 0, 0, 0, 0, 0, 0, 1}), 9999);
    s.uid = 1000;
    s.inode = 1012;
    s.owners = {{2008, 5}};
    v.push_back(s);

    s = tcp(TcpState::LastAck, host, 40003, IpAddress::v4(10, 0, 0, 79), 80);
    s.uid = 1000;
    s.inode = 1013;
    s.timer = Timer{TimerKind::Other, 10};
    s.owners = {{2009, 6}};
    v.push_back(s);

    s = tcp(TcpState::Established, host, 40004, IpAddress::v4(10, 0, 0, 80), 8443);
    s.uid = 1000;
    s.inode = 1014;
    s.owners = {{2010, 7}};
    v.push_back(s);

    s = tcp(TcpState::SynRecv, host, 22, IpAddress::v4(10, 0, 0, 81), 40404);
    v.push_back(s);

    return snap;
}

// A name the fixture uses without escaping must really need none.
std::string plain(const std::string& raw) {
    for (unsigned char c : raw) {
        if (c < 0x20 || c >= 0x7F || c == '\\') throw std::logic_error("fixture name needs an oracle entry: " + raw);
    }
    return raw;
}

const HostileName* hostile(const std::string& raw) {
    for (const auto& h : hostile_names())
        if (h.raw == raw) return &h;
    return nullptr;
}

std::string text_of(const std::string& raw) {
    const HostileName* h = hostile(raw);
    return h ? h->text : plain(raw);
}

std::string json_of(const std::string& raw) {
    const HostileName* h = hostile(raw);
    return h ? h->json : plain(raw);
}

std::string join(const std::vector<std::string>& items) {
    std::string r;
    for (const auto& i : items) {
        if (!r.empty()) r += ',';
        r += i;
    }
    return r;
}

std::optional<std::string> number_text(std::optional<std::uint64_t> v) {
    if (!v) return std::nullopt;
    return std::to_string(*v);
}

template <class T>
std::optional<std::uint64_t> widen(const T& v) {  // std::optional or PackedOptional
    if (!v) return std::nullopt;
    return static_cast<std::uint64_t>(*v);
}

// Every numeric field, as an optional number; nullopt also for non-numeric fields.
std::optional<std::uint64_t> number_of(const Socket& s, Field f, bool& numeric) {
    numeric = true;
    const TcpInfo* ti = s.tcp_info ? &*s.tcp_info : nullptr;
    switch (f) {
    case Field::Lport: return s.local.port;
    case Field::Rport: return s.remote.port;
    case Field::Uid: return widen(s.uid);
    case Field::Inode: return s.inode;
    case Field::RecvQ: return widen(s.rx_queue);
    case Field::SendQ: return widen(s.tx_queue);
    case Field::TimerMs: return s.timer ? std::optional<std::uint64_t>(s.timer->expires_ms) : std::nullopt;
    case Field::Retrans: return widen(s.retransmits);
    case Field::Rtt: return ti ? widen(ti->rtt_us) : std::nullopt;
    case Field::Rttvar: return ti ? widen(ti->rttvar_us) : std::nullopt;
    case Field::Cwnd: return ti ? widen(ti->cwnd) : std::nullopt;
    case Field::Ssthresh: return ti ? widen(ti->ssthresh) : std::nullopt;
    case Field::Mss: return ti ? widen(ti->mss) : std::nullopt;
    case Field::RetransTotal: return ti ? widen(ti->retrans_total) : std::nullopt;
    case Field::BytesSent: return ti ? ti->bytes_sent : std::nullopt;
    case Field::BytesReceived: return ti ? ti->bytes_received : std::nullopt;
    case Field::LastSendMs: return ti ? widen(ti->last_send_ms) : std::nullopt;
    case Field::LastRecvMs: return ti ? widen(ti->last_recv_ms) : std::nullopt;
    case Field::IdleMs: {
        if (!ti) return std::nullopt;
        if (ti->last_send_ms && ti->last_recv_ms) return std::min(*ti->last_send_ms, *ti->last_recv_ms);
        return widen(ti->last_send_ms ? ti->last_send_ms : ti->last_recv_ms);
    }
    case Field::Netns: return s.netns;
    case Field::Age: return s.age_ms;
    case Field::ChangedBy: return s.changed_by ? std::optional<std::uint64_t>(*s.changed_by) : std::nullopt;
    case Field::RmemAlloc:
    case Field::Rcvbuf:
    case Field::WmemAlloc:
    case Field::Sndbuf:
    case Field::FwdAlloc:
    case Field::WmemQueued:
    case Field::Optmem:
    case Field::Backlog:
    case Field::Drops: return s.memory ? widen(s.memory->values[*memory_index(f)]) : std::nullopt;
    default: numeric = false; return std::nullopt;
    }
}

std::optional<std::string> timer_text(const Socket& s) {
    if (!s.timer) return std::nullopt;
    switch (s.timer->kind) {
    case TimerKind::Retransmit: return "retransmit";
    case TimerKind::KeepAlive: return "keepalive";
    case TimerKind::TimeWait: return "time_wait";
    case TimerKind::ZeroWindowProbe: return "zero_window_probe";
    case TimerKind::Other: return "other";
    }
    return std::nullopt;
}

std::optional<std::string> user_raw(const Snapshot& snap, const Socket& s) {
    if (!s.uid) return std::nullopt;
    auto it = snap.users.find(*s.uid);
    return it != snap.users.end() ? it->second : std::to_string(*s.uid);
}

}  // namespace

const std::vector<HostileName>& hostile_names() {
    static const std::vector<HostileName> names = {
        {"evil\x1b[31m", "evil\\x1b[31m", "evil\x1b[31m"},
        {"new\nline", "new\\nline", "new\nline"},
        {"tab\there", "tab\\there", "tab\there"},
        {"bad\xff\xfeutf8", "bad\\xff\\xfeutf8", "bad\\xff\\xfeutf8"},
        {"quo\"te,comma", "quo\"te,comma", "quo\"te,comma"},
        {"pr\xc3\xb8" "cess", "pr\xc3\xb8" "cess", "pr\xc3\xb8" "cess"},
        {"csi\xc2\x9b" "2J", "csi\\xc2\\x9b2J", "csi\xc2\x9b" "2J"},
        {"back\\slash", "back\\\\slash", "back\\\\slash"},
        {" spaced ", " spaced ", " spaced "},
        {"del\x7f\xe2\x82", "del\\x7f\\xe2\\x82", "del\x7f\\xe2\\x82"},
        {"\xe5\x90\x8d\xe5\x89\x8d", "\xe5\x90\x8d\xe5\x89\x8d", "\xe5\x90\x8d\xe5\x89\x8d"},
    };
    return names;
}

Snapshot make_snapshot() { return build(); }

Table make_groups_table() {
    Table t;
    t.name = "groups";
    t.columns = {{"state", "STATE", FieldType::Text},
                 {"process", "PROCESS", FieldType::Text},
                 {"pid", "PID", FieldType::Number},
                 {"count", "COUNT", FieldType::Number}};
    const auto& h = hostile_names();
    t.rows = {
        {std::string("ESTABLISHED"), h[0].raw, std::int64_t{1337}, std::int64_t{3}},
        {std::string("CLOSE_WAIT"), h[4].raw, std::int64_t{2003}, std::int64_t{2}},
        {std::string("LISTEN"), h[1].raw, std::monostate{}, std::int64_t{1}},
        {std::string("TIME_WAIT"), std::monostate{}, std::monostate{}, std::int64_t{1}},
        {std::string("LISTEN"), h[5].raw, std::int64_t{2005}, std::int64_t{1}},
        {std::string("SYN_SENT"), h[7].raw, std::int64_t{2007}, std::int64_t{1}},
    };
    return t;
}

Table make_summary_table() {
    Table t;
    t.name = "summary";
    t.columns = {{"proto", "PROTO", FieldType::Text},
                 {"state", "STATE", FieldType::Text},
                 {"ipv4", "IPV4", FieldType::Number},
                 {"ipv6", "IPV6", FieldType::Number},
                 {"total", "TOTAL", FieldType::Number}};
    auto row = [&](std::string proto, std::string state, std::int64_t v4, std::int64_t v6) {
        t.rows.push_back({std::move(proto), std::move(state), v4, v6, v4 + v6});
    };
    row("tcp", "LISTEN", 1, 1);
    row("tcp", "SYN_SENT", 1, 0);
    row("tcp", "ESTABLISHED", 2, 3);
    row("tcp", "CLOSE_WAIT", 1, 0);
    row("tcp", "TIME_WAIT", 1, 0);
    row("tcp", "total", 6, 4);
    row("udp", "UNCONN", 1, 0);
    row("udp", "ESTAB", 0, 1);
    row("udp", "total", 1, 1);
    return t;
}

std::vector<FieldSet> field_sets() {
    std::vector<Field> every;
    for (const FieldInfo& info : all_fields()) every.push_back(info.field);
    return {{"default", default_fields(false)}, {"extended", default_fields(true)}, {"all", every}};
}

std::string render_listing(const Snapshot& snap, Format format, const std::vector<Field>& fields,
                           bool header, bool color) {
    std::string text;
    {
        Output out(&text);
        render_sockets(snap, RenderOptions{format, header, color, fields}, out);
        out.flush();
    }
    return text;
}

std::string escaped_text(std::string_view s, TextQuoting q) {
    std::string text;
    {
        Output out(&text);
        write_escaped_text(s, out, q);
    }
    return text;
}

std::string json_text(std::string_view s) {
    std::string text;
    {
        Output out(&text);
        write_json_string(s, out);
    }
    return text;
}

std::string render(const Table& table, Format format, bool header, bool color) {
    std::string text;
    {
        Output out(&text);
        render_table(table, RenderOptions{format, header, color, {}}, out);
        out.flush();
    }
    return text;
}

std::optional<std::string> expected_text(const Snapshot& snap, const Socket& s, Field f) {
    bool numeric = false;
    if (auto n = number_of(s, f, numeric); numeric) return number_text(n);
    switch (f) {
    case Field::Proto: return s.protocol == Protocol::Tcp ? "tcp" : "udp";
    case Field::Family: return s.family == Family::Inet ? "ipv4" : "ipv6";
    case Field::State: return std::string(state_name(s.state, s.protocol));
    case Field::Local: return format_endpoint(s.local);
    case Field::Remote: return format_endpoint(s.remote);
    case Field::Laddr: return format_address(s.local.addr);
    case Field::Raddr: return format_address(s.remote.addr);
    case Field::Pid: {
        std::vector<std::string> pids;
        for (const Owner& o : s.owners) {
            std::string p = std::to_string(o.pid);
            if (std::find(pids.begin(), pids.end(), p) == pids.end()) pids.push_back(p);
        }
        if (pids.empty()) return std::nullopt;
        return join(pids);
    }
    case Field::Process: {
        std::vector<std::string> names;
        for (const Owner& o : s.owners) {
            const Process* p = snap.process(o.pid);
            if (!p) continue;
            std::string n = text_of(p->name);
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
        }
        if (names.empty()) return std::nullopt;
        return join(names);
    }
    case Field::Cmdline:
    case Field::Exe:
    case Field::Service: {
        std::vector<std::string> texts;
        for (const Owner& o : s.owners) {
            const Process* p = snap.process(o.pid);
            const auto& v = p == nullptr                ? std::optional<std::string>()
                            : f == Field::Cmdline ? p->cmdline
                            : f == Field::Exe     ? p->exe
                                                  : p->service;
            if (!v) continue;
            std::string t = text_of(*v);
            if (std::find(texts.begin(), texts.end(), t) == texts.end()) texts.push_back(t);
        }
        if (texts.empty()) return std::nullopt;
        return join(texts);
    }
    case Field::Owners: {
        std::vector<std::string> items;
        for (const Owner& o : s.owners) items.push_back(std::to_string(o.pid) + (o.fd ? "/" + std::to_string(*o.fd) : ""));
        if (items.empty()) return std::nullopt;
        return join(items);
    }
    case Field::User: {
        auto u = user_raw(snap, s);
        if (!u) return std::nullopt;
        return text_of(*u);
    }
    case Field::Timer: return timer_text(s);
    default: break;
    }
    throw std::logic_error("expected_text: field without an oracle");
}

nlohmann::json expected_json(const Snapshot& snap, const Socket& s, Field f) {
    using nlohmann::json;
    bool numeric = false;
    if (auto n = number_of(s, f, numeric); numeric) return n ? json(*n) : json(nullptr);
    switch (f) {
    case Field::Pid: return s.owners.empty() ? json(nullptr) : json(s.owners[0].pid);
    case Field::Process: {
        if (s.owners.empty()) return nullptr;
        const Process* p = snap.process(s.owners[0].pid);
        return p ? json(json_of(p->name)) : json(nullptr);
    }
    case Field::Owners: {
        if (s.owners.empty()) return nullptr;
        json arr = json::array();
        for (const Owner& o : s.owners) {
            const Process* p = snap.process(o.pid);
            arr.push_back({{"pid", o.pid}, {"fd", o.fd ? json(*o.fd) : json(nullptr)}, {"process", p ? json(json_of(p->name)) : json(nullptr)}});
        }
        return arr;
    }
    case Field::User: {
        auto u = user_raw(snap, s);
        return u ? json(json_of(*u)) : json(nullptr);
    }
    case Field::Cmdline:
    case Field::Exe:
    case Field::Service: {
        if (s.owners.empty()) return nullptr;
        const Process* p = snap.process(s.owners[0].pid);
        const auto& v = p == nullptr                ? std::optional<std::string>()
                        : f == Field::Cmdline ? p->cmdline
                        : f == Field::Exe     ? p->exe
                                              : p->service;
        return v ? json(json_of(*v)) : json(nullptr);
    }
    default: {
        auto t = expected_text(snap, s, f);
        return t ? json(*t) : json(nullptr);
    }
    }
}

}  // namespace tcpstat::golden
