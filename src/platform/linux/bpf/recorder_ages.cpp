// Owns reading the pinned recorder's map into listings: one batch dump, then each socket's entry by cookie.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include <linux/types.h>

#include <bpf/bpf.h>

#include "recorder.hpp"
#include "recorder_entry.h"

namespace tcpstat::procfs {
namespace {

std::uint64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

struct Entry {
    std::uint64_t cookie;
    tcpstat_recorded value;
};

// Every entry, in batches; a kernel without batch lookups is read key by key.
std::vector<Entry> dump(int map_fd) {
    std::vector<Entry> out;
    constexpr __u32 kBatch = 4096;
    std::vector<std::uint64_t> keys(kBatch);
    std::vector<tcpstat_recorded> values(kBatch);
    __u64 in = 0, next = 0;
    bool first = true;
    for (;;) {
        __u32 n = kBatch;
        const int err = bpf_map_lookup_batch(map_fd, first ? nullptr : &in, &next, keys.data(), values.data(), &n, nullptr);
        for (__u32 i = 0; i < n; ++i) out.push_back(Entry{keys[i], values[i]});
        if (err != 0) break;  // ENOENT: the last batch was just read
        in = next;
        first = false;
    }
    if (!out.empty()) return out;
    // Batch lookups came with Linux 5.6; read key by key before that (or when it was refused).
    std::uint64_t key = 0, prev = 0;
    bool have_prev = false;
    while (bpf_map_get_next_key(map_fd, have_prev ? &prev : nullptr, &key) == 0) {
        tcpstat_recorded v{};
        if (bpf_map_lookup_elem(map_fd, &key, &v) == 0) out.push_back(Entry{key, v});
        prev = key;
        have_prev = true;
    }
    return out;
}

}  // namespace

void attach_recorded_ages(Snapshot& snap) {
    const std::string path = recorder_dir() + "/ages";
    const int fd = bpf_obj_get(path.c_str());
    if (fd < 0) return;  // not recording, or not allowed to read it
    std::vector<Entry> entries = dump(fd);
    ::close(fd);
    const std::uint64_t now = monotonic_ns();
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.cookie < b.cookie; });
    for (Socket& s : snap.sockets) {
        if (!s.cookie || s.protocol != Protocol::Tcp) continue;
        const auto it = std::lower_bound(entries.begin(), entries.end(), *s.cookie,
                                         [](const Entry& e, std::uint64_t c) { return e.cookie < c; });
        if (it == entries.end() || it->cookie != *s.cookie) continue;
        const tcpstat_recorded& v = it->value;
        const auto state = static_cast<std::uint8_t>(s.state);
        // Only for the state the recorder saw begin (a timewait socket that went on from
        // FIN_WAIT2 to TIME_WAIT did so unseen).
        const std::uint64_t since = v.state == state ? v.since_ns : 0;
        if (since == 0 || since > now) continue;
        s.age_ms = (now - since) / 1000000u;
        if (v.pid != 0) s.changed_by = static_cast<Pid>(v.pid);
    }
}

}  // namespace tcpstat::procfs
