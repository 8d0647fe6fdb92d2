// Owns the series of `tcpstat serve`: sockets by proto x state x process x server port, listener
// queues, host counters, and the cardinality guards (client ports, --ports, --top, --max-series).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "tcpstat/exporter.hpp"
#include "tcpstat/field_value.hpp"
#include "tcpstat/tcp_state.hpp"
#include "tcpstat/types.hpp"

namespace tcpstat {
namespace {

constexpr const char* kOther = "other";

// One tcpstat_sockets series before rendering; process absent: no owner known.
struct Key {
    std::string proto, state;
    std::optional<std::string> process;
    std::string port;
    auto tie() const { return std::tie(proto, state, process, port); }
    bool operator<(const Key& o) const { return tie() < o.tie(); }
};
using Counts = std::map<Key, double>;

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}

std::string text_of(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
    return {};
}

Counts socket_counts(const Snapshot& snap, const ServerPorts& servers) {
    const Table t = group_sockets(snap, {GroupKey::Proto, GroupKey::State, GroupKey::Process, GroupKey::Lport},
                                  &servers);
    Counts counts;
    for (const auto& row : t.rows) {
        Key k{text_of(row[0]), lower(text_of(row[1])), std::nullopt, text_of(row[3])};
        if (!std::holds_alternative<std::monostate>(row[2])) k.process = text_of(row[2]);
        counts[k] += static_cast<double>(std::get<std::int64_t>(row[4]));
    }
    return counts;
}

// Rewrites every key through `f`, merging the ones that become equal; returns how many changed.
template <class F>
std::size_t fold(Counts& counts, F f) {
    Counts out;
    std::size_t changed = 0;
    for (auto& [k, v] : counts) {
        Key nk = k;
        f(nk);
        changed += nk.tie() != k.tie();
        out[nk] += v;
    }
    counts.swap(out);
    return changed;
}

bool allowed(const std::vector<PortRange>& ports, std::string_view port) {
    if (ports.empty() || port == "client") return true;
    std::uint16_t p = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return true;
        p = static_cast<std::uint16_t>(p * 10 + (c - '0'));
    }
    return std::any_of(ports.begin(), ports.end(), [&](const PortRange& r) { return r.contains(p); });
}

