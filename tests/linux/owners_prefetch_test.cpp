// Owns the tests of OwnerPrefetch, the owner walk started before the tables are read: parity with the walk after them.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "owners.hpp"
#include "owners_fixtures.hpp"

namespace tcpstat::procfs {
namespace {

// The walk started before the tables are read must give exactly what the walk after them gives.
TEST_F(RecordedRoot, PrefetchGivesTheSameOwnersAndProcesses) {
    Snapshot snap = many_pids(true);
    snap.sockets.push_back(Socket{});
    Snapshot early = snap;

    OwnerRequest req;
    req.want_cmdline = true;
    OwnerPrefetch prefetch(req, root_);
    EXPECT_TRUE(prefetch.serves(req));
    OwnerRequest other = req;
    other.only_pids = {3};
    EXPECT_FALSE(prefetch.serves(other));
    prefetch.attach(early, req);
    attach_owners(snap, req, root_);

    ASSERT_EQ(early.sockets.size(), snap.sockets.size());
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) EXPECT_EQ(early.sockets[i].owners, snap.sockets[i].owners) << i;
    EXPECT_EQ(early.sockets[kPids].owners.size(), static_cast<std::size_t>(kPids / 3));
    // Processes whose only sockets are in no snapshot (fd 7 of the others) are left out.
    EXPECT_EQ(early.processes.size(), static_cast<std::size_t>(kPids / 3));
    for (const auto& [pid, proc] : snap.processes) {
        const Process* p = early.process(pid);
        ASSERT_NE(p, nullptr) << pid;
        EXPECT_EQ(p->name, proc.name);
    }
    EXPECT_EQ(early.process(1), nullptr);
    EXPECT_TRUE(early.owners_attached);
    EXPECT_EQ(early.warnings, snap.warnings);
}

TEST(OwnerPrefetch, RealChildOwnersAndOnlyTheirProcesses) {
    // The /proc walk's timing (the kernel's list is read later, on the prefetch thread).
    ::setenv("TCPSTAT_OWNER_MAP", "walk", 1);
    const int shared = listen_loopback();
    ASSERT_GE(shared, 0);
    OwnerPrefetch prefetch(OwnerRequest{}, "/proc");  // before the child exists: it is missed
    OwnerChild child;
    ASSERT_TRUE(child.ok());
    Snapshot snap;
    snap.sockets.push_back(with_inode(inode_of(shared)));
    snap.sockets.push_back(with_inode(child.sockets().listen_ino));
    prefetch.attach(snap, OwnerRequest{});
    EXPECT_TRUE(snap.warnings.empty());
    // This process was walked: it owns `shared`. The child appeared after the pid list was read,
    // exactly as a process started after the dump is missed by the walk that follows it.
    EXPECT_EQ(snap.sockets[0].owners, (std::vector<Owner>{{::getpid(), shared}}));
    EXPECT_TRUE(snap.sockets[1].owners.empty());
    ASSERT_EQ(snap.processes.size(), 1u);
    EXPECT_NE(snap.process(::getpid()), nullptr);
    ::close(shared);
    ::unsetenv("TCPSTAT_OWNER_MAP");
}

// This process's threads, from the kernel's own list of them.
std::size_t thread_count() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) n += e.is_directory();
    return n;
}

// A prefetch dropped unused (a run that failed before attaching) stops its walk and joins its
// threads: none is left behind, however many come and go.
TEST(OwnerPrefetch, DroppedWithoutAttachStopsAndJoins) {
    const std::size_t before = thread_count();
    for (int i = 0; i < 20; ++i) OwnerPrefetch prefetch(OwnerRequest{}, "/proc");
    EXPECT_EQ(thread_count(), before) << "every prefetch thread was joined";
}

TEST(OwnerPrefetch, MissingRootIsTheSameWarning) {
    OwnerPrefetch prefetch(OwnerRequest{}, "/nonexistent/tcpstat-proc");
    Snapshot snap;
    snap.sockets.push_back(with_inode(1));
    prefetch.attach(snap, OwnerRequest{});
    EXPECT_FALSE(snap.owners_attached);
    ASSERT_EQ(snap.warnings.size(), 1u);
    EXPECT_EQ(snap.warnings[0],
              "cannot read /nonexistent/tcpstat-proc: No such file or directory; socket owners are not shown");
}

}  // namespace
}  // namespace tcpstat::procfs
