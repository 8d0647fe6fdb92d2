// Owns the kernel side of the fast owner map: a task_file iterator that writes one record per socket fd.
//
// The kernel's task_file iterator already skips threads that share their group leader's fd
// table. A table it still reaches through several threads (the leader has exited) is written
// once, under the tgid: tables seen by non-leader threads are marked with the iteration's
// generation. Sockets are told apart by the inode mode (S_IFSOCK): socket_file_ops is not in
// kallsyms on every kernel, the mode always is. The record is tiny so that 100k fds are a
// few read() calls.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "socket_owner_record.h"

#define S_IFMT 0170000
#define S_IFSOCK 0140000

char LICENSE[] SEC("license") = "GPL";

// Set by the loader before each iteration; one iteration runs at a time.
__u32 generation = 0;

// fd tables of non-leader threads already written in this iteration (value: generation).
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);
    __type(value, __u32);
} seen_files SEC(".maps");

__u64 last_task = 0;  // the task whose files are being visited
__u8 skip_task = 0;

SEC("iter/task_file")
int socket_fds(struct bpf_iter__task_file *ctx) {
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *task = ctx->task;
    struct file *file = ctx->file;
    if (!task || !file) return 0;
    if ((__u64)task != last_task) {
        last_task = (__u64)task;
        skip_task = 0;
        if (task->pid != task->tgid) {
            __u64 key = (__u64)task->files;
            __u32 *gen = bpf_map_lookup_elem(&seen_files, &key);
            if (gen && *gen == generation)
                skip_task = 1;
            else
                bpf_map_update_elem(&seen_files, &key, &generation, BPF_ANY);  // if full: written twice
        }
    }
    if (skip_task) return 0;
    if ((file->f_inode->i_mode & S_IFMT) != S_IFSOCK) return 0;
    struct tcpstat_socket_owner r = {
        .inode = file->f_inode->i_ino,
        .tgid = task->tgid,
        .fd = ctx->fd,
    };
    bpf_seq_write(seq, &r, sizeof r);
    return 0;
}
