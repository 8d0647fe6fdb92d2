// Owns the low-level /proc directory walk: listing pids and matching one pid's fds to socket inodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "owners_index.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

// Scratch space one walker thread reuses for every directory it reads.
struct WalkBuffers {
    alignas(8) char dents[32 * 1024];
    char link[64];  // longest socket target is "socket:[18446744073709551615]"
};

using OwnerMatch = std::pair<std::uint32_t, Owner>;  // (socket index, owner)

// Appends the numeric entries of the directory open at dir_fd. Returns 0 or an errno.
int list_pids(int dir_fd, std::vector<Pid>& out, WalkBuffers& buf);

enum class FdScan { Ok, Vanished, Denied };

// Reads "<pid>/fd" relative to proc_fd and appends one match per fd linked to an indexed socket.
FdScan scan_pid_fds(int proc_fd, Pid pid, const InodeIndex& index, std::vector<OwnerMatch>& out,
                    WalkBuffers& buf);

using SocketFd = std::pair<std::uint64_t, Owner>;  // (socket inode, owner)

// The same walk with no index: one entry per fd linked to any socket, for a walk that runs
// before the tables are read (OwnerPrefetch), matched to sockets afterwards.
FdScan scan_pid_socket_fds(int proc_fd, Pid pid, std::vector<SocketFd>& out, WalkBuffers& buf);

// Writes "<pid><suffix>" NUL-terminated into out (at least 32 bytes); returns out.
char* pid_path(char* out, Pid pid, const char* suffix);

}  // namespace tcpstat::procfs
