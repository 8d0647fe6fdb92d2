// Owns the owner map in a Linux build made without the eBPF toolchain: the kernel is never asked.
#include "owner_map.hpp"

namespace tcpstat::procfs {

std::optional<std::vector<SocketFd>> kernel_socket_fds(std::string* why) {
    if (why) *why = "this build has no eBPF support (built without " TCPSTAT_BPF_MISSING ")";
    return std::nullopt;
}

}  // namespace tcpstat::procfs
