// Owns reading the pinned recorder's maps into listings: one batch dump each, then each socket's entry by cookie.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <linux/types.h>

#include <bpf/bpf.h>
#include <fmt/format.h>

#include "recorder.hpp"
#include "recorder.skel.h"
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

// Appends the entries of one pinned map; a map not pinned (or not readable) adds none.
void read_pinned(const std::string& path, std::vector<Entry>& into) {
    const int fd = bpf_obj_get(path.c_str());
    if (fd < 0) return;
    std::vector<Entry> part = dump(fd);
    ::close(fd);
    into.insert(into.end(), part.begin(), part.end());
}

// Transitions the recorder could not keep since it started (a full map), 0 if unreadable.
std::uint64_t refused_transitions(const std::string& dir) {
    const int info = bpf_obj_get((dir + "/info").c_str());
    if (info < 0) return 0;
    std::remove_pointer_t<decltype(recorder::bss)> bss{};  // the layout of the pinned .bss
    const __u32 key = 0;
    const bool ok = bpf_map_lookup_elem(info, &key, &bss) == 0;
    ::close(info);
    return ok ? bss.refused : 0;
}

}  // namespace

void attach_recorded_ages(Snapshot& snap) {
    const std::string dir = recorder_dir();
    std::vector<Entry> entries;
    read_pinned(dir + "/ages", entries);      // live sockets
    read_pinned(dir + "/timewait", entries);  // handed to timewait sockets
    if (entries.empty()) return;  // not recording, or not allowed to read it
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
    if (const std::uint64_t refused = refused_transitions(dir); refused > 0)
        snap.warnings.push_back(fmt::format(
            "the recorder's map was full for {} transitions since it started: those sockets have no age "
            "(`tcpstat record status` shows its capacity; `record stop` and `record start` size it anew)",
            refused));
}

}  // namespace tcpstat::procfs
