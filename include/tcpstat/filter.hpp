// Owns the display filter: which sockets match the user's --state/--port/--src/--pid/... options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/expression.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat {

// AND across members, OR within each list; an empty list matches everything.
struct Filter {
    bool tcp = true;
    bool udp = false;
    bool ipv4 = true;
    bool ipv6 = true;
    StateMask states = StateMask::all();
    bool listening = false;           // -l: LISTEN for TCP, UNCONN for UDP
    std::vector<PortRange> ports;     // either side
    std::vector<PortRange> sports;    // local
    std::vector<PortRange> dports;    // remote
    std::vector<Cidr> src;            // local address
    std::vector<Cidr> dst;            // remote address
    std::vector<Cidr> addrs;          // either side (--addr, lsof -i@HOST)
    std::vector<std::uint32_t> uids;  // socket owner uid (--user, already resolved to uids)
    std::vector<Pid> pids;            // any owner's pid
    std::vector<std::string> process_names;  // any owner's name: exact, or prefix (as lsof -c)
    Expression expression;            // positional ss-style expression, ANDed with the above
    // Compare process names ignoring ASCII case: Windows image names are ("Python.exe" is
    // python.exe). The app sets it per OS; the core knows no OS.
    bool fold_name_case = false;

    bool needs_owners() const { return !pids.empty() || !process_names.empty(); }

    // Everything except the owner predicates; usable before owners are known.
    bool matches_socket(const Socket& s) const;
    // Only the owner predicates (pids, process names); true when none are set.
    bool matches_owners(const Socket& s, const Snapshot& snap) const;
};

// Remove the sockets that fail matches_socket / matches_owners, keeping order. Linear time.
// With process names, apply_owner_filter also drops the owners of other names from the sockets
// it keeps, as the --pid owner walk shows only the named pids: `-c nginx` never lists a shared
// socket's other holders.
void apply_socket_filter(Snapshot& snap, const Filter& f);
void apply_owner_filter(Snapshot& snap, const Filter& f);

}  // namespace tcpstat
