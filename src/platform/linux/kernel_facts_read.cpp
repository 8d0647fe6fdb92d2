// Owns reading KernelFacts from a /proc tree: sysctls, TcpExt counters, sockstat's orphan count.
#include "kernel_facts_read.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <vector>

#include "proc_file.hpp"

namespace tcpstat::procfs {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) ++i;
        std::size_t start = i;
        while (i < line.size() && !is_space(line[i])) ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::optional<std::uint64_t> to_u64(std::string_view w) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (w.empty() || ec != std::errc() || end != w.data() + w.size()) return std::nullopt;
    return v;
}

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        out.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

template <typename T>
void read_number(const std::string& path, std::optional<T>& into) {
    auto text = read_proc_file(path);
    if (!text) return;
    auto v = parse_sysctl_number(*text);
    if (v && *v <= std::numeric_limits<T>::max()) into = static_cast<T>(*v);
}

}  // namespace

std::optional<std::uint64_t> parse_sysctl_number(std::string_view text) {
    auto w = words(text);
    if (w.size() != 1) return std::nullopt;
    return to_u64(w[0]);
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> parse_port_range_sysctl(std::string_view text) {
    auto w = words(text);
    if (w.size() != 2) return std::nullopt;
    auto lo = to_u64(w[0]), hi = to_u64(w[1]);
    if (!lo || !hi || *lo > 65535 || *hi > 65535 || *lo > *hi) return std::nullopt;
    return std::pair{static_cast<std::uint16_t>(*lo), static_cast<std::uint16_t>(*hi)};
}

std::optional<std::uint64_t> netstat_counter(std::string_view text, std::string_view prefix, std::string_view name) {
    auto ls = lines(text);
    for (std::size_t i = 0; i + 1 < ls.size(); ++i) {
        auto names = words(ls[i]);
        if (names.empty() || names[0].size() != prefix.size() + 1 || names[0].substr(0, prefix.size()) != prefix ||
            names[0].back() != ':')
            continue;
        auto values = words(ls[i + 1]);
        if (values.size() != names.size() || values[0] != names[0]) return std::nullopt;
        for (std::size_t k = 1; k < names.size(); ++k)
            if (names[k] == name) return to_u64(values[k]);
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> sockstat_value(std::string_view text, std::string_view protocol, std::string_view key) {
    for (std::string_view line : lines(text)) {
        auto w = words(line);
        if (w.empty() || w[0].size() != protocol.size() + 1 || !w[0].starts_with(protocol) || w[0].back() != ':')
            continue;
        for (std::size_t k = 1; k + 1 < w.size(); k += 2)
            if (w[k] == key) return to_u64(w[k + 1]);
    }
    return std::nullopt;
}

namespace {

// sys_dir holds net/ipv4/..., net_dir holds netstat and sockstat: in a recorded tree both sit
// under one root, while a thread's own namespace is seen through /proc/sys and /proc/thread-self/net.
KernelFacts read_facts(const std::string& sys_dir, const std::string& net_dir) {
    KernelFacts f;
    const std::string ipv4 = sys_dir + "/net/ipv4/";
    if (auto text = read_proc_file(ipv4 + "ip_local_port_range"))
        if (auto r = parse_port_range_sysctl(*text)) {
            f.ephemeral_low = r->first;
            f.ephemeral_high = r->second;
        }
    read_number(ipv4 + "tcp_fin_timeout", f.fin_timeout_s);
    read_number(ipv4 + "tcp_max_orphans", f.max_orphans);
    read_number(ipv4 + "tcp_syncookies", f.syncookies);
    read_number(ipv4 + "tcp_max_tw_buckets", f.max_tw_buckets);
    read_number(ipv4 + "tcp_max_syn_backlog", f.max_syn_backlog);
    read_number(sys_dir + "/net/core/somaxconn", f.somaxconn);
    if (auto text = read_proc_file(net_dir + "/netstat")) {
        f.listen_overflows = netstat_counter(*text, "TcpExt", "ListenOverflows");
        f.listen_drops = netstat_counter(*text, "TcpExt", "ListenDrops");
    }
    if (auto text = read_proc_file(net_dir + "/sockstat")) f.orphans = sockstat_value(*text, "TCP", "orphan");
    return f;
}

}  // namespace

KernelFacts read_kernel_facts(const std::string& root_in) {
    std::string root = root_in.empty() ? std::string("/proc") : root_in;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    return read_facts(root + "/sys", root + "/net");
}

KernelFacts read_kernel_facts_of_this_thread() {
    // /proc/sys/net resolves to the reading thread's namespace; /proc/net follows the process's
    // main thread, so a helper thread that entered another namespace reads thread-self.
    return read_facts("/proc/sys", "/proc/thread-self/net");
}

}  // namespace tcpstat::procfs
