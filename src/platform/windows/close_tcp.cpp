// Owns SetTcpEntry(DELETE_TCB): the row Windows wants for one IPv4 connection, and what its answers mean.
#include "windows_headers.hpp"

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

// The IPv4 rows still in the table after the resets, as MIB rows; empty when the table cannot
// be read (then nothing is second-guessed).
std::vector<MIB_TCPROW> current_rows() {
    std::vector<unsigned char> buf;
    ULONG size = 0;
    for (int attempt = 0; attempt < 4; ++attempt) {
        const DWORD rc = GetTcpTable(buf.empty() ? nullptr : reinterpret_cast<PMIB_TCPTABLE>(buf.data()), &size, FALSE);
        if (rc == NO_ERROR && !buf.empty()) {
            const auto* table = reinterpret_cast<const MIB_TCPTABLE*>(buf.data());
            return std::vector<MIB_TCPROW>(table->table, table->table + table->dwNumEntries);
        }
        if (rc != ERROR_INSUFFICIENT_BUFFER && !(rc == NO_ERROR && buf.empty())) return {};
        buf.assign(size + 4096, 0);
        size = static_cast<ULONG>(buf.size());
    }
    return {};
}

bool still_open(const std::vector<MIB_TCPROW>& rows, const MIB_TCPROW& want) {
    for (const MIB_TCPROW& r : rows)
        if (r.dwLocalAddr == want.dwLocalAddr && r.dwRemoteAddr == want.dwRemoteAddr &&
            (r.dwLocalPort & 0xFFFF) == (want.dwLocalPort & 0xFFFF) &&
            (r.dwRemotePort & 0xFFFF) == (want.dwRemotePort & 0xFFFF) && r.dwState == MIB_TCP_STATE_ESTAB)
            return true;
    return false;
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
    // Windows resets the connection before SetTcpEntry returns; an implementation that answers
    // NO_ERROR and leaves it open (Wine's) must not be reported as having closed it.
    if (closed_any) {
        const std::vector<MIB_TCPROW> rows = current_rows();
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            if (out[i].outcome != CloseOutcome::Closed) continue;
            if (still_open(rows, delete_row(sockets[i])))
                out[i] = {CloseOutcome::Refused,
                          "SetTcpEntry reported success but the connection is still established"};
        }
    }
    return out;
}

}  // namespace tcpstat::win
