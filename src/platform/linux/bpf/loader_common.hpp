// Owns what every eBPF loader here shares: libbpf kept quiet (tcpstat says failures in one line), map sizes from sysctls.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <bpf/libbpf.h>

namespace tcpstat::bpf {

// libbpf explains failures on stderr at length; TCPSTAT_BPF_DEBUG keeps its words.
inline void quiet_libbpf() {
    if (std::getenv("TCPSTAT_BPF_DEBUG")) return;
    libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });
}

// net.ipv4.tcp_max_tw_buckets: how many timewait sockets the host allows; 0 when unreadable.
inline std::uint64_t max_tw_buckets() {
    std::FILE* f = std::fopen("/proc/sys/net/ipv4/tcp_max_tw_buckets", "re");
    unsigned long long n = 0;
    if (f) {
        if (std::fscanf(f, "%llu", &n) != 1) n = 0;
        std::fclose(f);
    }
    return n;
}

}  // namespace tcpstat::bpf
