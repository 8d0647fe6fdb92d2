// Owns the background runner of the tcpstat binary that live tests read while it runs and signal.
#include "live/running.hpp"

#include "live/support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace tcpstat::testing {

using Clock = std::chrono::steady_clock;

Running::Running(const std::vector<std::string>& args, bool pty, const std::string& err_path) {
    std::vector<std::string> store{TCPSTAT_BINARY};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork_bound_reader(pty, 120, fd_);
    if (pid_ == 0) {
        if (!err_path.empty()) {
            const int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (e < 0 || dup2(e, 2) < 0) _exit(126);
        }
        execv(argv[0], argv.data());
        _exit(127);
    }
}

Running::~Running() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
}

bool Running::read_until(const std::function<bool(const std::string&)>& pred, int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!pred(out_)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || fd_ < 0) return pred(out_);
        pollfd pf{fd_, POLLIN, 0};
        if (poll(&pf, 1, static_cast<int>(left)) <= 0) continue;
        char buf[8192];
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n <= 0) {  // EOF (or EIO on a pty whose child exited)
            close(fd_);
            fd_ = -1;
            continue;
        }
        out_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

int Running::wait_exit(int timeout_ms) {
    read_until([](const std::string&) { return false; }, 0);
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        // Keep draining so a full pipe cannot hold the child up.
        read_until([](const std::string&) { return false; }, 20);
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            read_until([](const std::string&) { return false; }, 200);
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
    }
    return -1;
}

void Running::signal(int sig) { kill(pid_, sig); }

}  // namespace tcpstat::testing
