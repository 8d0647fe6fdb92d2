// Owns the NETLINK_SOCK_DIAG (inet_diag) dump: request building with push-down, and decoding.
#pragma once

#include <span>
#include <stdexcept>
#include <vector>

#include "tcpstat/backend.hpp"
#include "tcpstat/kill.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::netlink {

// Netlink is refused here (no socket family, EPERM/EACCES from seccomp or a container): the
// caller falls back to /proc with a warning.
class Unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Dumps the sockets the request asks for. Pushes the state mask (and cheap port filters) into
// the kernel. Throws Unavailable when netlink cannot be used at all, RuntimeError when a dump
// fails mid-way after retries.
Snapshot read_tables(const CollectRequest& request);

// The same dumps on `socket_fd`, a socket from open_diag_socket() that the caller keeps and
// closes. A netlink socket answers for the network namespace it was created in, so one opened
// by a thread inside another namespace dumps that namespace from any thread.
Snapshot read_tables(const CollectRequest& request, int socket_fd);

// The same dumps, each batch of parsed sockets handed to `sink` as it arrives (kStreamBatch
// sockets or the end of a table); the snapshot keeps none. A dump the kernel interrupts is
// retried as always; rows already handed over are taken back by a sink that keeps them
// (SocketSink::take_back), and for one that printed them a warning says they may repeat.
inline constexpr std::size_t kStreamBatch = 2048;
Snapshot read_tables(const CollectRequest& request, SocketSink& sink);

// How many sockets a dump of this request will bring, from /proc/net/sockstat{,6} of the
// caller's namespace (TCP in use plus TIME_WAIT, UDP when asked); 0 when unreadable. A hint.
std::size_t expected_sockets(const CollectRequest& request);

// Reserves room for n sockets in v (huge pages asked for): the /proc reader sizes its vector
// the same way.
void reserve_sockets(std::vector<Socket>& v, std::size_t n);

// Opens a NETLINK_SOCK_DIAG socket in the calling thread's network namespace (close-on-exec,
// with a receive timeout). Throws Unavailable when netlink is refused, RuntimeError else.
int open_diag_socket();

// Closes each socket with SOCK_DESTROY on `socket_fd` (a sock_diag socket of the sockets'
// namespace), one result per socket (netlink_destroy.cpp). Throws RuntimeError naming
// CAP_NET_ADMIN or CONFIG_INET_DIAG_DESTROY when the kernel refuses before anything was closed.
std::vector<CloseResult> destroy_sockets(std::span<const Socket> sockets, int socket_fd);

}  // namespace tcpstat::netlink
