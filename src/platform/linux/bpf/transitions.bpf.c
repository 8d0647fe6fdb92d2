// Owns the kernel side of `tcpstat trace`: TCP state transitions with the owner recorded in process context.
//
// Why it is shaped this way (compare bcc's tcpstates, issue iovisor/bcc#3463):
// - Most transitions run in softirq, where the on-CPU task is whoever was interrupted
//   (swapper/N, ksoftirqd). The owner is therefore recorded only where the process itself runs:
//   connect() and listen() (the CLOSE -> SYN_SENT/LISTEN transitions), accept() returning the
//   child (the sys_exit BTF tracepoint, which attaches where kprobes and fentry do not), and close(). It is kept in a hash keyed by the socket's address, sized by the loader
//   from the host's socket count (socket-local storage would need fentry, which kernels built
//   without BPF trampolines refuse, and sk storage helpers are not callable from kprobes); an
//   entry the map refuses is counted and reported, never silently lost. Entries go at CLOSE.
// - The kernel never sets TIME_WAIT on the socket: tcp_time_wait() hands the connection to a
//   separate timewait socket and closes the original. We note tcp_time_wait()'s state, report
//   the closing transition as entering TIME_WAIT (or FIN_WAIT2 kept by a timewait socket), and
//   follow the timewait socket by cookie until the kernel kills it.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "transition_event.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

enum {
    S_ESTABLISHED = 1, S_SYN_SENT, S_SYN_RECV, S_FIN_WAIT1, S_FIN_WAIT2, S_TIME_WAIT,
    S_CLOSE, S_CLOSE_WAIT, S_LAST_ACK, S_LISTEN, S_CLOSING,
};

const volatile __u32 target_netns = 0;  // 0: every namespace
const volatile bool tw_probe_attached = false;  // the loader attached the kprobes

__u64 lost_events = 0;       // ring buffer full
__u64 untracked_sockets = 0; // socket storage or the timewait map refused an entry

struct owner_info {
    __u64 since_ns;  // entry into the current state; 0: not seen
    __u64 inode;
    __u32 pid;
    __u8 has_owner;
    __u8 close_kind;
    __u8 tw_state;   // state passed to tcp_time_wait(), 0 when none is pending
    __u8 state;      // current state (timewait entries)
    __u16 sport;     // local port while bound: the kernel clears it (inet_put_port) before CLOSE
    char comm[TCPSTAT_COMM_LEN];
};

// Sockets by kernel address; max_entries is set by the loader from /proc/net/sockstat.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(max_entries, 65536);
    __type(key, __u64);
    __type(value, struct owner_info);
} sk_owner SEC(".maps");

// The timewait socket a tcp_timewait_state_process() call on this CPU works on (softirq).
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} tw_current SEC(".maps");

// Timewait sockets by cookie; max_entries is set by the loader from tcp_max_tw_buckets.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(max_entries, 65536);
    __type(key, __u64);
    __type(value, struct owner_info);
} tw_owner SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 << 20);
} events SEC(".maps");

static __always_inline struct owner_info *storage(struct sock *sk) {
    __u64 key = (__u64)sk;
    struct owner_info *o = bpf_map_lookup_elem(&sk_owner, &key);
    if (o) return o;
    struct owner_info fresh = {};
    if (bpf_map_update_elem(&sk_owner, &key, &fresh, BPF_NOEXIST) != 0 && !bpf_map_lookup_elem(&sk_owner, &key)) {
        __sync_fetch_and_add(&untracked_sockets, 1);
        return 0;
    }
    return bpf_map_lookup_elem(&sk_owner, &key);
}

static __always_inline bool wanted(const struct sock_common *c) {
    if (!target_netns) return true;
    return BPF_CORE_READ(c, skc_net.net, ns.inum) == target_netns;
}

static __always_inline void record_owner(struct owner_info *o, struct sock *sk) {
    o->pid = bpf_get_current_pid_tgid() >> 32;
    bpf_get_current_comm(o->comm, sizeof(o->comm));
    o->has_owner = 1;
    struct socket *sock = BPF_CORE_READ(sk, sk_socket);
    if (sock) {
        struct socket_alloc *sa = container_of(sock, struct socket_alloc, socket);
        o->inode = BPF_CORE_READ(sa, vfs_inode.i_ino);
    }
}

static __always_inline void fill_addresses(struct tcpstat_transition *e, const struct sock_common *c) {
    e->family = BPF_CORE_READ(c, skc_family);
    e->sport = BPF_CORE_READ(c, skc_num);
    e->dport = __builtin_bswap16(BPF_CORE_READ(c, skc_dport));
    e->netns = BPF_CORE_READ(c, skc_net.net, ns.inum);
    if (e->family == AF_INET) {
        bpf_core_read(e->saddr, 4, &c->skc_rcv_saddr);
        bpf_core_read(e->daddr, 4, &c->skc_daddr);
    } else {
        bpf_core_read(e->saddr, 16, &c->skc_v6_rcv_saddr);
        bpf_core_read(e->daddr, 16, &c->skc_v6_daddr);
    }
}

