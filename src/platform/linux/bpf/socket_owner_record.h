/* Owns the record the owner-map iterator writes per socket fd, shared by the BPF and C++ sides. */
#pragma once

struct tcpstat_socket_owner {
    __u64 inode; /* sockfs inode, as in "socket:[inode]" */
    __u32 tgid;  /* the process (thread group) whose fd table holds it */
    __u32 fd;
};
