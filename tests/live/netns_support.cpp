// Owns the `ip netns` helpers of the live tests, and the clean-up of namespaces a killed run left behind.
#include "live/netns_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace tcpstat::testing {
namespace {

constexpr const char* kPrefix = "tcpstat-test-";

// Deletes namespaces this test binary left behind in an earlier run that crashed or was killed:
// `tcpstat-test-<pid>-...` whose pid is gone. Live namespaces of a concurrent run are kept.
void delete_leftovers() {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/run/netns"), closedir);
    if (!dir) return;
    std::vector<std::string> stale;
    while (const dirent* e = readdir(dir.get())) {
        const std::string name = e->d_name;
        if (name.rfind(kPrefix, 0) != 0) continue;
        const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + std::string(kPrefix).size()));
        if (owner > 0 && (kill(owner, 0) == 0 || errno == EPERM)) continue;
        stale.push_back(name);
    }
    for (const auto& name : stale) run_ip({"netns", "del", name});
}

class LeftoverNamespaces : public ::testing::Environment {
public:
    void SetUp() override {
        if (geteuid() == 0) delete_leftovers();
    }
    void TearDown() override {
        if (geteuid() == 0) delete_leftovers();
    }
};
[[maybe_unused]] const auto* const kLeftovers = ::testing::AddGlobalTestEnvironment(new LeftoverNamespaces);

}  // namespace

int run_ip(const std::vector<std::string>& args) {
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>("ip"));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp("ip", argv.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_ip() { return run_ip({"-V"}) == 0; }

Netns::Netns(const std::string& suffix) : name_(std::string(kPrefix) + std::to_string(getpid()) + "-" + suffix) {
    ok_ = run_ip({"netns", "add", name_}) == 0 && run_ip({"-n", name_, "link", "set", "lo", "up"}) == 0;
}

Netns::~Netns() { run_ip({"netns", "del", name_}); }

void enter_netns(const std::string& name) {
    const int fd = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(96);
    close(fd);
}

void set_sysctl(const std::string& path, const std::string& value) {
    std::ofstream out("/proc/sys/" + path);
    out << value << '\n';
    out.flush();
    if (!out) _exit(94);
}

}  // namespace tcpstat::testing