static __always_inline void emit(const struct sock_common *c, const struct owner_info *o, __u64 cookie,
                                 int oldstate, int newstate, __u64 now, __u8 flags) {
    struct tcpstat_transition *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) {
        __sync_fetch_and_add(&lost_events, 1);
        return;
    }
    __builtin_memset(e, 0, sizeof(*e));
    e->ts_ns = now;
    e->cookie = cookie;
    e->oldstate = oldstate;
    e->newstate = newstate;
    e->flags = flags;
    fill_addresses(e, c);
    if (o) {
        if (o->since_ns) {
            e->in_old_ns = now - o->since_ns;
            e->flags |= TCPSTAT_EV_HAS_SINCE;
        }
        if (o->has_owner) {
            e->pid = o->pid;
            __builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
            e->flags |= TCPSTAT_EV_HAS_OWNER;
        }
        e->inode = o->inode;
        e->close_kind = o->close_kind;
        // The closing transition of a socket whose port was already released keeps its port,
        // so `--port`/`--sport` filters see it (a server's FIN_WAIT2 -> TIME_WAIT).
        if (!e->sport) e->sport = o->sport;
    }
    bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_set_state, struct sock *sk, int oldstate, int newstate) {
    if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP) return 0;
    if (!wanted(&sk->__sk_common)) return 0;
    const __u64 now = bpf_ktime_get_ns();
    const __u64 cookie = bpf_get_socket_cookie(sk);
    struct owner_info *o = storage(sk);
    if (!o) {
        emit(&sk->__sk_common, 0, cookie, oldstate, newstate, now, 0);
        return 0;
    }
    const __u16 sport = BPF_CORE_READ(sk, __sk_common.skc_num);
    if (sport) o->sport = sport;
    // connect() and listen() run these transitions in the calling process; close() and
    // shutdown() run the first FIN's (FIN_WAIT1, LAST_ACK). Where kprobes exist, accept() and
    // close() record the owner earlier; this keeps it right on kernels without them.
    if (oldstate == S_CLOSE && (newstate == S_SYN_SENT || newstate == S_LISTEN)) record_owner(o, sk);
    else if (!o->has_owner && (newstate == S_FIN_WAIT1 || newstate == S_LAST_ACK)) record_owner(o, sk);
    // The first FIN decides who closed first.
    if (!o->close_kind) {
        if (newstate == S_FIN_WAIT1 || (newstate == S_CLOSING && oldstate != S_FIN_WAIT1))
            o->close_kind = TCPSTAT_CLOSE_ACTIVE;
        else if (newstate == S_CLOSE_WAIT)
            o->close_kind = TCPSTAT_CLOSE_PASSIVE;
    }
    __u8 flags = 0;
    int reported = newstate;
    if (newstate == S_CLOSE && o->tw_state) {
        reported = o->tw_state;
        flags = TCPSTAT_EV_TIMEWAIT_SOCK;
    } else if (newstate == S_CLOSE && !tw_probe_attached && (oldstate == S_FIN_WAIT2 || oldstate == S_CLOSING) &&
               BPF_CORE_READ(sk, sk_err) == 0) {
        // Without the tcp_time_wait() kprobe: a closing socket with no error (no reset, no
        // timeout) from these states is handed to a timewait socket.
        reported = S_TIME_WAIT;
        flags = TCPSTAT_EV_TIMEWAIT_SOCK;
    }
    // FIN_WAIT2 -> FIN_WAIT2 under a timewait socket is no transition worth a line.
    if (reported != oldstate) emit(&sk->__sk_common, o, cookie, oldstate, reported, now, flags);
    if (flags) {
        struct owner_info tw = *o;
        tw.since_ns = reported != oldstate ? now : o->since_ns;
        tw.state = reported;
        tw.tw_state = 0;
        if (bpf_map_update_elem(&tw_owner, &cookie, &tw, BPF_ANY) != 0)
            __sync_fetch_and_add(&untracked_sockets, 1);
    }
    o->since_ns = now;
    if (newstate == S_CLOSE) {
        __u64 key = (__u64)sk;
        bpf_map_delete_elem(&sk_owner, &key);
    }
    return 0;
}

// The connection moves to a timewait socket in `state` (TIME_WAIT, or FIN_WAIT2 when orphaned).
// The cookie was generated at the socket's first transition, so the timewait socket inherits it.
SEC("kprobe/tcp_time_wait")
int BPF_KPROBE(on_time_wait, struct sock *sk, int state) {
    if (!wanted(&sk->__sk_common)) return 0;
    struct owner_info *o = storage(sk);
    if (o) o->tw_state = state;
    return 0;
}

SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(on_accept, struct sock *sk) {
    if (!sk || !wanted(&sk->__sk_common)) return 0;
    struct owner_info *o = storage(sk);
    if (o) record_owner(o, sk);
    return 0;
}

// accept()/accept4() returning: the calling process owns the new socket from now on (a forked
// worker accepting on its parent's listener, not the listener's owner). A BTF tracepoint, so it
// attaches where kprobes and fentry do not; the syscall number is read from the registers first,
// so every other syscall costs one compare.
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs) BPF_CORE_READ(regs, orig_ax)
#define NR_ACCEPT 43
#define NR_ACCEPT4 288
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs) BPF_CORE_READ(regs, syscallno)
#define NR_ACCEPT 202
#define NR_ACCEPT4 242
#endif

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret) {
#ifdef NR_ACCEPT
    if (ret < 0) return 0;
    const long nr = SYSCALL_NR(regs);
    if (nr != NR_ACCEPT && nr != NR_ACCEPT4) return 0;
    struct task_struct *task = bpf_get_current_task_btf();
    struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
    if (!fdt || ret >= BPF_CORE_READ(fdt, max_fds)) return 0;
    struct file **fds = BPF_CORE_READ(fdt, fd);
    struct file *file = 0;
    bpf_core_read(&file, sizeof(file), &fds[ret]);
    if (!file) return 0;
    struct socket *sock = BPF_CORE_READ(file, private_data);  // accept's result is a socket file
    if (!sock) return 0;
    struct sock *sk = BPF_CORE_READ(sock, sk);
    if (!sk) return 0;
    const __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if ((family != AF_INET && family != AF_INET6) || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP) return 0;
    if (!wanted(&sk->__sk_common)) return 0;
    struct owner_info *o = storage(sk);
    if (o) record_owner(o, sk);
#endif
    return 0;
}

// close() of the last descriptor, or process exit: still the owning process.
SEC("kprobe/tcp_close")
int BPF_KPROBE(on_close, struct sock *sk) {
    // A socket closed before it ever left CLOSE has no transition that would free its entry.
    if (!wanted(&sk->__sk_common) || BPF_CORE_READ(sk, __sk_common.skc_state) == S_CLOSE) return 0;
    struct owner_info *o = storage(sk);
    if (o && !o->has_owner) record_owner(o, sk);
    return 0;
}

static __always_inline __u64 tw_cookie(struct inet_timewait_sock *tw) {
    return BPF_CORE_READ(tw, __tw_common.skc_cookie.counter);
}

// An orphaned FIN_WAIT2 timewait socket receives the peer's FIN and enters TIME_WAIT.
SEC("kprobe/tcp_timewait_state_process")
int BPF_KPROBE(on_tw_enter, struct inet_timewait_sock *tw) {
    __u32 zero = 0;
    __u64 *slot = bpf_map_lookup_elem(&tw_current, &zero);
    if (slot) *slot = (__u64)tw;
    return 0;
}

SEC("kretprobe/tcp_timewait_state_process")
int BPF_KRETPROBE(on_tw_process) {
    __u32 zero = 0;
    __u64 *slot = bpf_map_lookup_elem(&tw_current, &zero);
    if (!slot || !*slot) return 0;
    struct inet_timewait_sock *tw = (struct inet_timewait_sock *)*slot;
    *slot = 0;
    __u64 cookie = tw_cookie(tw);
    struct owner_info *o = bpf_map_lookup_elem(&tw_owner, &cookie);
    if (!o) return 0;
    __u8 now_state = BPF_CORE_READ(tw, tw_substate);
    if (now_state == o->state) return 0;
    const __u64 now = bpf_ktime_get_ns();
    emit(&tw->__tw_common, o, cookie, o->state, now_state, now, TCPSTAT_EV_TIMEWAIT_SOCK);
    o->state = now_state;
    o->since_ns = now;
    return 0;
}

// The kernel drops a timewait socket (timer expiry or reuse): the connection is gone.
SEC("kprobe/inet_twsk_kill")
int BPF_KPROBE(on_tw_kill, struct inet_timewait_sock *tw) {
    __u64 cookie = tw_cookie(tw);
    struct owner_info *o = bpf_map_lookup_elem(&tw_owner, &cookie);
    if (!o) return 0;
    emit(&tw->__tw_common, o, cookie, o->state, S_CLOSE, bpf_ktime_get_ns(), TCPSTAT_EV_TIMEWAIT_SOCK);
    bpf_map_delete_elem(&tw_owner, &cookie);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
