// Owns the tests of attach_owners (the walk after the dump) against real child processes and recorded /proc trees.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "owners.hpp"
#include "owners_fixtures.hpp"
#include "owners_walk.hpp"
#include "procfs_scan.hpp"
#include "users.hpp"

namespace tcpstat::procfs {
namespace {

TEST(OwnersWalk, FindsChildSocketsAndSharedOnes) {
    const int shared = listen_loopback();  // inherited by the child: two owners
    ASSERT_GE(shared, 0);
    OwnerChild child;  // inherits `shared` through fork
    ASSERT_TRUE(child.ok());
    const auto& cs = child.sockets();

    Snapshot snap;
    snap.sockets.push_back(with_inode(cs.listen_ino));
    snap.sockets.push_back(with_inode(cs.client_ino));
    snap.sockets.push_back(with_inode(cs.accepted_ino));
    snap.sockets.push_back(with_inode(inode_of(shared)));
    snap.sockets.push_back(Socket{});  // no inode (TIME_WAIT): never owned
    snap.sockets.push_back(with_inode(UINT64_MAX - 7));  // nobody has it

    OwnerRequest req;
    req.want_cmdline = true;
    attach_owners(snap, req, "/proc");
    EXPECT_TRUE(snap.owners_attached);
    EXPECT_TRUE(snap.warnings.empty()) << snap.warnings.front();

    EXPECT_EQ(snap.sockets[0].owners, (std::vector<Owner>{{child.pid(), cs.listen_fd}}));
    EXPECT_EQ(snap.sockets[1].owners, (std::vector<Owner>{{child.pid(), cs.client_fd}}));
    EXPECT_EQ(snap.sockets[2].owners, (std::vector<Owner>{{child.pid(), cs.accepted_fd}}));
    EXPECT_EQ(snap.sockets[3].owners, sorted({{::getpid(), shared}, {child.pid(), shared}}));
    EXPECT_TRUE(snap.sockets[4].owners.empty());
    EXPECT_TRUE(snap.sockets[5].owners.empty());

    const Process* p = snap.process(child.pid());
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->name, std::string("tcpstat-own\x1b"));  // the ESC byte survives, raw
    EXPECT_EQ(p->uid, static_cast<std::uint32_t>(::getuid()));
    UserNames names;
    EXPECT_EQ(p->user, names.name_of(::getuid()));
    ASSERT_TRUE(p->cmdline.has_value());
    // The forked child's command line is this test program's (linux_tests, or owners_walk_tests
    // in the ThreadSanitizer build).
    EXPECT_NE(p->cmdline->find(program_invocation_short_name), std::string::npos) << *p->cmdline;
    EXPECT_EQ(p->cmdline->find('\0'), std::string::npos);

