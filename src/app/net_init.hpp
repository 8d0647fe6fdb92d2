// Owns the one-time start of the OS socket library that name lookups need (Winsock; nothing elsewhere).
#pragma once

#ifdef _WIN32
#include <winsock2.h>
#endif

namespace tcpstat::app {

inline void ensure_sockets() {
#ifdef _WIN32
    static const bool started = [] {
        WSADATA data;
        return WSAStartup(MAKEWORD(2, 2), &data) == 0;
    }();
    (void)started;
#endif
}

}  // namespace tcpstat::app
