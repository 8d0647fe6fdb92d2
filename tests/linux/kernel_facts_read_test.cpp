// Tests the kernel facts reader: recorded sysctl/counter files, malformed files and missing trees
// leave facts empty (never an error), and the pure netstat/sockstat/sysctl parsers.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "kernel_facts_read.hpp"

namespace tcpstat::procfs {
namespace {

const std::string kRoot = std::string(TCPSTAT_FIXTURES_DIR) + "/proc-kernel";

TEST(KernelFacts, ReadsEveryFactFromARecordedTree) {
    const KernelFacts f = read_kernel_facts(kRoot + "/full/");
    EXPECT_EQ(f.ephemeral_low, 32768);
    EXPECT_EQ(f.ephemeral_high, 60999);
    EXPECT_EQ(f.ephemeral_count(), 28232u);
    EXPECT_EQ(f.fin_timeout_s, 60u);
    EXPECT_EQ(f.max_orphans, 131072u);
    EXPECT_EQ(f.syncookies, 1u);
    EXPECT_EQ(f.max_tw_buckets, 262144u);
    EXPECT_EQ(f.max_syn_backlog, 2048u);
    EXPECT_EQ(f.somaxconn, 4096u);
    EXPECT_EQ(f.listen_overflows, 1234u);
    EXPECT_EQ(f.listen_drops, 1240u);
    EXPECT_EQ(f.orphans, 17u);
}

TEST(KernelFacts, MalformedFilesLeaveFactsEmpty) {
    const KernelFacts f = read_kernel_facts(kRoot + "/broken");
    EXPECT_FALSE(f.ephemeral_low);   // 61000 32768: reversed
    EXPECT_FALSE(f.ephemeral_count());
    EXPECT_FALSE(f.fin_timeout_s);   // a word
    EXPECT_FALSE(f.max_orphans);     // two numbers
    EXPECT_FALSE(f.syncookies);      // does not fit 32 bits
    EXPECT_FALSE(f.max_tw_buckets);  // empty
    EXPECT_FALSE(f.max_syn_backlog); // missing
    EXPECT_FALSE(f.somaxconn);       // missing
    EXPECT_FALSE(f.listen_overflows) << "a value line shorter than its names is not trusted";
    EXPECT_FALSE(f.listen_drops);
    EXPECT_FALSE(f.orphans);
}

TEST(KernelFacts, MissingTreeIsAllEmpty) {
    const KernelFacts f = read_kernel_facts(kRoot + "/does-not-exist");
    EXPECT_FALSE(f.ephemeral_low || f.fin_timeout_s || f.max_orphans || f.syncookies || f.max_tw_buckets ||
                 f.max_syn_backlog || f.somaxconn || f.listen_overflows || f.listen_drops || f.orphans);
}

TEST(KernelFacts, LiveProcHasTheBasics) {
    // Every Linux with IPv4 has these; the counters and sysctls may be hidden in odd containers.
    const KernelFacts f = read_kernel_facts("/proc");
    ASSERT_TRUE(f.ephemeral_count());
    EXPECT_GT(*f.ephemeral_count(), 0u);
    EXPECT_TRUE(f.listen_overflows.has_value());
}

TEST(KernelFacts, AThreadInAnotherNamespaceReadsThatNamespacesFacts) {
    // What --netns doctor relies on: after setns/unshare in a helper thread, /proc/sys/net and
    // /proc/thread-self/net show the thread's namespace while the process keeps its own.
    if (geteuid() != 0) GTEST_SKIP() << "a new network namespace needs root";
    const KernelFacts before = read_kernel_facts_of_this_thread();
    ASSERT_TRUE(before.max_tw_buckets);
    const std::uint64_t mine = *before.max_tw_buckets;
    const std::uint64_t theirs = mine == 1234 ? 1235 : 1234;
    KernelFacts inside;
    bool entered = false;
    std::thread helper([&] {
        if (unshare(CLONE_NEWNET) != 0) return;
        entered = true;
        std::ofstream("/proc/sys/net/ipv4/tcp_max_tw_buckets") << theirs << '\n';
        std::ofstream("/proc/sys/net/ipv4/ip_local_port_range") << "40000 40999\n";
        inside = read_kernel_facts_of_this_thread();
    });
    helper.join();
    ASSERT_TRUE(entered) << "unshare(CLONE_NEWNET) failed";
    EXPECT_EQ(inside.max_tw_buckets, theirs);
    EXPECT_EQ(inside.ephemeral_low, 40000);
    EXPECT_EQ(inside.ephemeral_high, 40999);
    EXPECT_TRUE(inside.listen_overflows.has_value()) << "the namespace's own /proc/net/netstat";
    EXPECT_EQ(read_kernel_facts_of_this_thread().max_tw_buckets, mine) << "this thread's namespace is untouched";
}

TEST(NetstatCounter, FindsByPrefixAndName) {
    const std::string text =
        "TcpExt: SyncookiesSent ListenOverflows ListenDrops\n"
        "TcpExt: 1 22 333\n"
        "IpExt: InNoRoutes ListenDrops\n"
        "IpExt: 7 8\n";
    EXPECT_EQ(netstat_counter(text, "TcpExt", "ListenOverflows"), 22u);
    EXPECT_EQ(netstat_counter(text, "TcpExt", "ListenDrops"), 333u);
    EXPECT_EQ(netstat_counter(text, "IpExt", "ListenDrops"), 8u);
    EXPECT_FALSE(netstat_counter(text, "TcpExt", "Nope"));
    EXPECT_FALSE(netstat_counter(text, "Tcp", "ListenDrops")) << "prefix must match the whole label";
    EXPECT_FALSE(netstat_counter("TcpExt: ListenDrops\n", "TcpExt", "ListenDrops")) << "no value line";
    EXPECT_FALSE(netstat_counter("TcpExt: ListenDrops\nTcpExt: x\n", "TcpExt", "ListenDrops"));
    EXPECT_FALSE(netstat_counter("TcpExt: ListenDrops\nIpExt: 5\n", "TcpExt", "ListenDrops"));
    EXPECT_FALSE(netstat_counter("", "TcpExt", "ListenDrops"));
}

TEST(Sockstat, OrphanCount) {
    EXPECT_EQ(sockstat_value("sockets: used 3\nTCP: inuse 5 orphan 2 tw 0 alloc 9 mem 1\n", "TCP", "orphan"), 2u);
    EXPECT_FALSE(sockstat_value("TCP: inuse 5 tw 0\n", "TCP", "orphan"));
    EXPECT_FALSE(sockstat_value("TCP: orphan -1\n", "TCP", "orphan"));
    EXPECT_FALSE(sockstat_value("", "TCP", "orphan"));
}

TEST(Sysctl, NumbersAndPortRanges) {
    EXPECT_EQ(parse_sysctl_number("60\n"), 60u);
    EXPECT_EQ(parse_sysctl_number("  7 "), 7u);
    EXPECT_FALSE(parse_sysctl_number(""));
    EXPECT_FALSE(parse_sysctl_number("-1"));
    EXPECT_FALSE(parse_sysctl_number("1 2"));
    auto r = parse_port_range_sysctl("1024\t65535\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first, 1024);
    EXPECT_EQ(r->second, 65535);
    EXPECT_FALSE(parse_port_range_sysctl("1024 65536"));
    EXPECT_FALSE(parse_port_range_sysctl("2000 1000"));
    EXPECT_FALSE(parse_port_range_sysctl("1000"));
    EXPECT_TRUE(parse_port_range_sysctl("5000 5000"));
}

}  // namespace
}  // namespace tcpstat::procfs
