// Owns what live tests need to build real `ip netns` namespaces: running ip, a namespace guard, entering one.
#pragma once

#include <string>
#include <vector>

namespace tcpstat::testing {

// Runs `ip` (no shell) with output discarded; returns its exit status, or -1.
int run_ip(const std::vector<std::string>& args);
bool have_ip();

// One `ip netns` namespace with lo up, deleted when the guard goes, even if the test failed.
// Named tcpstat-test-<pid>-<suffix>: leftovers of a crashed run are deleted by the next one.
class Netns {
public:
    explicit Netns(const std::string& suffix);
    ~Netns();
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;
    const std::string& name() const { return name_; }
    bool ok() const { return ok_; }

private:
    std::string name_;
    bool ok_ = false;
};

// In a child: moves it into the namespace before it opens any socket (exits 96 when it cannot).
void enter_netns(const std::string& name);

// In a child that entered a namespace: sets one of its sysctls, e.g.
// set_sysctl("net/ipv4/tcp_max_tw_buckets", "1200") (exits 94 when it cannot).
void set_sysctl(const std::string& path, const std::string& value);

}  // namespace tcpstat::testing
