// Owns the socket populations live tests build in child processes.
#include "live/scenarios.hpp"

#include <unistd.h>

#include <string>
#include <vector>

namespace tcpstat::testing {

LeakyServer::LeakyServer(bool v6, int n, const std::string& name) {
    child = std::make_unique<Child>(
        [v6, n] {
            int l = listen_tcp(v6);
            std::vector<int> clients;
            for (int i = 0; i < n; ++i) clients.push_back(connect_tcp(v6, local_port(l)));
            for (int i = 0; i < n; ++i) accept_one(l);  // accepted and never closed: the leak
            for (int c : clients) close(c);
            return std::to_string(local_port(l));
        },
        name);
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
    return port;
}

}  // namespace tcpstat::testing
