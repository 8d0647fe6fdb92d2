// Owns the socket populations live tests build in child processes.
#include "live/scenarios.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tcpstat::testing {

namespace {

// Kernel state numbers as /proc/net/tcp prints them.
constexpr int kSynRecv = 3, kFinWait2 = 5, kTimeWait = 6;

enum class Side { Local, Remote };

// Counts TCP sockets of one family whose remote (or local) port is `port` and whose state is
// `st`, read straight from /proc/net/tcp{,6}: independent of the code under test.
int count_in_state(bool v6, std::uint16_t port, int st, Side side = Side::Remote) {
    std::ifstream in(v6 ? "/proc/net/tcp6" : "/proc/net/tcp");
    std::string line;
    std::getline(in, line);  // header
    int n = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string slot, local, remote, state;
        f >> slot >> local >> remote >> state;
        const std::string& end = side == Side::Local ? local : remote;
        const auto colon = end.rfind(':');
        if (colon == std::string::npos || state.empty()) continue;
        if (std::stoi(end.substr(colon + 1), nullptr, 16) == port && std::stoi(state, nullptr, 16) == st) ++n;
    }
    return n;
}

// The closing handshake finishes in the kernel after close() returns (the peer may delay its
// ACK of a FIN by tens of milliseconds), so a scenario is ready only when the states are there.
void wait_for_states(bool v6, std::uint16_t port, int st, int n, Side side = Side::Remote) {
    for (int i = 0; i < 600 && count_in_state(v6, port, st, side) < n; ++i) usleep(5000);
}

}  // namespace

void wait_for_orphaned_clients(bool v6, std::uint16_t port, int n) { wait_for_states(v6, port, kFinWait2, n); }

void wait_for_time_wait(bool v6, std::uint16_t port, int n) { wait_for_states(v6, port, kTimeWait, n); }

LeakyServer::LeakyServer(bool v6, int n, const std::string& name) {
    child = std::make_unique<Child>(
        [v6, n] {
            int l = listen_tcp(v6);
            std::vector<int> clients;
            for (int i = 0; i < n; ++i) clients.push_back(connect_tcp(v6, local_port(l)));
            for (int i = 0; i < n; ++i) accept_one(l);  // accepted and never closed: the leak
            for (int c : clients) close(c);
            wait_for_orphaned_clients(v6, local_port(l), n);
            return std::to_string(local_port(l));
        },
        name);
    port = static_cast<std::uint16_t>(std::stoi(child->ready_line()));
}

GrowingLeak::GrowingLeak(int per_batch, int interval_ms, int batches, const std::string& name) {
    child = std::make_unique<Child>(
        [=] {
            const int l = listen_tcp(false, 4096);
            auto leak = [l, per_batch] {
                std::vector<int> clients;
                for (int i = 0; i < per_batch; ++i) clients.push_back(connect_tcp(false, local_port(l)));
                for (int i = 0; i < per_batch; ++i) accept_one(l);  // held: the leak
                for (int c : clients) close(c);
            };
            leak();
            wait_for_orphaned_clients(false, local_port(l), per_batch);
            // The child's main thread waits in pause() after the ready line; this one keeps leaking.
            std::thread([=] {
                auto next = std::chrono::steady_clock::now();
                for (int b = 1; b < batches; ++b) {
                    next += std::chrono::milliseconds(interval_ms);
                    std::this_thread::sleep_until(next);
                    leak();
                }
            }).detach();
            return std::to_string(local_port(l));
        },
        name);
    port = static_cast<std::uint16_t>(std::stoi(child->ready_line()));
}

HalfOpenHandshakes::HalfOpenHandshakes(bool v6, int n) {
    child = std::make_unique<Child>(
        [v6, n] {
            int l = listen_tcp(v6);
            const int defer_s = 60;  // far longer than any test: the requests never time out into accept()
            setsockopt(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_s, sizeof defer_s);
            std::vector<int> clients;
            for (int i = 0; i < n; ++i) clients.push_back(connect_tcp(v6, local_port(l)));
            // The request sockets are the server side: their local port is the listener's.
            wait_for_states(v6, local_port(l), kSynRecv, n, Side::Local);
            return std::to_string(local_port(l));
        },
        "half-open");
    port = static_cast<std::uint16_t>(std::stoi(child->ready_line()));
}

EstablishedPair::EstablishedPair(bool v6, const std::string& name) {
    child = std::make_unique<Child>(
        [v6] {
            int l = listen_tcp(v6);
            int c = connect_tcp(v6, local_port(l));
            accept_one(l);
            return std::to_string(local_port(l)) + " " + std::to_string(local_port(c));
        },
        name);
    auto parts = split(child->ready_line(), ' ');
    port = static_cast<std::uint16_t>(std::stoi(parts.at(0)));
    client_port = static_cast<std::uint16_t>(std::stoi(parts.at(1)));
}

std::uint16_t make_time_wait(bool v6) {
    int l = listen_tcp(v6);
    int c = connect_tcp(v6, local_port(l));
    int s = accept_one(l);
    std::uint16_t port = local_port(l);
    close(c);  // active close: the client end goes FIN_WAIT2 -> TIME_WAIT
    usleep(20000);
    close(s);
    close(l);
    wait_for_time_wait(v6, port, 1);
    return port;
}

std::string hold_loopback_pairs(int pairs) {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 4 * static_cast<rlim_t>(pairs));
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) return "no-fds";
    const int l = listen_tcp(false, 512);
    for (int i = 0; i < pairs; ++i)
        if (connect_tcp(false, local_port(l)) < 0 || accept_one(l) < 0) return "connect-failed";
    return std::to_string(local_port(l));
}

}  // namespace tcpstat::testing
