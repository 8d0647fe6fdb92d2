// Owns what every eBPF loader here shares: libbpf kept quiet (tcpstat says failures in one line), map sizes from sysctls.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <bpf/libbpf.h>

#include "kernel_facts_read.hpp"
#include "proc_file.hpp"

namespace tcpstat::bpf {

// libbpf explains failures on stderr at length; TCPSTAT_BPF_DEBUG keeps its words.
inline void quiet_libbpf() {
    if (std::getenv("TCPSTAT_BPF_DEBUG")) return;
    libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });
}

// net.ipv4.tcp_max_tw_buckets: how many timewait sockets the host allows; 0 when unreadable.
inline std::uint64_t max_tw_buckets() {
    const auto text = procfs::read_proc_file("/proc/sys/net/ipv4/tcp_max_tw_buckets");
    return text ? procfs::parse_sysctl_number(*text).value_or(0) : 0;
}

}  // namespace tcpstat::bpf
