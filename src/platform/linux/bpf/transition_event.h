/* Owns the record the transition program sends to user space, shared by the BPF and C++ sides. */
#pragma once

#define TCPSTAT_COMM_LEN 16

/* flags */
#define TCPSTAT_EV_HAS_OWNER 1u     /* pid/comm were recorded in process context */
#define TCPSTAT_EV_HAS_SINCE 2u     /* in_old_ns is known (the old state's entry was seen) */
#define TCPSTAT_EV_TIMEWAIT_SOCK 4u /* the socket lives on as the kernel's timewait socket */

/* close_kind */
#define TCPSTAT_CLOSE_NONE 0
#define TCPSTAT_CLOSE_ACTIVE 1  /* this side sent the first FIN */
#define TCPSTAT_CLOSE_PASSIVE 2 /* the peer sent the first FIN */

struct tcpstat_transition {
    __u64 ts_ns;      /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
    __u64 in_old_ns;  /* time spent in oldstate, valid with TCPSTAT_EV_HAS_SINCE */
    __u64 cookie;     /* the kernel's socket cookie (SO_COOKIE, inet_diag idiag_cookie) */
    __u64 inode;      /* socket inode recorded in process context, 0 if unknown */
    __u32 netns;      /* network namespace inode */
    __u32 pid;        /* owner's tgid, valid with TCPSTAT_EV_HAS_OWNER */
    __u8 saddr[16];
    __u8 daddr[16];
    __u16 sport;      /* host byte order */
    __u16 dport;
    __u16 family;
    __u8 oldstate;
    __u8 newstate;
    __u8 close_kind;
    __u8 flags;
    char comm[TCPSTAT_COMM_LEN];
};
