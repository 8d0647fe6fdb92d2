// Owns the NETLINK_SOCK_DIAG (inet_diag) dump: request building with push-down, and decoding.
#pragma once

#include <stdexcept>

#include "tcpstat/backend.hpp"
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

}  // namespace tcpstat::netlink
