// Owns what the Prometheus-facing live tests share: temp dirs, promtool, raw HTTP on loopback,
// and a `tcpstat serve` child that is stopped with SIGTERM on the way out.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tcpstat::testing {

bool have(const char* tool);

// A fresh directory under the temp dir, removed with everything in it.
struct TempDir {
    std::filesystem::path path;
    TempDir();
    ~TempDir();
    std::vector<std::string> entries() const;
};

std::string slurp(const std::filesystem::path& p);
void spit(const std::filesystem::path& p, const std::string& text);

// promtool's verdict on an exposition: nullopt when accepted, its complaint otherwise.
std::optional<std::string> promtool_rejects(const std::string& exposition, const TempDir& dir);

std::uint16_t free_loopback_port();

struct HttpReply {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
};
// Sends `request` as is to 127.0.0.1:port and reads until the response is complete (by its
// Content-Length), the server closes, or the timeout;
// nullopt when nothing (not even a status line) came back.
std::optional<HttpReply> http_exchange(std::uint16_t port, const std::string& request, int timeout_ms = 3000);
// A GET over HTTP/1.0; the body of a 200, else nullopt.
std::optional<std::string> http_get(std::uint16_t port, const std::string& path, int timeout_ms = 3000,
                                    const std::string& accept = "text/plain");

// `tcpstat serve --listen 127.0.0.1:0 ARGS...` (of `binary`, the built one unless said); the port
// is read from its "serving" line.
class ServeProcess {
public:
    explicit ServeProcess(const std::vector<std::string>& args, const std::string& binary = TCPSTAT_BINARY);
    ~ServeProcess();  // SIGTERM, then waits; exit_code() after stop()
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;
    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    int stop();  // SIGTERM; the exit code (128+N when killed by signal N)

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    int exit_ = -1;
};

// A value from /proc/PID/status ("VmRSS" in kB) and the number of open fds of PID.
long proc_status_kb(pid_t pid, const char* key);
std::size_t open_fds(pid_t pid);

}  // namespace tcpstat::testing
