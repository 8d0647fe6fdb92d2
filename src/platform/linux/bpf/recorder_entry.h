/* Owns the per-socket entry the pinned recorder keeps, shared by the BPF and C++ sides. */
#pragma once

#define TCPSTAT_RECORDER_COMM_LEN 16

/* The recorder's map, keyed by the kernel's socket cookie (SO_COOKIE, inet_diag idiag_cookie). */
struct tcpstat_recorded {
    __u64 since_ns;       /* CLOCK_MONOTONIC (bpf_ktime_get_ns) of the entry into `state` */
    __u64 prev_since_ns;  /* entry into prev_state, 0 if not seen */
    __u32 pid;            /* owner's tgid at the last transition made in its own context, 0 if none */
    __u8 state;           /* the state entered last (TIME_WAIT: the socket went to a timewait socket) */
    __u8 prev_state;      /* the state before it */
    __u8 pad[2];
    char comm[TCPSTAT_RECORDER_COMM_LEN];
};
