// Owns the helpers live tests share: running the real binary, and child processes that hold real
// loopback sockets in chosen TCP states.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tcpstat::testing {

struct RunResult {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
};

// Runs the tcpstat binary with args (no shell), bounded by a timeout; extra_env is "K=V" items.
// before_exec runs in the child just before exec (drop privileges, install a seccomp filter).
RunResult run_tcpstat(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {},
                      int timeout_seconds = 60, const std::function<void()>& before_exec = {});
// The same for another copy of the binary (a relocated install, a tree without its module).
RunResult run_binary(const std::string& binary, const std::vector<std::string>& args,
                     const std::vector<std::string>& extra_env = {}, int timeout_seconds = 60,
                     const std::function<void()>& before_exec = {});

// Socket helpers (abort the test process on failure: they run in children too).
int listen_tcp(bool v6, int backlog = 128);   // on 127.0.0.1 / ::1, kernel-chosen port
int listen_udp(bool v6);
std::uint16_t local_port(int fd);
std::uint64_t socket_inode(int fd);
int connect_tcp(bool v6, std::uint16_t port);
// Opens a connection to 127.0.0.1:port without waiting for the handshake (to a full accept
// queue a blocking connect() would retry its SYN for seconds); the socket is left open.
void connect_nonblocking(std::uint16_t port);
int accept_one(int listener);

// fork() for a child that dies with the test: killed when the parent exits, even if the parent
// was gone before the child could ask. Returns 0 in the child, its pid in the parent.
pid_t fork_bound_child();
// fork_bound_child() with the child's output for the parent to read on `out_fd`: its stdout on a
// pipe or, with `pty`, its stdin, stdout and stderr on a terminal of 40 rows and `cols` columns.
pid_t fork_bound_reader(bool pty, unsigned short cols, int& out_fd);

// A forked child that runs `body`, reports a line of text to the parent when ready (via
// report()), then holds its sockets until stopped. It dies with the test process (PDEATHSIG) and
// on its own after a bounded time, so nothing outlives a test.
class Child {
public:
    using Body = std::function<std::string()>;  // returns the ready line (e.g. ports)
    explicit Child(Body body, const std::string& name = "");
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& ready_line() const { return line_; }
    void stop();

private:
    pid_t pid_ = -1;
    std::string line_;
};

// A python3 script run as a real child process (fork + exec, so its comm is "python3" and its
// cmdline and exe are the interpreter's): `source` is written to `path`, run as
// `python3 path args...`, and its first stdout line is the ready line. Dies with the test
// process (PDEATHSIG) and is killed when this object goes.
class ScriptChild {
public:
    ScriptChild(const std::string& path, const std::string& source, const std::vector<std::string>& args = {});
    ~ScriptChild();
    ScriptChild(const ScriptChild&) = delete;
    ScriptChild& operator=(const ScriptChild&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& ready_line() const { return line_; }

private:
    pid_t pid_ = -1;
    std::string line_;
};

// A daemon (prometheus, node_exporter) run from PATH with args[0] as its name, stdio on
// /dev/null; it dies with the test process (PDEATHSIG) and is killed when this object goes.
class QuietProcess {
public:
    explicit QuietProcess(std::vector<std::string> args);
    ~QuietProcess();
    QuietProcess(const QuietProcess&) = delete;
    QuietProcess& operator=(const QuietProcess&) = delete;
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
};

// Splits text into lines (no trailing empty line).
std::vector<std::string> lines_of(const std::string& text);
// Splits one line on a delimiter.
std::vector<std::string> split(const std::string& line, char delim);
// Waits (bounded) until `pred` is true, polling every 20 ms; returns its final value.
bool eventually(const std::function<bool()>& pred, int timeout_ms = 5000);

}  // namespace tcpstat::testing
