/* bench/spawn.c: tiny launcher that runs one command and reports its wall time, CPU time, peak RSS and exit status. */
/*
 * Usage: bench-spawn RESULT_FD TIMEOUT_SECONDS -- COMMAND [ARG...]
 *
 * Forks, execs COMMAND in its own process group (stdin from /dev/null, stdout/stderr
 * inherited), waits with wait4() and writes one line to RESULT_FD:
 *   wall_ns=<n> user_us=<n> sys_us=<n> maxrss_kb=<n> status=<exit code or 128+signal> timeout=<0|1>
 * Why a C launcher rather than Python's own fork: a forked child's peak RSS starts from its
 * parent's, so a Python parent would add its own ~20 MB to every tool's "peak RSS". This
 * process is small, and wait4() on a shell pipeline also counts the shell's waited-for children.
 * On timeout the whole process group is killed with SIGKILL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_timed_out = 0;
static volatile pid_t g_child = 0;

static void on_alarm(int sig) {
    (void)sig;
    g_timed_out = 1;
    if (g_child > 0) kill(-g_child, SIGKILL);
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: %s RESULT_FD TIMEOUT_SECONDS -- COMMAND [ARG...]\n", argv[0]);
        return 125;
    }
    int result_fd = atoi(argv[1]);
    int timeout = atoi(argv[2]);
    char **cmd = argv + 4;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 125;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            dup2(devnull, 0);
            close(devnull);
        }
        if (result_fd > 2) close(result_fd);
        execvp(cmd[0], cmd);
        fprintf(stderr, "bench-spawn: exec %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    g_child = pid;
    setpgid(pid, pid); /* also here, so kill(-pid) works even before the child ran */
    if (timeout > 0) alarm((unsigned)timeout);

    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t r;
    do {
        r = wait4(pid, &status, 0, &ru);
    } while (r < 0 && errno == EINTR);
    long long wall = now_ns() - t0;
    alarm(0);
    if (r < 0) {
        perror("wait4");
        return 125;
    }
    /* A pipeline's stragglers (if any) go with the group. */
    kill(-pid, SIGKILL);

    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    long long user_us = (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
    long long sys_us = (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
    dprintf(result_fd, "wall_ns=%lld user_us=%lld sys_us=%lld maxrss_kb=%ld status=%d timeout=%d\n",
            wall, user_us, sys_us, ru.ru_maxrss, code, (int)g_timed_out);
    return 0;
}
