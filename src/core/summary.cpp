// Owns the per-protocol, per-state summary table (tcpstat summary): one pass, every state listed.
#include <array>

#include "tcpstat/summary.hpp"

namespace tcpstat {

namespace {

using Counts = std::array<std::array<std::array<std::int64_t, 2>, kStateCount>, 2>;

// State-machine order: how a connection lives, not the kernel's numbering.
constexpr TcpState kTcpOrder[] = {
    TcpState::Listen,    TcpState::SynSent,   TcpState::SynRecv, TcpState::Established,
    TcpState::FinWait1,  TcpState::FinWait2,  TcpState::CloseWait, TcpState::Closing,
    TcpState::LastAck,   TcpState::TimeWait,  TcpState::Close,
};
constexpr TcpState kTcpRare[] = {TcpState::NewSynRecv, TcpState::DeleteTcb};
constexpr TcpState kUdpOrder[] = {TcpState::Close, TcpState::Established};

void add_row(Table& t, Protocol p, std::string_view state, std::int64_t v4, std::int64_t v6) {
    t.rows.push_back({std::string(protocol_name(p)), std::string(state), v4, v6, v4 + v6});
}

void add_protocol(Table& t, const Counts& counts, Protocol p) {
    const auto& c = counts[static_cast<std::size_t>(p)];
    auto row = [&](TcpState s) {
        const auto& n = c[static_cast<std::size_t>(s)];
        add_row(t, p, state_name(s, p), n[0], n[1]);
    };
    auto listed = [&](TcpState s) {
        if (p == Protocol::Tcp) return true;  // kTcpOrder + kTcpRare cover every state
        return s == TcpState::Close || s == TcpState::Established;
    };

    if (p == Protocol::Tcp) {
        for (TcpState s : kTcpOrder) row(s);
        for (TcpState s : kTcpRare)
            if (c[static_cast<std::size_t>(s)][0] + c[static_cast<std::size_t>(s)][1] != 0) row(s);
    } else {
        for (TcpState s : kUdpOrder) row(s);
        // A UDP socket in any other state is unusual but must still be counted somewhere visible.
        for (int i = 1; i < kStateCount; ++i) {
            auto s = static_cast<TcpState>(i);
            if (!listed(s) && c[static_cast<std::size_t>(i)][0] + c[static_cast<std::size_t>(i)][1] != 0) row(s);
        }
    }
    std::int64_t v4 = 0, v6 = 0;
    for (const auto& n : c) {
        v4 += n[0];
        v6 += n[1];
    }
    add_row(t, p, "total", v4, v6);
}

}  // namespace

void SummaryCounts::add(const Socket& s) {
    auto st = static_cast<std::size_t>(s.state);
    if (st == 0 || st >= static_cast<std::size_t>(kStateCount)) return;  // not a state we know
    ++counts_[static_cast<std::size_t>(s.protocol) & 1u][st][s.family == Family::Inet ? 0 : 1];
}

Table SummaryCounts::table(bool tcp, bool udp) const {
    Table t;
    t.name = "summary";
    t.columns = {
        {"proto", "PROTO", FieldType::Text},   {"state", "STATE", FieldType::Text},
        {"ipv4", "IPV4", FieldType::Number},   {"ipv6", "IPV6", FieldType::Number},
        {"total", "TOTAL", FieldType::Number},
    };
    if (tcp) add_protocol(t, counts_, Protocol::Tcp);
    if (udp) add_protocol(t, counts_, Protocol::Udp);
    return t;
}

Table summarize(const Snapshot& snap, bool tcp, bool udp) {
    SummaryCounts counts;
    for (const Socket& s : snap.sockets) counts.add(s);
    return counts.table(tcp, udp);
}

}  // namespace tcpstat
