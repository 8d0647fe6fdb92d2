// Owns `tcpstat record start|stop|status` on Linux: loads recorder.bpf.c, pins its link and maps in bpffs, unpins them.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "loader_common.hpp"
#include "netlink.hpp"
#include "owner_map.hpp"
#include "recorder.hpp"
#include "recorder.skel.h"
#include "recorder_entry.h"
#include "tcpstat/error.hpp"
#include "tcpstat/record.hpp"

namespace tcpstat {
namespace {

constexpr const char* kBpffs = "/sys/fs/bpf";
constexpr long kBpffsMagic = 0xcafe4a11;

bool on_bpffs(const std::string& path) {
    struct statfs fs {};
    return ::statfs(path.c_str(), &fs) == 0 && static_cast<long>(fs.f_type) == kBpffsMagic;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string parent_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos || slash == 0 ? std::string("/") : path.substr(0, slash);
}

// The pin directory's bpffs: /sys/fs/bpf is mounted when absent (systemd mounts it; minimal
// hosts and containers may not), another directory must already be on one.
void ensure_bpffs(const std::string& dir, RecordStatus& st) {
    const std::string parent = parent_of(dir);
    if (on_bpffs(parent)) return;
    if (parent != kBpffs)
        throw RuntimeError(fmt::format("tcpstat record keeps its programs in bpffs, and {} is not on one "
                                       "(TCPSTAT_RECORD_DIR must lie under a mounted bpffs such as {})",
                                       parent, kBpffs));
    if (::mount("bpf", kBpffs, "bpf", 0, "mode=0700") != 0)
        throw RuntimeError(fmt::format("tcpstat record needs bpffs at {} and could not mount it: {}", kBpffs,
                                       std::strerror(errno)));
    st.notes.push_back(fmt::format("mounted bpffs at {} (it was not mounted)", kBpffs));
}

void require_privilege_and_btf() {
    if (!procfs::may_load_bpf_programs())
        throw RuntimeError("tcpstat record needs root, or the capabilities CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: "
                           "run it with sudo");
    if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        throw RuntimeError("tcpstat record needs a kernel with BTF type information (CONFIG_DEBUG_INFO_BTF=y): "
                           "/sys/kernel/btf/vmlinux is missing");
}

std::int64_t realtime_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// What is pinned in dir, read back through the pins (no program is loaded).
void read_status(const std::string& dir, RecordStatus& st) {
    st.where = dir;
    st.recording = exists(dir + "/link");
    if (!st.recording) return;
    const int info = bpf_obj_get((dir + "/info").c_str());
    if (info >= 0) {
        std::remove_pointer_t<decltype(recorder::bss)> bss{};  // the layout of the pinned .bss
        const __u32 key = 0;
        if (bpf_map_lookup_elem(info, &key, &bss) == 0) {
            st.since_unix_ms = static_cast<std::int64_t>(bss.started_unix_ms);
            st.transitions = bss.recorded;
            st.refused = bss.refused;
        }
        ::close(info);
    }
    for (const char* pin : {"/ages", "/timewait"}) {
        const int map = bpf_obj_get((dir + pin).c_str());
        if (map < 0) continue;
        bpf_map_info mi{};
        __u32 len = sizeof mi;
        if (bpf_obj_get_info_by_fd(map, &mi, &len) == 0) st.capacity += mi.max_entries;
        std::uint64_t key = 0, prev = 0;
        bool have_prev = false;
        while (bpf_map_get_next_key(map, have_prev ? &prev : nullptr, &key) == 0) {
            ++st.sockets;
            prev = key;
            have_prev = true;
        }
        ::close(map);
    }
}

struct Capacities {
    std::uint64_t live = 0;
    std::uint64_t timewait = 0;
};

// Room for every socket of the host's now twice over, and for every timewait socket it allows
// with a margin (the LRU is approximate: it may evict a little before it is full).
// TCPSTAT_RECORD_CAPACITY=LIVE,TIMEWAIT replaces both, for tests that fill the maps on purpose.
Capacities capacities() {
    Capacities c;
    if (const char* env = std::getenv("TCPSTAT_RECORD_CAPACITY"); env && *env) {
        unsigned long long live = 0, tw = 0;
        char tail = 0;
        if (std::sscanf(env, "%llu,%llu%c", &live, &tw, &tail) != 2 || live == 0 || tw == 0 || live > (1u << 24) ||
            tw > (1u << 24))
            throw UsageError(fmt::format("invalid TCPSTAT_RECORD_CAPACITY '{}': expected LIVE,TIMEWAIT, two numbers "
                                         "of sockets from 1 to 16777216, e.g. 4096,512",
                                         env));
        c.live = live;
        c.timewait = tw;
        return c;
    }
    const std::size_t sockets = netlink::expected_sockets(CollectRequest{});
    const std::uint64_t tw = bpf::max_tw_buckets();
    c.live = std::min<std::uint64_t>(std::max<std::uint64_t>(65536, 2 * sockets), 1u << 24);
    c.timewait = std::min<std::uint64_t>(std::max<std::uint64_t>(16384, tw + tw / 4), 1u << 24);
    return c;
}

constexpr const char* kPins[] = {"/link", "/ages", "/timewait", "/info"};

void unpin_all(const std::string& dir) {
    for (const char* pin : kPins) ::unlink((dir + pin).c_str());
}

void start(const std::string& dir, RecordStatus& st) {
    const Capacities cap = capacities();
    ensure_bpffs(dir, st);
    if (exists(dir + "/link")) return;  // already recording: status says since when
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw RuntimeError(fmt::format("cannot create {}: {}", dir, std::strerror(errno)));
    bpf::quiet_libbpf();
    recorder* skel = recorder__open();
    if (!skel) throw RuntimeError(fmt::format("cannot open the recorder: {}", std::strerror(errno)));
    bpf_map__set_max_entries(skel->maps.ages, static_cast<__u32>(cap.live));
    bpf_map__set_max_entries(skel->maps.timewait, static_cast<__u32>(cap.timewait));
    int err = recorder__load(skel);
    if (err == 0) {
        skel->bss->started_unix_ms = static_cast<__u64>(realtime_ms());
        err = recorder__attach(skel);
    }
    if (err == 0) err = bpf_map__pin(skel->maps.ages, (dir + "/ages").c_str());
    if (err == 0) err = bpf_map__pin(skel->maps.timewait, (dir + "/timewait").c_str());
    if (err == 0) err = bpf_map__pin(skel->maps.bss, (dir + "/info").c_str());
    // The link last: its pin is what "recording" means.
    if (err == 0) err = bpf_link__pin(skel->links.record_transition, (dir + "/link").c_str());
    if (err != 0) {
        unpin_all(dir);
        ::rmdir(dir.c_str());
        recorder__destroy(skel);
        throw RuntimeError(fmt::format("cannot start the recorder: {} (tcpstat record needs BTF tracepoints, "
                                       "Linux 5.8 or later)",
                                       std::strerror(-err)));
    }
    recorder__destroy(skel);  // the pins keep the program attached and the maps alive
    st.changed = true;
}

void stop(const std::string& dir, RecordStatus& st) {
    bool any = false;
    for (const char* pin : kPins) any = any || exists(dir + pin);
    if (!any) return;
    for (const char* pin : kPins) {
        if (::unlink((dir + pin).c_str()) != 0 && errno != ENOENT)
            throw RuntimeError(fmt::format("cannot remove {}{}: {}", dir, pin, std::strerror(errno)));
    }
    ::rmdir(dir.c_str());
    st.changed = true;
}

}  // namespace

RecordStatus control_recorder(RecordAction action) {
    require_privilege_and_btf();
    RecordStatus st;
    const std::string dir = procfs::recorder_dir();
    if (action == RecordAction::Start) start(dir, st);
    if (action == RecordAction::Stop) stop(dir, st);
    read_status(dir, st);
    return st;
}

namespace procfs {

std::string recorder_dir() {
    const char* dir = std::getenv("TCPSTAT_RECORD_DIR");
    return dir && *dir ? std::string(dir) : std::string(kBpffs) + "/tcpstat";
}

}  // namespace procfs
}  // namespace tcpstat
