// Owns the timing note for attach_owners on a process holding ~20k sockets (printed, not asserted).
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "owners.hpp"
#include "procfs.hpp"

namespace tcpstat::procfs {
namespace {

TEST(OwnersBench, TwentyThousandSocketsInOneProcess) {
    // 20k sockets, or as close as the hard fd limit allows (it cannot be raised in a container
    // without CAP_SYS_RESOURCE).
    rlimit lim{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
    const rlimit saved = lim;
    lim.rlim_cur = std::max<rlim_t>(lim.rlim_max, 20100);
    lim.rlim_max = lim.rlim_cur;
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
        lim = saved;
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    ::getrlimit(RLIMIT_NOFILE, &lim);
    const std::size_t kSockets = std::min<std::size_t>(20000, lim.rlim_cur - 100);
    if (lim.rlim_cur < 10100) GTEST_SKIP() << "RLIMIT_NOFILE too low for a meaningful run";

    std::vector<int> fds;
    Snapshot snap;
    fds.reserve(kSockets);
    snap.sockets.reserve(kSockets);
    for (std::size_t i = 0; i < kSockets; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0);
        struct stat st {};
        ASSERT_EQ(::fstat(fd, &st), 0);
        fds.push_back(fd);
        Socket s;
        s.inode = st.st_ino;
        snap.sockets.push_back(s);
    }

    // The whole /proc, as the default listing does.
    const auto t0 = std::chrono::steady_clock::now();
    attach_owners(snap, OwnerRequest{}, "/proc");
    const auto t1 = std::chrono::steady_clock::now();
    OwnerRequest only_me;
    only_me.only_pids = {::getpid()};
    Snapshot again = snap;
    attach_owners(again, only_me, "/proc");
    const auto t2 = std::chrono::steady_clock::now();

    for (std::size_t i = 0; i < kSockets; ++i) {
        ASSERT_EQ(snap.sockets[i].owners, (std::vector<Owner>{{::getpid(), fds[i]}})) << i;
        ASSERT_EQ(again.sockets[i].owners, snap.sockets[i].owners) << i;
    }
    using ms = std::chrono::duration<double, std::milli>;
    std::printf("[ bench    ] attach_owners, %zu sockets in one process: all pids %.1f ms, --pid %.1f ms\n",
                kSockets, ms(t1 - t0).count(), ms(t2 - t1).count());

    for (int fd : fds) ::close(fd);
    ::setrlimit(RLIMIT_NOFILE, &saved);
}

}  // namespace
}  // namespace tcpstat::procfs
