// Owns what the Prometheus-facing live tests share: temp dirs, promtool, raw HTTP on loopback,
// and a `tcpstat serve` child that is stopped with SIGTERM on the way out.
#include "live/http_support.hpp"

#include "live/support.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace tcpstat::testing {

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tcpstat-mon-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp failed";
    path = tmpl;
}
TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}
std::vector<std::string> TempDir::entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

std::optional<std::string> promtool_rejects(const std::string& exposition, const TempDir& dir) {
    const fs::path in = dir.path / "promtool-in.prom", out = dir.path / "promtool-out.txt";
    spit(in, exposition);
    std::string cmd = "promtool check metrics < '" + in.string() + "' > '" + out.string() + "' 2>&1";
    int status = std::system(cmd.c_str());
    std::string said = slurp(out);
    fs::remove(in);
    fs::remove(out);
    if (status == 0) return std::nullopt;
    return "promtool exit status " + std::to_string(status) + ": " + said;
}

std::uint16_t free_loopback_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0) ADD_FAILURE() << "bind";
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

// Whether the head and Content-Length bytes of body are in: a server may keep the connection
// open after answering (keep-alive), and the test must not wait for its timeout.
bool response_complete(const std::string& resp, bool head_only) {
    const auto end = resp.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    if (head_only) return true;
    const auto cl = resp.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) return false;
    return resp.size() - (end + 4) >= static_cast<std::size_t>(std::atol(resp.c_str() + cl + 16));
}

std::optional<HttpReply> http_exchange(std::uint16_t port, const std::string& request, int timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return std::nullopt;
    }
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        close(fd);
        return std::nullopt;
    }
    std::string resp;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[16384];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pf{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&pf, 1, static_cast<int>(left.count())) <= 0) break;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        resp.append(buf, static_cast<std::size_t>(n));
        if (response_complete(resp, request.rfind("HEAD ", 0) == 0)) break;
    }
    close(fd);
    if (resp.rfind("HTTP/1.", 0) != 0 || resp.size() < 12) return std::nullopt;
    HttpReply r;
    r.status = std::atoi(resp.substr(9, 3).c_str());
    const auto end = resp.find("\r\n\r\n");
    r.head = resp.substr(0, end);
    if (end != std::string::npos) r.body = resp.substr(end + 4);
    return r;
}

std::optional<std::string> http_get(std::uint16_t port, const std::string& path, int timeout_ms,
                                    const std::string& accept) {
    auto r = http_exchange(port, "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n",
                           timeout_ms);
    if (!r || r->status != 200) return std::nullopt;
    return r->body;
}

ServeProcess::ServeProcess(const std::vector<std::string>& args, const std::string& binary) {
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe";
    std::vector<std::string> store{binary, "serve", "--listen", "127.0.0.1:0"};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork_bound_child();
    if (pid_ == 0) {
        dup2(err_pipe[1], 2);
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(err_pipe[1]);
    // "tcpstat: serving http://127.0.0.1:PORT/metrics", within 5 s.
    std::string said;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (said.find("/metrics\n") == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pf{err_pipe[0], POLLIN, 0};
        if (left.count() <= 0 || poll(&pf, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[512];
        ssize_t n = read(err_pipe[0], buf, sizeof buf);
        if (n <= 0) break;
        said.append(buf, static_cast<std::size_t>(n));
    }
    close(err_pipe[0]);  // later warnings go nowhere (EPIPE is ignored by tcpstat)
    const auto at = said.find("127.0.0.1:");
    if (at != std::string::npos) port_ = static_cast<std::uint16_t>(std::atoi(said.c_str() + at + 10));
    if (port_ == 0) ADD_FAILURE() << "tcpstat serve did not say where it listens: " << said;
}

int ServeProcess::stop() {
    if (pid_ <= 0) return exit_;
    kill(pid_, SIGTERM);
    int status = 0;
    // Bounded: a server that ignores SIGTERM for 10 s is killed and the test sees 137.
    for (int i = 0; i < 500; ++i) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return exit_;
        }
        usleep(20000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_ = 137;
    return exit_;
}

ServeProcess::~ServeProcess() { stop(); }

long proc_status_kb(pid_t pid, const char* key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const std::string want = std::string(key) + ":";
    while (std::getline(in, line))
        if (line.rfind(want, 0) == 0) return std::atol(line.c_str() + want.size());
    return -1;
}

std::size_t open_fds(pid_t pid) {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        ++n;
    return n;
}

}  // namespace tcpstat::testing
