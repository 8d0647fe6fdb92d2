// Owns when the owner lookup asks the kernel for its socket fds: the mode switch and the cheap checks before any load.
#include "owner_map.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "owners.hpp"

namespace tcpstat::procfs {
namespace {

// The iterator reports pids as the host's pid namespace numbers them; inside another one they
// would not match /proc, so a nested pid namespace walks /proc.
bool in_host_pid_namespace() {
    std::FILE* f = std::fopen("/proc/self/status", "re");
    if (!f) return false;
    char line[256];
    bool host = false;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "NSpid:", 6) != 0) continue;
        // One number: the host's namespace; more: nested.
        int numbers = 0;
        bool in_number = false;
        for (const char* p = line + 6; *p; ++p) {
            const bool digit = *p >= '0' && *p <= '9';
            if (digit && !in_number) ++numbers;
            in_number = digit;
        }
        host = numbers == 1;
        break;
    }
    std::fclose(f);
    return host;
}

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
    return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

}  // namespace

bool may_load_bpf_programs() {
    __user_cap_header_struct head{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &head, data) != 0) return false;
    constexpr int kCapBpf = 39, kCapPerfmon = 38;
    return has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, kCapBpf) && has_cap(data, kCapPerfmon));
}

OwnerMapMode owner_map_mode() {
    const char* v = std::getenv("TCPSTAT_OWNER_MAP");
    if (!v) return OwnerMapMode::Auto;
    const std::string_view s(v);
    if (s == "walk") return OwnerMapMode::Walk;
    if (s == "kernel") return OwnerMapMode::Kernel;
    return OwnerMapMode::Auto;
}

bool kernel_owner_map_fits(const OwnerRequest& request, const std::string& proc_root, std::size_t sockets) {
    const OwnerMapMode mode = owner_map_mode();
    if (mode == OwnerMapMode::Walk) return false;
    if (mode == OwnerMapMode::Auto && sockets < kOwnerPrefetchMinSockets) return false;
    if (!request.only_pids.empty() || (!proc_root.empty() && proc_root != "/proc")) return false;
    if (mode == OwnerMapMode::Kernel) return true;  // kernel_socket_fds says why it cannot
    static const bool possible = may_load_bpf_programs() && in_host_pid_namespace();
    return possible;
}

}  // namespace tcpstat::procfs
