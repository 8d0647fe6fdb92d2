// Tests the automatic fallback: with netlink refused by a seccomp filter (as in some containers),
// tcpstat reads /proc/net, warns once, and still reports the same sockets; --source netlink fails.
#include <gtest/gtest.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

// Makes socket(AF_NETLINK, ...) fail with EPERM, everything else allowed.
void refuse_netlink() {
    sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog fprog{static_cast<unsigned short>(sizeof prog / sizeof prog[0]), prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(97);
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) _exit(96);
}

}  // namespace

TEST(Fallback, AutoReadsProcWhenNetlinkIsRefused) {
#if !defined(__x86_64__)
    GTEST_SKIP() << "the seccomp filter in this test is written for x86_64";
#endif
    LeakyServer srv(false, 2, "leaky-fb");
    std::vector<std::string> a = {"-s", "close_wait", "--sport", std::to_string(srv.port), "-f", "tsv", "-H",
                                  "--fields", "state,lport,pid,process"};
    auto r = run_tcpstat(a, {}, 60, refuse_netlink);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto want = "CLOSE_WAIT\t" + std::to_string(srv.port) + "\t" + std::to_string(srv.child->pid()) + "\tleaky-fb\n";
    EXPECT_EQ(r.out, want + want);
    auto warn = lines_of(r.err);
    ASSERT_EQ(warn.size(), 1u) << r.err;
    EXPECT_NE(warn[0].find("netlink sock_diag is not available"), std::string::npos) << r.err;
    EXPECT_NE(warn[0].find("/proc/net"), std::string::npos) << r.err;

    // Without the filter: no warning, same rows (netlink is the default).
    auto plain = run_tcpstat(a);
    EXPECT_EQ(plain.out, r.out);
    EXPECT_EQ(plain.err, "");

    // Asking for netlink explicitly is an honest error, not a silent fallback.
    auto forced = run_tcpstat({"--source", "netlink", "--count"}, {}, 60, refuse_netlink);
    EXPECT_EQ(forced.exit_code, 2);
    EXPECT_NE(forced.err.find("netlink sock_diag is not available"), std::string::npos) << forced.err;
}
