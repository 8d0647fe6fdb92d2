// Owns --sort for listings: parsing the key list and a stable sort by each field, keys computed once per socket.
#include <algorithm>
#include <fmt/format.h>
#include <numeric>
#include <tuple>

#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/group.hpp"
#include "tcpstat/suggest.hpp"

namespace tcpstat {

namespace {

// Keys are computed once per socket (a comparator that looked up process names would do so
// O(n log n) times), indices are sorted, and the sockets are moved once into their new order.
template <class Make>
void sort_by(Snapshot& snap, bool descending, Make make) {
    using K = typename std::invoke_result_t<Make, const Socket&>::value_type;
    auto& sockets = snap.sockets;
    std::vector<std::optional<K>> keys;
    keys.reserve(sockets.size());
    for (const Socket& s : sockets) keys.push_back(make(s));

    std::vector<std::size_t> order(sockets.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& ka = keys[a];
        const auto& kb = keys[b];
        if (!ka || !kb) return ka.has_value() && !kb.has_value();  // missing values last, either way
        return descending ? *kb < *ka : *ka < *kb;
    });

    // Apply the permutation in place, cycle by cycle: no second copy of a 100k-socket vector.
    // order[i] is the old index of the socket that belongs at i; a placed slot is marked by order[i] == i.
    for (std::size_t start = 0; start < order.size(); ++start) {
        if (order[start] == start) continue;
        Socket held = std::move(sockets[start]);
        std::size_t at = start;
        while (order[at] != start) {
            std::size_t from = order[at];
            sockets[at] = std::move(sockets[from]);
            order[at] = at;
            at = from;
        }
        sockets[at] = std::move(held);
        order[at] = at;
    }
}

template <class T>
std::optional<T> info_field(const Socket& s, std::optional<T> TcpInfo::*member) {
    if (!s.tcp_info) return std::nullopt;
    return (*s.tcp_info).*member;
}

}  // namespace

