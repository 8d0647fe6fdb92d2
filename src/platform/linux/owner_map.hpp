// Owns the choice between the kernel's list of socket fds (an iterator, when it can run) and the /proc walk.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "owners_walk.hpp"
#include "tcpstat/backend.hpp"

namespace tcpstat::procfs {

// Loading a tracing program takes CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON (Linux 5.8+).
bool may_load_bpf_programs();

// TCPSTAT_OWNER_MAP (documented for tests and benchmarks): "walk" always walks /proc, "kernel"
// always asks the kernel (and says why when it cannot), unset or anything else picks itself.
enum class OwnerMapMode { Auto, Walk, Kernel };
OwnerMapMode owner_map_mode();

// Whether asking the kernel is worth trying for this request: the default /proc, every pid, and a
// caller that may load programs; cheap (no program is loaded), so that a plain user falls
// back at once. In Auto mode only for `sockets` >= kOwnerPrefetchMinSockets: below that the
// walk takes a few milliseconds and the load ~30 ms.
bool kernel_owner_map_fits(const OwnerRequest& request, const std::string& proc_root, std::size_t sockets);

// Every socket fd of every process of this host's pid namespace, one (inode, tgid/fd) per fd,
// in tgid order. nullopt when the kernel cannot list them (no privilege, no BTF, no iterator
// support, a build without the toolchain), with the reason in *why; a failed load is
// remembered and not retried by this process.
std::optional<std::vector<SocketFd>> kernel_socket_fds(std::string* why);

}  // namespace tcpstat::procfs
