// Owns the live-test helpers: spawning the binary with captured output, loopback socket helpers,
// and bounded child processes holding sockets.
#include "live/support.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace tcpstat::testing {
namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "live test helper: %s: %s\n", what, std::strerror(errno));
    std::_Exit(99);
}

sockaddr_storage loopback(bool v6, std::uint16_t port, socklen_t& len) {
    sockaddr_storage ss{};
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons(port);
        len = sizeof(sockaddr_in6);
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons(port);
        len = sizeof(sockaddr_in);
    }
    return ss;
}

}  // namespace

RunResult run_tcpstat(const std::vector<std::string>& args, const std::vector<std::string>& extra_env,
                      int timeout_seconds, const std::function<void()>& before_exec) {
    return run_binary(TCPSTAT_BINARY, args, extra_env, timeout_seconds, before_exec);
}

RunResult run_binary(const std::string& binary, const std::vector<std::string>& args,
                     const std::vector<std::string>& extra_env, int timeout_seconds,
                     const std::function<void()>& before_exec) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) die("pipe");
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
    for (const auto& e : extra_env) env_store.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_store{binary};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_store) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        if (before_exec) before_exec();
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    RunResult r;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            r.err += "\n[run_tcpstat: timed out]";
            break;
        }
        int n = poll(fds, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // A sanitized binary (scripts/test-sanitize) reports on stderr; a test that only looks at the
    // exit code or stdout must still fail on it.
    for (const char* mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: "}) {
        if (r.err.find(mark) != std::string::npos) ADD_FAILURE() << "sanitizer report from tcpstat:\n" << r.err;
    }
    return r;
}

int listen_tcp(bool v6, int backlog) {
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = 0;
    auto ss = loopback(v6, 0, len);
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) die("bind");
    if (listen(fd, backlog) != 0) die("listen");
    return fd;
}

int listen_udp(bool v6) {
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    socklen_t len = 0;
    auto ss = loopback(v6, 0, len);
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) die("bind udp");
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) die("getsockname");
    if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

std::uint64_t socket_inode(int fd) {
    struct stat st{};
    if (fstat(fd, &st) != 0) die("fstat");
    return st.st_ino;
}

int connect_tcp(bool v6, std::uint16_t port) {
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    socklen_t len = 0;
    auto ss = loopback(v6, port, len);
    if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) die("connect");
    return fd;
}

void connect_nonblocking(std::uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    socklen_t len = 0;
    auto ss = loopback(false, port, len);
    (void)connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
}

int accept_one(int listener) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) die("accept");
    return fd;
}

namespace {

// The first line a child writes to `fd` (bounded: 30 s), without its newline; closes fd.
std::string read_ready_line(int fd) {
    char buf[4096];
    std::string got;
    pollfd pf{fd, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (got.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        if (poll(&pf, 1, 1000) <= 0) continue;
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    if (auto nl = got.find('\n'); nl != std::string::npos) got.resize(nl);
    return got;
}

}  // namespace

pid_t fork_bound_child() {
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(0);
    }
    return pid;
}

pid_t fork_bound_reader(bool pty, unsigned short cols, int& out_fd) {
    int read_end = -1, write_end = -1;
    if (pty) {
        winsize ws{};
        ws.ws_row = 40;
        ws.ws_col = cols;
        if (openpty(&read_end, &write_end, nullptr, nullptr, &ws) != 0) die("openpty");
    } else {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) die("pipe");
        read_end = p[0];
        write_end = p[1];
    }
    const pid_t pid = fork_bound_child();
    if (pid == 0) {
        close(read_end);
        if (pty ? login_tty(write_end) != 0 : dup2(write_end, 1) < 0) _exit(126);
        return 0;
    }
    close(write_end);
    out_fd = read_end;
    return pid;
}

Child::Child(Body body, const std::string& name) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe");
    pid_ = fork_bound_child();
    if (pid_ == 0) {
        close(p[0]);
        if (!name.empty()) prctl(PR_SET_NAME, name.c_str());
        alarm(300);  // bounded: never outlives a stuck test run
        std::string line = body() + "\n";
        if (write(p[1], line.data(), line.size()) < 0) _exit(98);
        close(p[1]);
        for (;;) pause();
    }
    close(p[1]);
    line_ = read_ready_line(p[0]);
}

void Child::stop() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

Child::~Child() { stop(); }

ScriptChild::ScriptChild(const std::string& path, const std::string& source, const std::vector<std::string>& args) {
    {
        FILE* f = std::fopen(path.c_str(), "w");
        if (f == nullptr) die("fopen script");
        std::fwrite(source.data(), 1, source.size(), f);
        std::fclose(f);
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe");
    pid_ = fork_bound_child();
    if (pid_ == 0) {
        alarm(300);
        dup2(p[1], 1);
        std::vector<std::string> argv_s = {"python3", path};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp("python3", argv.data());
        _exit(97);
    }
    close(p[1]);
    line_ = read_ready_line(p[0]);
}

ScriptChild::~ScriptChild() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

QuietProcess::QuietProcess(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork_bound_child();
    if (pid_ == 0) {
        const int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(argv[0], argv.data());
        _exit(127);
    }
}

QuietProcess::~QuietProcess() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        out.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

std::vector<std::string> split(const std::string& line, char delim) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        auto d = line.find(delim, pos);
        out.push_back(line.substr(pos, d == std::string::npos ? std::string::npos : d - pos));
        if (d == std::string::npos) break;
        pos = d + 1;
    }
    return out;
}

bool eventually(const std::function<bool()>& pred, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace tcpstat::testing