void sort_sockets(Snapshot& snap, Field key, bool descending) {
    using O = std::optional<std::uint64_t>;
    auto by_number = [&](auto get) {
        sort_by(snap, descending, [&](const Socket& s) -> O {
            auto v = get(s);
            return v ? O(static_cast<std::uint64_t>(*v)) : O();
        });
    };
    auto by_info = [&](auto member) { by_number([&](const Socket& s) { return info_field(s, member); }); };

    switch (key) {
        case Field::Proto:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.protocol); });
        case Field::Family:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.family); });
        case Field::State:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.state); });
        case Field::Local:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.local); });
        case Field::Remote:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.remote); });
        case Field::Laddr:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.local.addr); });
        case Field::Raddr:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.remote.addr); });
        case Field::Lport:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.local.port); });
        case Field::Rport:
            return sort_by(snap, descending, [](const Socket& s) { return std::optional(s.remote.port); });
        case Field::Pid:
            return sort_by(snap, descending, [](const Socket& s) {
                return s.owners.empty() ? std::optional<Pid>() : std::optional<Pid>(s.owners.front().pid);
            });
        case Field::Process:
            return sort_by(snap, descending, [&](const Socket& s) -> std::optional<std::string_view> {
                if (s.owners.empty()) return std::nullopt;
                const Process* p = snap.process(s.owners.front().pid);
                if (p == nullptr) return std::nullopt;
                return std::string_view(p->name);
            });
        case Field::Cmdline:
        case Field::Exe:
        case Field::Service:
            return sort_by(snap, descending, [&](const Socket& s) -> std::optional<std::string_view> {
                if (s.owners.empty()) return std::nullopt;
                const Process* p = snap.process(s.owners.front().pid);
                if (p == nullptr) return std::nullopt;
                const std::optional<std::string>& v =
                    key == Field::Cmdline ? p->cmdline : key == Field::Exe ? p->exe : p->service;
                if (!v) return std::nullopt;
                return std::string_view(*v);
            });
        case Field::Owners:
            throw UsageError(
                "cannot sort by 'owners': a socket may have several; sort by pid or process instead");
        case Field::User:
            // Named users by name, then uids without a name numerically.
            return sort_by(snap, descending,
                           [&](const Socket& s) -> std::optional<std::tuple<bool, std::string_view, std::uint32_t>> {
                               if (!s.uid) return std::nullopt;
                               auto it = snap.users.find(*s.uid);
                               if (it == snap.users.end()) return std::tuple(true, std::string_view(), *s.uid);
                               return std::tuple(false, std::string_view(it->second), *s.uid);
                           });
        case Field::Uid: return by_number([](const Socket& s) { return s.uid; });
        case Field::Inode: return by_number([](const Socket& s) { return s.inode; });
        case Field::RecvQ: return by_number([](const Socket& s) { return s.rx_queue; });
        case Field::SendQ: return by_number([](const Socket& s) { return s.tx_queue; });
        case Field::Timer:
            // By time left first: what fires soonest is what one looks for.
            return sort_by(snap, descending, [](const Socket& s) -> std::optional<std::pair<std::uint64_t, TimerKind>> {
                if (!s.timer) return std::nullopt;
                return std::pair(s.timer->expires_ms, s.timer->kind);
            });
        case Field::TimerMs:
            return by_number([](const Socket& s) {
                return s.timer ? std::optional(s.timer->expires_ms) : std::nullopt;
            });
        case Field::Retrans: return by_number([](const Socket& s) { return s.retransmits; });
        case Field::Rtt: return by_info(&TcpInfo::rtt_us);
        case Field::Rttvar: return by_info(&TcpInfo::rttvar_us);
        case Field::Cwnd: return by_info(&TcpInfo::cwnd);
        case Field::Ssthresh: return by_info(&TcpInfo::ssthresh);
        case Field::Mss: return by_info(&TcpInfo::mss);
        case Field::RetransTotal: return by_info(&TcpInfo::retrans_total);
        case Field::BytesSent: return by_info(&TcpInfo::bytes_sent);
        case Field::BytesReceived: return by_info(&TcpInfo::bytes_received);
        case Field::LastSendMs: return by_info(&TcpInfo::last_send_ms);
        case Field::LastRecvMs: return by_info(&TcpInfo::last_recv_ms);
        case Field::IdleMs:
            return by_number([](const Socket& s) {
                return s.tcp_info ? s.tcp_info->idle_ms() : std::nullopt;
            });
        case Field::Netns: return by_number([](const Socket& s) { return s.netns; });
        case Field::RmemAlloc:
        case Field::Rcvbuf:
        case Field::WmemAlloc:
        case Field::Sndbuf:
        case Field::FwdAlloc:
        case Field::WmemQueued:
        case Field::Optmem:
        case Field::Backlog:
        case Field::Drops:
            return by_number([i = *memory_index(key)](const Socket& s) {
                return s.memory ? s.memory->values[i] : std::nullopt;
            });
    }
    throw UsageError(fmt::format("cannot sort by field number {}", static_cast<int>(key)));
}

std::vector<SortKey> parse_sort_keys(std::string_view list) {
    std::vector<std::string_view> names;
    std::string accepted;
    for (const FieldInfo& fi : all_fields()) {
        if (fi.field == Field::Owners) continue;
        names.push_back(fi.name);
        if (!accepted.empty()) accepted += ", ";
        accepted += fi.name;
    }
    std::vector<SortKey> out;
    for_each_comma_item(list, [&](std::string_view item) {
        SortKey k;
        std::string_view name = item;
        if (name.starts_with('-')) {
            k.descending = true;
            name.remove_prefix(1);
        }
        const auto field = field_by_name(name);
        if (!field || *field == Field::Owners)
            throw UsageError(fmt::format("invalid --sort '{}'{}: give fields by priority, each descending with a "
                                         "leading - (e.g. --sort state,-idle_ms); expected one of {}",
                                         item, did_you_mean(name, names), accepted));
        k.field = *field;
        for (const SortKey& seen : out)
            if (seen.field == k.field) throw UsageError(fmt::format("--sort lists '{}' twice", name));
        out.push_back(k);
    });
    if (out.empty()) throw UsageError(fmt::format("invalid --sort '{}': expected a field such as lport or -idle_ms", list));
    return out;
}

void sort_sockets(Snapshot& snap, std::span<const SortKey> keys) {
    // Stable sorts from the last key to the first: the first key decides, later ones break ties.
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) sort_sockets(snap, it->field, it->descending);
}

}  // namespace tcpstat