    const Process* me = snap.process(::getpid());
    ASSERT_NE(me, nullptr);
    EXPECT_EQ(snap.processes.size(), 2u);  // only pids that own a matched socket
    ::close(shared);
}

TEST(OwnersWalk, OnlyPidsRestrictsTheWalk) {
    const int shared = listen_loopback();
    ASSERT_GE(shared, 0);
    OwnerChild child;  // inherits `shared` through fork
    ASSERT_TRUE(child.ok());

    Snapshot snap;
    snap.sockets.push_back(with_inode(inode_of(shared)));
    snap.sockets.push_back(with_inode(child.sockets().listen_ino));
    OwnerRequest req;
    req.only_pids = {child.pid(), child.pid(), 0x7ffffff0};  // duplicate and non-existent pids
    attach_owners(snap, req, "/proc");
    EXPECT_TRUE(snap.warnings.empty());
    EXPECT_EQ(snap.sockets[0].owners, (std::vector<Owner>{{child.pid(), shared}}));
    EXPECT_EQ(snap.sockets[1].owners, (std::vector<Owner>{{child.pid(), child.sockets().listen_fd}}));
    EXPECT_EQ(snap.process(::getpid()), nullptr);
    ASSERT_NE(snap.process(child.pid()), nullptr);
    EXPECT_FALSE(snap.process(child.pid())->cmdline.has_value());  // not asked for

    req.only_pids = {::getpid()};
    attach_owners(snap, req, "/proc");  // a second run replaces, not appends
    EXPECT_EQ(snap.sockets[0].owners, (std::vector<Owner>{{::getpid(), shared}}));
    EXPECT_TRUE(snap.sockets[1].owners.empty());
    EXPECT_EQ(snap.process(child.pid()), nullptr);
    EXPECT_NE(snap.process(::getpid()), nullptr);
    ::close(shared);
}

TEST(OwnersWalk, UnreadableProcessesAreCountedOnce) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another uid";
    const int shared = listen_loopback();
    ASSERT_GE(shared, 0);
    const std::uint64_t ino = inode_of(shared);
    const pid_t pid = ::fork();
    if (pid == 0) {
        // As nobody, root's fd directories (the parent's, pid 1's) cannot be opened.
        ::close(shared);
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
        Snapshot snap;
        snap.sockets.push_back(with_inode(ino));
        attach_owners(snap, OwnerRequest{}, "/proc");
        if (!snap.sockets[0].owners.empty()) ::_exit(11);
        if (snap.warnings.size() != 1) ::_exit(12);
        const std::string& w = snap.warnings[0];
        if (w.rfind("owners of some sockets are hidden: ", 0) != 0) ::_exit(13);
        if (w.find("could not be read (run as root to see all)") == std::string::npos) ::_exit(14);
        ::_exit(0);
    }
    ASSERT_GT(pid, 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    ::close(shared);
}

TEST_F(RecordedRoot, SymlinkTreeWorks) {
    link("100/fd/3", "socket:[5001]");
    link("100/fd/4", "/dev/null");
    link("100/fd/7", "socket:[5002]");
    link("100/fd/8", "socket:[5002");  // not a socket link
    link("100/fd/9", "pipe:[5002]");
    write("100/comm", "evil\x1b[31m\n");
    write("100/cmdline", std::string("nginx: worker\0--flag\0x\0\0", 24));
    link("200/fd/5", "socket:[5001]");
    write("200/comm", "two\nlines\n");  // only the final newline is the kernel's
    write("300/comm", "no fd dir: vanished\n");
    link("400/fd/1", "socket:[5003]");  // no comm: name stays empty, owner still counts
    link("self/fd/6", "socket:[5001]");  // not a pid
    write("net/tcp", "");

    Snapshot snap;
    snap.sockets.push_back(with_inode(5001));
    snap.sockets.push_back(with_inode(5002));
    snap.sockets.push_back(with_inode(5003));
    snap.sockets.push_back(with_inode(5004));
    OwnerRequest req;
    req.want_cmdline = true;
    attach_owners(snap, req, root_);

    EXPECT_TRUE(snap.owners_attached);
    EXPECT_TRUE(snap.warnings.empty());
    EXPECT_EQ(snap.sockets[0].owners, (std::vector<Owner>{{100, 3}, {200, 5}}));
    EXPECT_EQ(snap.sockets[1].owners, (std::vector<Owner>{{100, 7}}));
    EXPECT_EQ(snap.sockets[2].owners, (std::vector<Owner>{{400, 1}}));
    EXPECT_TRUE(snap.sockets[3].owners.empty());

    ASSERT_EQ(snap.processes.size(), 3u);
    EXPECT_EQ(snap.process(100)->name, "evil\x1b[31m");
    EXPECT_EQ(snap.process(100)->cmdline, "nginx: worker --flag x");
    EXPECT_EQ(snap.process(100)->uid, static_cast<std::uint32_t>(::getuid()));
    EXPECT_EQ(snap.process(200)->name, "two\nlines");
    EXPECT_FALSE(snap.process(200)->cmdline.has_value());  // no cmdline file
    EXPECT_EQ(snap.process(400)->name, "");
    EXPECT_EQ(snap.process(300), nullptr);
}

TEST_F(RecordedRoot, ManyPidsAcrossThreads) {
    Snapshot snap = many_pids(false);
    attach_owners(snap, OwnerRequest{}, root_);

    for (int pid = kPids; pid >= 1; --pid) {
        const Socket& s = snap.sockets[static_cast<std::size_t>(kPids - pid)];
        if (pid % 3 == 0)
            EXPECT_EQ(s.owners, (std::vector<Owner>{{pid, 4}})) << pid;
        else
            EXPECT_TRUE(s.owners.empty()) << pid;
    }
    const auto& shared = snap.sockets.back().owners;
    ASSERT_EQ(shared.size(), static_cast<std::size_t>(kPids / 3));
    for (std::size_t i = 0; i < shared.size(); ++i)
        EXPECT_EQ(shared[i], (Owner{static_cast<Pid>(3 * (i + 1)), 5}));
    EXPECT_EQ(snap.processes.size(), static_cast<std::size_t>(kPids / 3));
    EXPECT_EQ(snap.process(102)->name, "p102");
}

TEST(OwnersWalk, NoInodesSkipsTheWalk) {
    Snapshot snap;
    snap.sockets.push_back(Socket{});
    // The root does not exist: a walk would have warned.
    attach_owners(snap, OwnerRequest{}, "/nonexistent/tcpstat-proc");
    EXPECT_TRUE(snap.owners_attached);
    EXPECT_TRUE(snap.warnings.empty());
}

TEST(OwnersWalk, MissingRootIsAWarning) {
    Snapshot snap;
    snap.sockets.push_back(with_inode(1));
    attach_owners(snap, OwnerRequest{}, "/nonexistent/tcpstat-proc");
    EXPECT_FALSE(snap.owners_attached);
    ASSERT_EQ(snap.warnings.size(), 1u);
    EXPECT_EQ(snap.warnings[0],
              "cannot read /nonexistent/tcpstat-proc: No such file or directory; socket owners are not shown");
}

TEST(OwnersWalk, SocketLinkParsing) {
    std::uint64_t ino = 0;
    EXPECT_TRUE(parse_socket_link("socket:[1]", ino));
    EXPECT_EQ(ino, 1u);
    EXPECT_TRUE(parse_socket_link("socket:[18446744073709551615]", ino));
    EXPECT_EQ(ino, UINT64_MAX);
    EXPECT_FALSE(parse_socket_link("socket:[18446744073709551616]", ino));
    EXPECT_FALSE(parse_socket_link("socket:[]", ino));
    EXPECT_FALSE(parse_socket_link("socket:[12", ino));
    EXPECT_FALSE(parse_socket_link("socket:[1a]", ino));
    EXPECT_FALSE(parse_socket_link("anon_inode:[eventpoll]", ino));
    EXPECT_FALSE(parse_socket_link("", ino));
}

}  // namespace
}  // namespace tcpstat::procfs
