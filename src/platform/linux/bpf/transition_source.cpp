// Owns the user side of `tcpstat trace` on Linux: loads transitions.bpf.c (skeleton), sizes its maps, reads its ring buffer.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <linux/types.h>

#include <algorithm>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "kernel_facts_read.hpp"
#include "loader_common.hpp"
#include "netlink.hpp"
#include "proc_file.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/trace.hpp"
#include "transition_event.h"
#include "transitions.skel.h"

namespace tcpstat {
namespace {

constexpr const char* kKernelBtf = "/sys/kernel/btf/vmlinux";

std::int64_t clock_ns(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::uint32_t own_netns() {
    struct stat st {};
    if (::stat("/proc/self/ns/net", &st) != 0) throw RuntimeError("cannot read /proc/self/ns/net: " + std::string(std::strerror(errno)));
    return static_cast<std::uint32_t>(st.st_ino);
}

std::string load_failure(int err) {
    if (err == EPERM || err == EACCES)
        return "tcpstat trace needs root, or the capabilities CAP_BPF and CAP_PERFMON: run it with sudo";
    return fmt::format("cannot load the transition tracer into the kernel: {} (tcpstat trace needs BTF "
                       "tracepoints and BPF ring buffers, Linux 5.8 or later; kprobes only where the kernel has them)",
                       std::strerror(err));
}

Transition to_transition(const tcpstat_transition& e, std::int64_t real_minus_mono) {
    Transition t;
    t.time_ns = static_cast<std::int64_t>(e.ts_ns) + real_minus_mono;
    Socket& s = t.socket;
    s.protocol = Protocol::Tcp;
    if (e.family == 10) {
        s.family = Family::Inet6;
        s.local.addr = IpAddress::from_v6_bytes(e.saddr);
        s.remote.addr = IpAddress::from_v6_bytes(e.daddr);
    } else {
        s.family = Family::Inet;
        s.local.addr = IpAddress::from_v4_bytes(e.saddr);
        s.remote.addr = IpAddress::from_v4_bytes(e.daddr);
    }
    s.local.port = e.sport;
    s.remote.port = e.dport;
    s.state = static_cast<TcpState>(e.newstate);
    s.netns = e.netns;
    if (e.inode) s.inode = e.inode;
    t.old_state = static_cast<TcpState>(e.oldstate);
    if (e.flags & TCPSTAT_EV_HAS_SINCE) t.in_old_state_ns = e.in_old_ns;
    if (e.flags & TCPSTAT_EV_HAS_OWNER) {
        s.owners.push_back(Owner{static_cast<Pid>(e.pid), std::nullopt});
        t.process = std::string(e.comm, ::strnlen(e.comm, sizeof e.comm));
    }
    if (e.close_kind == TCPSTAT_CLOSE_ACTIVE) t.close = CloseKind::Active;
    if (e.close_kind == TCPSTAT_CLOSE_PASSIVE) t.close = CloseKind::Passive;
    t.cookie = e.cookie;
    return t;
}

class BpfTransitionSource final : public TransitionSource {
public:
    explicit BpfTransitionSource(const TraceRequest& request) {
        if (::access(kKernelBtf, R_OK) != 0)
            throw RuntimeError(fmt::format("tcpstat trace needs a kernel with BTF type information "
                                           "(CONFIG_DEBUG_INFO_BTF=y): {} is missing",
                                           kKernelBtf));
        bpf::quiet_libbpf();
        skel_ = transitions__open();
        if (!skel_) throw RuntimeError(load_failure(errno));
        skel_->rodata->target_netns = request.all_netns ? 0 : own_netns();
        // Kernels built without CONFIG_KPROBES (no kprobe PMU) keep only the tracepoint program.
        const bool kprobes = ::access("/sys/bus/event_source/devices/kprobe", F_OK) == 0;
        skel_->rodata->tw_probe_attached = kprobes;
        if (!kprobes) {
            for (bpf_program* p : {skel_->progs.on_time_wait, skel_->progs.on_accept, skel_->progs.on_close,
                                   skel_->progs.on_tw_enter, skel_->progs.on_tw_process, skel_->progs.on_tw_kill})
                bpf_program__set_autoload(p, false);
        }
        // Room for every socket the host has now, twice over; a refused entry is counted.
        CollectRequest all;
        const std::size_t sockets = netlink::expected_sockets(all);
        bpf_map__set_max_entries(skel_->maps.sk_owner, static_cast<__u32>(std::max<std::size_t>(65536, 2 * sockets)));
        bpf_map__set_max_entries(skel_->maps.tw_owner,
                                 static_cast<__u32>(std::max<std::uint64_t>(65536, bpf::max_tw_buckets())));
        if (const int err = transitions__load(skel_); err != 0) throw RuntimeError(load_failure(-err));
        if (const int err = transitions__attach(skel_); err != 0) throw RuntimeError(load_failure(-err));
        ring_ = ring_buffer__new(bpf_map__fd(skel_->maps.events), &BpfTransitionSource::on_event, this, nullptr);
        if (!ring_) throw RuntimeError(load_failure(errno));
        real_minus_mono_ = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
    }
    ~BpfTransitionSource() override {
        if (ring_) ring_buffer__free(ring_);
        if (skel_) transitions__destroy(skel_);
    }
    BpfTransitionSource(const BpfTransitionSource&) = delete;
    BpfTransitionSource& operator=(const BpfTransitionSource&) = delete;

    void poll(int timeout_ms, const std::function<void(const Transition&)>& sink) override {
        sink_ = &sink;
        const int n = ring_buffer__poll(ring_, timeout_ms);
        sink_ = nullptr;
        if (n < 0 && n != -EINTR) throw RuntimeError(fmt::format("reading transitions failed: {}", std::strerror(-n)));
    }
    std::uint64_t lost() const override { return __atomic_load_n(&skel_->bss->lost_events, __ATOMIC_RELAXED); }
    std::uint64_t untracked() const override {
        return __atomic_load_n(&skel_->bss->untracked_sockets, __ATOMIC_RELAXED);
    }

private:
    static int on_event(void* self, void* data, size_t size) {
        auto* me = static_cast<BpfTransitionSource*>(self);
        if (size < sizeof(tcpstat_transition) || !me->sink_) return 0;
        tcpstat_transition e;
        std::memcpy(&e, data, sizeof e);
        (*me->sink_)(to_transition(e, me->real_minus_mono_));
        return 0;
    }

    transitions* skel_ = nullptr;
    ring_buffer* ring_ = nullptr;
    const std::function<void(const Transition&)>* sink_ = nullptr;
    std::int64_t real_minus_mono_ = 0;
};

}  // namespace

std::unique_ptr<TransitionSource> open_transition_source(const TraceRequest& request) {
    return std::make_unique<BpfTransitionSource>(request);
}

}  // namespace tcpstat
