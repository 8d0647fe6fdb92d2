// Owns the kernel side of `tcpstat record`: the time of each TCP socket's last state transition and its owner then, in a pinned map.
//
// Kept attached by a pinned link after `record start` exits; listings read the pinned maps by
// cookie and use an entry only when its state is the one the kernel reports now. The cookie
// survives the hand-over to a timewait socket (inet_twsk_alloc copies it), so a socket closed
// from FIN_WAIT2 or CLOSING keeps an entry in the state its timewait socket starts in; other
// closes delete the entry.
//
// Two maps, because the two kinds of entry end differently. A full socket's entry is deleted by
// its last transition (to CLOSE), so `ages` (a plain hash, sized by the loader from the host's
// socket count) holds live sockets only; when it is full a new socket is refused and counted,
// and the old entries stay: a CLOSE_WAIT leaked hours ago keeps its age. A timewait socket
// dies with no transition the tracepoint sees, so its entry could never be deleted: those go
// to `timewait`, an LRU sized past tcp_max_tw_buckets. TIME_WAIT lasts a fixed time, so the
// least recently written entries there are the ones whose sockets are gone. (One LRU for both
// let TIME_WAIT churn evict the oldest live sockets first, exactly the leaks.)
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "recorder_entry.h"

#define IPPROTO_TCP 6

enum {
    S_ESTABLISHED = 1, S_SYN_SENT, S_SYN_RECV, S_FIN_WAIT1, S_FIN_WAIT2, S_TIME_WAIT,
    S_CLOSE, S_CLOSE_WAIT, S_LAST_ACK, S_LISTEN, S_CLOSING,
};

char LICENSE[] SEC("license") = "GPL";

__u64 started_unix_ms = 0;  // set by the loader: CLOCK_REALTIME at `record start`, for status
__u64 recorded = 0;    // transitions recorded
__u64 refused = 0;     // transitions a full map refused (their sockets then have no age)

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);
    __type(value, struct tcpstat_recorded);
} ages SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);
    __type(value, struct tcpstat_recorded);
} timewait SEC(".maps");

static void count_result(long err) {
    if (err != 0)
        __sync_fetch_and_add(&refused, 1);
    else
        __sync_fetch_and_add(&recorded, 1);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(record_transition, struct sock *sk, int oldstate, int newstate) {
    if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP) return 0;
    const __u64 cookie = bpf_get_socket_cookie(sk);
    const __u64 now = bpf_ktime_get_ns();
    struct tcpstat_recorded *old = bpf_map_lookup_elem(&ages, &cookie);
    // Only these closes hand the connection to a timewait socket (tcp_time_wait()).
    if (newstate == S_CLOSE && oldstate != S_FIN_WAIT2 && oldstate != S_CLOSING) {
        if (old) bpf_map_delete_elem(&ages, &cookie);
        return 0;
    }
    struct tcpstat_recorded e = {};
    if (old) {
        e.pid = old->pid;
        __builtin_memcpy(e.comm, old->comm, sizeof e.comm);
        if (old->state == oldstate) e.prev_since_ns = old->since_ns;
    }
    e.since_ns = now;
    e.prev_state = oldstate;
    e.state = newstate;
    if (newstate == S_CLOSE) {
        // From CLOSING, or FIN_WAIT2 with the peer's FIN in (tcp_fin() set SOCK_DONE; not
        // RCV_SHUTDOWN, which close() sets on every orphan): the timewait socket starts in
        // TIME_WAIT now. From FIN_WAIT2 without it (an orphan handed over early) it stays in
        // FIN_WAIT2, since its entry into FIN_WAIT2; its later move to TIME_WAIT changes no
        // socket state the tracepoint sees, so that TIME_WAIT gets no age.
        const bool fin_in = BPF_CORE_READ(sk, __sk_common.skc_flags) & (1ul << 1);  // SOCK_DONE
        if (oldstate == S_CLOSING || fin_in) {
            e.state = S_TIME_WAIT;
        } else {
            e.state = S_FIN_WAIT2;
            e.since_ns = e.prev_since_ns;
            e.prev_since_ns = 0;
            if (!e.since_ns) {
                if (old) bpf_map_delete_elem(&ages, &cookie);
                return 0;
            }
        }
    }
    // connect() and listen() run these transitions in the calling process, close() and
    // shutdown() the first FIN's; the others run in softirq, on whatever task was interrupted.
    if ((oldstate == S_CLOSE && (newstate == S_SYN_SENT || newstate == S_LISTEN)) || newstate == S_FIN_WAIT1 ||
        newstate == S_LAST_ACK) {
        e.pid = bpf_get_current_pid_tgid() >> 32;
        bpf_get_current_comm(e.comm, sizeof e.comm);
    }
    if (newstate == S_CLOSE) {
        // The full socket is gone; its timewait socket carries the cookie on.
        if (old) bpf_map_delete_elem(&ages, &cookie);
        count_result(bpf_map_update_elem(&timewait, &cookie, &e, BPF_ANY));
        return 0;
    }
    count_result(bpf_map_update_elem(&ages, &cookie, &e, BPF_ANY));
    return 0;
}
