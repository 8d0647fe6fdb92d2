// Owns SetTcpEntry(DELETE_TCB): the row Windows wants for one IPv4 connection, and what its answers mean.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <cstring>
#include <string>

#include "close_tcp.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::win {

namespace {

// Addresses as the MIB rows carry them: network byte order in a DWORD, the port in the low 16 bits.
MIB_TCPROW delete_row(const Socket& s) {
    MIB_TCPROW row{};
    row.dwState = MIB_TCP_STATE_DELETE_TCB;
    std::memcpy(&row.dwLocalAddr, s.local.addr.bytes.data(), 4);
    std::memcpy(&row.dwRemoteAddr, s.remote.addr.bytes.data(), 4);
    row.dwLocalPort = htons(s.local.port);
    row.dwRemotePort = htons(s.remote.port);
    return row;
}

}  // namespace

std::vector<CloseResult> close_sockets(std::span<const Socket> sockets) {
    std::vector<CloseResult> out;
    out.reserve(sockets.size());
    bool closed_any = false;
    for (const Socket& s : sockets) {
        if (s.protocol != Protocol::Tcp) {
            out.push_back({CloseOutcome::Unsupported, "UDP sockets cannot be closed on Windows"});
            continue;
        }
        if (s.family != Family::Inet) {
            out.push_back({CloseOutcome::Unsupported,
                           "cannot be closed on Windows: SetTcpEntry resets IPv4 connections only"});
            continue;
        }
        MIB_TCPROW row = delete_row(s);
        const DWORD rc = SetTcpEntry(&row);
        if (rc == ERROR_ACCESS_DENIED && !closed_any)
            throw RuntimeError("closing connections needs Administrator: SetTcpEntry was denied (error 5)");
        if (rc == NO_ERROR) {
            closed_any = true;
            out.push_back({CloseOutcome::Closed, {}});
        } else if (rc == ERROR_NOT_FOUND) {
            out.push_back({CloseOutcome::Gone, {}});
        } else {
            out.push_back({CloseOutcome::Refused, "SetTcpEntry failed with error " + std::to_string(rc)});
        }
    }
    return out;
}

}  // namespace tcpstat::win
