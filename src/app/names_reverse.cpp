// Owns the names filled in after collection: interface names of IPv6 zones (always, cheap) and,
// for -r/--resolve, reverse host lookups (parallel, cached, bounded in total time) and service
// names of ports.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include "app/names.hpp"
#include "app/net_init.hpp"

namespace tcpstat::app {
namespace {

// A listing waits at most this long for DNS in total, however many peers it shows; what did
// not answer by then is printed as a number (ss -r would wait for each address in turn).
constexpr auto kReverseBudget = std::chrono::seconds(2);
constexpr std::size_t kMaxLookupThreads = 8;

std::optional<std::string> reverse_lookup(const IpAddress& addr) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    const IpAddress a = addr.unmapped();
    if (a.family == Family::Inet) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        std::memcpy(&sin.sin_addr, a.bytes.data(), 4);
        std::memcpy(&ss, &sin, sizeof sin);
        len = sizeof sin;
    } else {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        std::memcpy(&sin6.sin6_addr, a.bytes.data(), 16);
        sin6.sin6_scope_id = a.scope_id;
        std::memcpy(&ss, &sin6, sizeof sin6);
        len = sizeof sin6;
    }
    char host[1025];
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host, sizeof host, nullptr, 0, NI_NAMEREQD) != 0)
        return std::nullopt;
    return std::string(host);
}

// Lookups outlive one listing: a worker still waiting on DNS when the budget ran out keeps
// going and its answer serves the next --watch sample. The state is never freed, so a worker
// can never touch freed memory, even while the process exits.
class ReverseCache {
public:
    static ReverseCache& instance() {
        static ReverseCache* cache = new ReverseCache;
        return *cache;
    }

    // Names of the addresses that answered within the budget; counts the ones that did not.
    std::map<IpAddress, std::string> names(const std::set<IpAddress>& wanted, std::size_t& unanswered) {
        std::unique_lock lock(mutex_);
        for (const IpAddress& a : wanted) {
            if (answers_.contains(a) || pending_.contains(a)) continue;
            pending_.insert(a);
            queue_.push_back(a);
        }
        while (threads_ < kMaxLookupThreads && threads_ < pending_.size()) {
            std::thread([this] { work(); }).detach();
            ++threads_;
        }
        const auto deadline = std::chrono::steady_clock::now() + kReverseBudget;
        done_.wait_until(lock, deadline, [&] {
            return std::all_of(wanted.begin(), wanted.end(), [&](const IpAddress& a) { return answers_.contains(a); });
        });
        std::map<IpAddress, std::string> out;
        unanswered = 0;
        for (const IpAddress& a : wanted) {
            auto it = answers_.find(a);
            if (it == answers_.end()) ++unanswered;
            else if (it->second) out.emplace(a, *it->second);
        }
        return out;
    }

private:
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            work_.wait(lock, [&] { return !queue_.empty(); });
            const IpAddress a = queue_.front();
            queue_.pop_front();
            lock.unlock();
            std::optional<std::string> name = reverse_lookup(a);
            lock.lock();
            answers_.emplace(a, std::move(name));
            pending_.erase(a);
            done_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable work_, done_;
    std::deque<IpAddress> queue_;
    std::set<IpAddress> pending_;
    std::map<IpAddress, std::optional<std::string>> answers_;  // nullopt: no name (NXDOMAIN)
    std::size_t threads_ = 0;
};

// /etc/services read once into a table (getservbyport per port would rescan the file for each
// of thousands of ephemeral ports); Windows has no getservent, so it asks per port there.
const std::optional<std::string>& service_name(Protocol proto, std::uint16_t port) {
    static std::map<std::pair<Protocol, std::uint16_t>, std::optional<std::string>> cache;
    const auto key = std::pair(proto, port);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    const char* p = proto == Protocol::Udp ? "udp" : "tcp";
#ifdef _WIN32
    ensure_sockets();
    const servent* s = ::getservbyport(htons(port), p);
    return cache[key] = s ? std::optional<std::string>(s->s_name) : std::nullopt;
#else
    static bool loaded = false;
    if (!loaded) {
        loaded = true;
        ::setservent(1);
        while (const servent* s = ::getservent()) {
            const Protocol sp = std::strcmp(s->s_proto, "udp") == 0 ? Protocol::Udp : Protocol::Tcp;
            if (std::strcmp(s->s_proto, "tcp") != 0 && sp != Protocol::Udp) continue;
            cache.try_emplace({sp, ntohs(static_cast<std::uint16_t>(s->s_port))}, s->s_name);  // first entry wins
        }
        ::endservent();
        if (auto it = cache.find(key); it != cache.end()) return it->second;
    }
    (void)p;
    return cache[key] = std::nullopt;
#endif
}

}  // namespace

void name_snapshot(Snapshot& snap, bool resolve) {
    std::set<std::uint32_t> zones;
    std::set<IpAddress> hosts;
    std::set<std::pair<Protocol, std::uint16_t>> ports;
    for (const Socket& s : snap.sockets) {
        for (const Endpoint* e : {&s.local, &s.remote}) {
            if (e->addr.scope_id != 0) zones.insert(e->addr.scope_id);
            if (!resolve) continue;
            if (!e->addr.is_unspecified()) hosts.insert(e->addr);
            if (e->port != 0) ports.insert({s.protocol, e->port});
        }
    }
    for (std::uint32_t z : zones)
        if (auto name = system_interfaces().name_of(z)) snap.interface_names.emplace(z, std::move(*name));
    if (!resolve) return;

    ensure_sockets();
    std::size_t unanswered = 0;
    if (!hosts.empty()) snap.host_names = ReverseCache::instance().names(hosts, unanswered);
    if (unanswered > 0)
        snap.warnings.push_back(fmt::format("-r: {} of {} addresses got no name within {} s and are shown as numbers",
                                            unanswered, hosts.size(), kReverseBudget.count()));
    for (const auto& [proto, port] : ports)
        if (const auto& name = service_name(proto, port)) snap.service_names.emplace(std::pair(proto, port), *name);
}

}  // namespace tcpstat::app
