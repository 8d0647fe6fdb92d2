// Owns running the tcpstat binary in the background (stdout on a pipe or a pseudo-terminal), for
// tests that read it while it runs and signal it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace tcpstat::testing {

// Killed on the way out whatever happens. With `err_path`, its stderr goes to that file.
class Running {
public:
    Running(const std::vector<std::string>& args, bool pty, const std::string& err_path = "");
    ~Running();
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

    // Reads until pred(all output so far) holds or the time is up; returns pred's last value.
    bool read_until(const std::function<bool(const std::string&)>& pred, int timeout_ms);
    // Exit code (128+N for signal N), or -1 when it did not end in time.
    int wait_exit(int timeout_ms);
    void signal(int sig);
    const std::string& out() const { return out_; }

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string out_;
};

}  // namespace tcpstat::testing
