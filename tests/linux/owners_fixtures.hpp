// Owns what the owner-walk tests share: a child process holding known sockets and a recorded /proc tree.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
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

#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

inline std::uint64_t inode_of(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return 0;
    return static_cast<std::uint64_t>(st.st_ino);
}

inline int listen_loopback() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 8) != 0) return -1;
    return fd;
}

inline Socket with_inode(std::uint64_t inode) {
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

inline std::vector<Owner> sorted(std::vector<Owner> v) {
    std::sort(v.begin(), v.end(), [](const Owner& a, const Owner& b) {
        return a.pid != b.pid ? a.pid < b.pid : a.fd < b.fd;
    });
    return v;
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

}  // namespace tcpstat::procfs
