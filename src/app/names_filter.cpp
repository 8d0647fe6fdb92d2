// Owns the forward lookups of filter items: host names through getaddrinfo (every address),
// service names through /etc/services, interface-named zones; done before collection.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

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
#include "tcpstat/error.hpp"

namespace tcpstat::app {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Every address of a host, each as a one-address prefix; throws naming the host when none.
std::vector<Cidr> host_addresses(const std::string& host, std::string_view option) {
    ensure_sockets();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0 || res == nullptr)
        throw UsageError(fmt::format("cannot resolve '{}' in {}: {}; expected an address, ADDR/PREFIX or a host "
                                     "name that resolves, e.g. {} 10.0.0.0/8 or {} localhost",
                                     host, option, rc != 0 ? gai_strerror(rc) : "no address", option, option));
    std::vector<Cidr> out;
    for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        Cidr c;
        if (ai->ai_family == AF_INET) {
            sockaddr_in sin{};
            std::memcpy(&sin, ai->ai_addr, sizeof sin);
            c.base = IpAddress::from_v4_bytes(reinterpret_cast<const std::uint8_t*>(&sin.sin_addr));
            c.prefix_len = 32;
        } else if (ai->ai_family == AF_INET6) {
            sockaddr_in6 sin6{};
            std::memcpy(&sin6, ai->ai_addr, sizeof sin6);
            c.base = IpAddress::from_v6_bytes(reinterpret_cast<const std::uint8_t*>(&sin6.sin6_addr),
                                              static_cast<std::uint32_t>(sin6.sin6_scope_id));
            c.prefix_len = 128;
        } else {
            continue;
        }
        const bool seen = std::any_of(out.begin(), out.end(), [&](const Cidr& o) {
            return o.base == c.base && o.prefix_len == c.prefix_len;
        });
        if (!seen) out.push_back(c);
    }
    ::freeaddrinfo(res);
    return out;
}

// The port of a service for each protocol the filter reads (tcp and udp may differ).
std::vector<PortRange> service_ports(const std::string& name, std::string_view option, const Filter& f) {
    std::vector<PortRange> out;
    for (const char* proto : {"tcp", "udp"}) {
        if ((proto[0] == 't' && !f.tcp) || (proto[0] == 'u' && !f.udp)) continue;
        const servent* s = ::getservbyname(name.c_str(), proto);
        if (s == nullptr) continue;
        const auto port = ntohs(static_cast<std::uint16_t>(s->s_port));
        if (std::none_of(out.begin(), out.end(), [&](const PortRange& r) { return r.lo == port; }))
            out.push_back(PortRange{port, port});
    }
    if (out.empty())
        throw UsageError(fmt::format("unknown service '{}' in {}: expected a port number 0-65535, a range such as "
                                     "8000-8100, or a service name from /etc/services such as ssh",
                                     name, option));
    return out;
}

void add_addresses(const std::vector<std::string>& items, std::string_view option, std::vector<Cidr>& into) {
    for (const std::string& t : items) {
        if (has_named_zone(t)) {
            into.push_back(parse_cidr(t, &system_interfaces()));
            continue;
        }
        for (const Cidr& c : host_addresses(t, option)) into.push_back(c);
    }
}

void add_ports(const std::vector<std::string>& items, std::string_view option, const Filter& f,
               std::vector<PortRange>& into) {
    for (const std::string& t : items)
        for (const PortRange& r : service_ports(t, option, f)) into.push_back(r);
}

}  // namespace

bool is_host_name(std::string_view text) {
    if (text.empty() || text.find_first_of(":/%") != std::string_view::npos) return false;
    return text.find_first_not_of("0123456789.") != std::string_view::npos;
}

bool is_service_name(std::string_view text) { return std::any_of(text.begin(), text.end(), is_alpha); }

void resolve_filter_names(const NameQueries& names, Filter& f, CollectRequest& request) {
    if (names.empty()) return;
    add_addresses(names.src, "--src", f.src);
    add_addresses(names.dst, "--dst", f.dst);
    add_ports(names.ports, "--port", f, f.ports);
    add_ports(names.sports, "--sport", f, f.sports);
    add_ports(names.dports, "--dport", f, f.dports);
    // The kernel may now filter by the looked-up ports as it does by typed ones.
    request.sports = f.sports;
    request.dports = f.dports;
    request.any_ports = f.ports;
}

}  // namespace tcpstat::app