// The `top` process names by socket count (ties: by name); empty when every name may stay.
std::optional<std::set<std::string>> top_processes(const Counts& counts, std::size_t top) {
    if (top == 0) return std::nullopt;
    std::map<std::string, double> per;
    for (const auto& [k, v] : counts)
        if (k.process) per[*k.process] += v;
    if (per.size() <= top) return std::nullopt;
    std::vector<std::pair<std::string, double>> ranked(per.begin(), per.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::set<std::string> keep;
    for (std::size_t i = 0; i < top; ++i) keep.insert(ranked[i].first);
    return keep;
}

struct Listener {
    double queue = 0, backlog = 0;
};

Sample sample(std::vector<std::pair<std::string, std::string>> labels, double v) { return Sample{std::move(labels), v}; }

MetricFamily gauge(std::string name, std::string help) { return MetricFamily{std::move(name), std::move(help), MetricType::Gauge, {}}; }

// Keeps the largest series within `budget`; the rest merge into one `other` series per
// proto x state, counted in the budget (kMinMaxSeries leaves room for all of them).
std::vector<std::pair<Key, double>> cap_series(const Counts& counts, std::size_t budget, std::size_t& folded) {
    std::vector<std::pair<Key, double>> v(counts.begin(), counts.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (v.size() <= budget) return v;
    // suffix[i]: distinct proto x state among v[i..]
    std::vector<std::size_t> suffix(v.size() + 1, 0);
    std::set<std::pair<std::string, std::string>> seen;
    for (std::size_t i = v.size(); i-- > 0;) {
        seen.emplace(v[i].first.proto, v[i].first.state);
        suffix[i] = seen.size();
    }
    std::size_t keep = std::min(budget, v.size());
    while (keep > 0 && keep + suffix[keep] > budget) --keep;
    Counts rest;
    for (std::size_t i = keep; i < v.size(); ++i)
        rest[Key{v[i].first.proto, v[i].first.state, std::string(kOther), kOther}] += v[i].second;
    folded += v.size() - keep;
    v.resize(keep);
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
}

void add_host_counters(const Snapshot& snap, const KernelFacts& f, std::vector<MetricFamily>& out) {
    auto one = [&](const char* name, const char* help, MetricType type, double v) {
        MetricFamily m{name, help, type, {}};
        m.samples.push_back(sample({}, v));
        out.push_back(std::move(m));
    };
    if (f.listen_overflows)
        one("tcpstat_tcp_listen_overflows", "Times an accept queue was full (TcpExt ListenOverflows) in this network namespace.",
            MetricType::Counter, static_cast<double>(*f.listen_overflows));
    if (f.listen_drops)
        one("tcpstat_tcp_listen_drops", "SYNs to listeners dropped for any reason (TcpExt ListenDrops).", MetricType::Counter,
            static_cast<double>(*f.listen_drops));
    if (f.max_tw_buckets) {
        double tw = 0;
        for (const Socket& s : snap.sockets) tw += s.protocol == Protocol::Tcp && s.state == TcpState::TimeWait;
        one("tcpstat_tcp_time_wait_buckets_used", "TIME_WAIT sockets counted against net.ipv4.tcp_max_tw_buckets.",
            MetricType::Gauge, tw);
        one("tcpstat_tcp_time_wait_buckets_limit", "net.ipv4.tcp_max_tw_buckets: past it TIME_WAIT is skipped.",
            MetricType::Gauge, static_cast<double>(*f.max_tw_buckets));
    }
    // A range that is only the platform's documented default (Windows, unread) is no measurement.
    if (auto n = f.ephemeral_count(); n && !f.ephemeral_is_default)
        one("tcpstat_tcp_ephemeral_ports", "Size of net.ipv4.ip_local_port_range (Windows: the TCP dynamic port range).",
            MetricType::Gauge, *n);
    if (f.orphans) one("tcpstat_tcp_orphans", "Orphaned TCP sockets (host-wide).", MetricType::Gauge, static_cast<double>(*f.orphans));
    if (f.max_orphans)
        one("tcpstat_tcp_orphans_limit", "net.ipv4.tcp_max_orphans.", MetricType::Gauge, static_cast<double>(*f.max_orphans));
    if (f.somaxconn)
        one("tcpstat_tcp_somaxconn", "net.core.somaxconn: the cap on every listen() backlog.", MetricType::Gauge,
            static_cast<double>(*f.somaxconn));
}

}  // namespace

SocketMetrics socket_metrics(const Snapshot& snap, const ServerPorts& servers, const KernelFacts& facts,
                             const ExporterLimits& limits) {
    SocketMetrics r;
    Counts counts = socket_counts(snap, servers);
    r.folded.ports = fold(counts, [&](Key& k) {
        if (!allowed(limits.ports, k.port)) k.port = kOther;
    });
    const auto keep = top_processes(counts, limits.top);
    auto process_label = [&](const std::optional<std::string>& p) -> std::optional<std::string> {
        if (p && keep && !keep->count(*p)) return std::string(kOther);
        return p;
    };
    r.folded.top = fold(counts, [&](Key& k) { k.process = process_label(k.process); });

    // Listeners: the accept queue is rx_queue of a LISTEN socket, the backlog its tx_queue.
    std::map<std::pair<std::string, std::optional<std::string>>, Listener> listeners;
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || s.state != TcpState::Listen || !s.rx_queue || !s.tx_queue) continue;
        std::string port = std::to_string(s.local.port);
        if (!allowed(limits.ports, port)) port = kOther;
        std::optional<std::string> proc;
        if (const FieldValue v = field_value(snap, s, Field::Process); !v.is_null()) proc = std::string(v.text);
        Listener& l = listeners[{port, process_label(proc)}];
        l.queue += *s.rx_queue;
        l.backlog += *s.tx_queue;
    }
    std::vector<std::pair<std::pair<std::string, std::optional<std::string>>, Listener>> ls(listeners.begin(), listeners.end());
    std::stable_sort(ls.begin(), ls.end(), [](const auto& a, const auto& b) { return a.second.queue > b.second.queue; });
    const std::size_t listener_budget = std::min(ls.size(), limits.max_series / 8);
    r.folded.cap += ls.size() - listener_budget;
    ls.resize(listener_budget);

    MetricFamily sockets = gauge("tcpstat_sockets", "Sockets by protocol, state, owning process and server port "
                                                    "(port=\"client\": client-side ephemeral ports).");
    for (const auto& [k, v] : cap_series(counts, limits.max_series - 2 * listener_budget, r.folded.cap)) {
        std::vector<std::pair<std::string, std::string>> labels = {{"proto", k.proto}, {"state", k.state}};
        if (k.process) labels.emplace_back("process", *k.process);
        labels.emplace_back("port", k.port);
        sockets.samples.push_back(sample(std::move(labels), v));
    }
    r.families.push_back(std::move(sockets));

    MetricFamily queue = gauge("tcpstat_listen_queue_length", "Connections waiting in a listener's accept queue.");
    MetricFamily backlog = gauge("tcpstat_listen_backlog", "The accept queue's limit: listen() backlog capped by somaxconn.");
    for (const auto& [key, l] : ls) {
        std::vector<std::pair<std::string, std::string>> labels = {{"port", key.first}};
        if (key.second) labels.emplace_back("process", *key.second);
        queue.samples.push_back(sample(labels, l.queue));
        backlog.samples.push_back(sample(labels, l.backlog));
    }
    r.families.push_back(std::move(queue));
    r.families.push_back(std::move(backlog));
    add_host_counters(snap, facts, r.families);
    return r;
}

}  // namespace tcpstat
