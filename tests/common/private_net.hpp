// Owns moving a test process into a private network namespace with loopback up, so parallel tests never see each other's sockets.
#pragma once

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace tcpstat::testing {

// Moves the calling thread (and its later threads and children) into a new network namespace
// and brings its loopback up. False when the namespace cannot be made (no root) or lo stays down.
inline bool enter_new_network_namespace() {
    if (::unshare(CLONE_NEWNET) != 0) return false;
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    bool up = ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    up = up && ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    ::close(fd);
    return up;
}

// ctest runs every test case as its own process, in parallel. On the host namespace a test that
// filters by port can meet another test's socket that happens to reuse the number (a TIME_WAIT, a
// client of a server that just exited); alone in its namespace it sees exactly what it opened.
// Without root (or with TCPSTAT_TEST_HOST_NET=1) the tests stay on the host network, as before.
inline bool enter_private_network() {
    if (::geteuid() != 0 || std::getenv("TCPSTAT_TEST_HOST_NET") != nullptr) return false;
    return enter_new_network_namespace();
}

}  // namespace tcpstat::testing
