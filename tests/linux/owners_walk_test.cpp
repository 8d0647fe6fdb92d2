// Owns the tests of attach_owners against real child processes and against recorded /proc trees.
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
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "owners.hpp"
#include "owners_walk.hpp"
#include "procfs_scan.hpp"
#include "users.hpp"

namespace tcpstat::procfs {
namespace {

std::uint64_t inode_of(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return 0;
    return static_cast<std::uint64_t>(st.st_ino);
}

int listen_loopback() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 8) != 0) return -1;
    return fd;
}

Socket with_inode(std::uint64_t inode) {
    Socket s;
    s.inode = inode;
    return s;
}

// What the child reports back through the pipe.
struct ChildSockets {
    int listen_fd, client_fd, accepted_fd;
    std::uint64_t listen_ino, client_ino, accepted_ino;
};

// A forked child that names itself "tcpstat-own\x1b", opens a listener and a loopback TCP
// connection, reports them, and lives until the test closes its control pipe.
class OwnerChild {
public:
    OwnerChild() {
        int report[2], control[2];
        if (::pipe(report) != 0 || ::pipe(control) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(report[0]);
            ::close(control[1]);
            ::prctl(PR_SET_NAME, "tcpstat-own\x1b", 0, 0, 0);
            ChildSockets cs{};
            cs.listen_fd = listen_loopback();
            sockaddr_in a{};
            socklen_t len = sizeof a;
            ::getsockname(cs.listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
            cs.client_fd = ::socket(AF_INET, SOCK_STREAM, 0);
            ::connect(cs.client_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            cs.accepted_fd = ::accept(cs.listen_fd, nullptr, nullptr);
            cs.listen_ino = inode_of(cs.listen_fd);
            cs.client_ino = inode_of(cs.client_fd);
            cs.accepted_ino = inode_of(cs.accepted_fd);
            if (::write(report[1], &cs, sizeof cs) != sizeof cs) ::_exit(1);
            char c;
            while (::read(control[0], &c, 1) > 0) {
            }
            ::_exit(0);
        }
        ::close(report[1]);
        ::close(control[0]);
        control_ = control[1];
        ok_ = ::read(report[0], &sockets_, sizeof sockets_) == sizeof sockets_ && sockets_.accepted_fd >= 0 &&
              sockets_.listen_ino != 0 && sockets_.client_ino != 0 && sockets_.accepted_ino != 0;
        ::close(report[0]);
    }
    ~OwnerChild() {
        if (control_ >= 0) ::close(control_);
        if (pid_ > 0) {
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    bool ok() const { return ok_; }
    Pid pid() const { return pid_; }
    const ChildSockets& sockets() const { return sockets_; }

private:
    Pid pid_ = -1;
    int control_ = -1;
    bool ok_ = false;
    ChildSockets sockets_{};
};

std::vector<Owner> sorted(std::vector<Owner> v) {
    std::sort(v.begin(), v.end(), [](const Owner& a, const Owner& b) {
        return a.pid != b.pid ? a.pid < b.pid : a.fd < b.fd;
    });
    return v;
}

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
    EXPECT_NE(p->cmdline->find("linux_tests"), std::string::npos) << *p->cmdline;
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

class RecordedRoot : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/tcpstat-owners-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(root_); }

    void write(const std::string& rel, const std::string& content) {
        std::filesystem::create_directories(std::filesystem::path(root_ + "/" + rel).parent_path());
        std::ofstream(root_ + "/" + rel, std::ios::binary) << content;
    }
    void link(const std::string& rel, const std::string& target) {
        std::filesystem::create_directories(std::filesystem::path(root_ + "/" + rel).parent_path());
        ASSERT_EQ(::symlink(target.c_str(), (root_ + "/" + rel).c_str()), 0);
    }

    // kPids processes named "p<pid>"; every third owns socket 9000 + pid on fd 4 and the shared
    // socket 42 on fd 5. With `unmatched`, each also holds socket 70000 + pid on fd 7, which no
    // snapshot lists. Returns the snapshot of sockets 9000 + kPids .. 9001, then 42.
    Snapshot many_pids(bool unmatched) {
        Snapshot snap;
        for (int pid = 1; pid <= kPids; ++pid) {
            const std::string p = std::to_string(pid);
            write(p + "/comm", "p" + p + "\n");
            link(p + "/fd/0", "/dev/null");
            if (unmatched) link(p + "/fd/7", "socket:[" + std::to_string(70000 + pid) + "]");
            if (pid % 3 == 0) {
                link(p + "/fd/4", "socket:[" + std::to_string(9000 + pid) + "]");
                link(p + "/fd/5", "socket:[42]");
            }
        }
        for (int pid = kPids; pid >= 1; --pid) snap.sockets.push_back(with_inode(9000 + pid));
        snap.sockets.push_back(with_inode(42));
        return snap;
    }

    static constexpr int kPids = 150;  // enough pids to start the helper threads
    std::string root_;
};

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
}

TEST(OwnerPrefetch, DroppedWithoutAttachStopsAndJoins) {
    for (int i = 0; i < 20; ++i) OwnerPrefetch prefetch(OwnerRequest{}, "/proc");
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
