// Owns reading other network namespaces (--netns, --all-netns): finding them, entering each from a helper thread, merging.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::netns {

// One network namespace to read. The file is opened again when it is entered, and its inode
// checked, so a pid reused in between cannot swap in another namespace.
struct Target {
    std::uint64_t inode = 0;
    std::string path;  // /run/netns/NAME, /proc/PID/ns/net, or a path the user gave
    std::string name;  // `ip netns` name, else a hint ("<first process>:<inode>"), else empty
};

// --netns SPEC: an `ip netns` name (/run/netns/SPEC), a path (anything with a '/'), or a pid
// (digits: /proc/SPEC/ns/net; an `ip netns` name made of digits when no such pid exists).
// Throws UsageError naming SPEC and the accepted forms when it is none of them, RuntimeError
// when the namespace exists but this user may not open it.
Target resolve(std::string_view spec, const std::string& proc_root = "/proc",
               const std::string& run_netns = "/run/netns");

// Every distinct network namespace: the bind mounts in /run/netns, then /proc/*/ns/net, one
// Target per inode, ordered by inode. Unreadable pids are skipped (entering needs root anyway).
std::vector<Target> find_all(const std::string& proc_root = "/proc", const std::string& run_netns = "/run/netns");

// The tables of the requested namespaces (request.netns or request.all_netns), each read from
// inside its namespace (netlink, or /proc/thread-self/net per request.source), every Socket
// tagged with its namespace inode, names in Snapshot::netns_names and, with request.kernel_facts,
// each namespace's own sysctls and counters in Snapshot::netns_facts. Owners are not attached
// here: socket inodes are unique host-wide, so one /proc walk serves every namespace.
// Throws RuntimeError naming CAP_SYS_ADMIN when no namespace could be entered for lack of it.
Snapshot read_tables(const CollectRequest& request);

// A sock_diag socket opened inside the namespace request.netns names (from a helper thread), for
// `kill` to close sockets there; the caller closes it. Throws as read_tables does.
int open_diag_socket(const CollectRequest& request);

}  // namespace tcpstat::netns
