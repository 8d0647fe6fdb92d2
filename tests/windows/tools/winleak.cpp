// Owns winleak.exe: a Windows process that leaks CLOSE_WAIT sockets, for tcpstat.exe's end-to-end test under Wine.
//
//   winleak.exe PORTFILE [N] [SECONDS]
//
// Listens on 127.0.0.1 (a free port), connects N clients (default 3) and accepts them, then
// closes the clients but never the accepted sockets: those stay in CLOSE_WAIT, owned by this
// process, as a server that forgets to close() leaves them. Also listens on [::1] (same port
// when free) and binds UDP on 127.0.0.1 and ::1, so a recorded table holds every kind of row.
// Writes the port to PORTFILE once the sockets are set up and exits after SECONDS (default 120).
#include "platform/windows/windows_headers.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: winleak.exe PORTFILE [N] [SECONDS]\n");
        return 2;
    }
    const int n = argc > 2 ? std::atoi(argv[2]) : 3;
    const int seconds = argc > 3 ? std::atoi(argv[3]) : 120;
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
    SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || listen(listener, 16) != 0) {
        std::fprintf(stderr, "winleak: bind/listen failed: %d\n", WSAGetLastError());
        return 1;
    }
    int len = sizeof at;
    getsockname(listener, reinterpret_cast<sockaddr*>(&at), &len);
    std::vector<SOCKET> leaked;
    for (int i = 0; i < n; ++i) {
        SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (connect(c, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
            std::fprintf(stderr, "winleak: connect failed: %d\n", WSAGetLastError());
            return 1;
        }
        leaked.push_back(accept(listener, nullptr, nullptr));
        closesocket(c);  // the peer's FIN: the accepted end goes to CLOSE_WAIT and stays there
    }
    // The other kinds of rows; best effort (a host without IPv6 just lacks them).
    SOCKET listener6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in6 at6{};
    at6.sin6_family = AF_INET6;
    at6.sin6_addr = in6addr_loopback;
    at6.sin6_port = at.sin_port;
    if (bind(listener6, reinterpret_cast<sockaddr*>(&at6), sizeof at6) == 0) listen(listener6, 4);
    SOCKET udp4 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    bind(udp4, reinterpret_cast<sockaddr*>(&at), sizeof at);
    SOCKET udp6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    bind(udp6, reinterpret_cast<sockaddr*>(&at6), sizeof at6);
    Sleep(300);  // FIN delivery is asynchronous
    if (FILE* f = std::fopen(argv[1], "w")) {
        std::fprintf(f, "%u\n", ntohs(at.sin_port));
        std::fclose(f);
    }
    Sleep(static_cast<DWORD>(seconds) * 1000);
    return 0;
}
