// Owns one NETLINK_SOCK_DIAG dump on the wire: the socket, the send, the receive loop, the retries.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "netlink_parse.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::netlink {

// The kernel answered the dump with an error (errno) that does not mean "netlink is refused".
class DumpFailed : public RuntimeError {
public:
    DumpFailed(int error, const std::string& what) : RuntimeError(what), error_(error) {}
    int error() const { return error_; }

private:
    int error_;
};

struct BufferResult {
    BufferStatus status = BufferStatus::More;
    int error = 0;  // errno for BufferStatus::Failed
};

// Receives the buffers of a dump. A dump may be attempted several times; each attempt starts
// with restart(), after which everything consumed before must be forgotten.
class DumpConsumer {
public:
    virtual ~DumpConsumer() = default;
    virtual void restart() = 0;
    virtual BufferResult consume(std::span<const std::uint8_t> buffer, std::uint32_t seq,
                                 std::uint32_t portid) = 0;
};

// Sends `request` (a complete dump request; its sequence number is replaced per attempt) on a
// fresh socket (or on `socket_fd` when >= 0: a caller-owned socket, e.g. one opened inside
// another network namespace, reused by every attempt) and feeds every received buffer to
// `consumer` until the dump completes. An interrupted dump or ENOBUFS restarts it, up to
// kDumpRetries times. `rx` is the receive buffer
// (reused across dumps; grown to at least kMinReceiveBuffer). `what` names the table in errors.
// Throws Unavailable when netlink is refused, DumpFailed for a kernel error, RuntimeError else.
inline constexpr int kDumpRetries = 3;
// The kernel fills one dump datagram up to ~32 KiB (netlink caps max_recvmsg_len there), so
// 64 KiB never truncates; a larger buffer is zero-filled by resize() and only costs page faults.
inline constexpr std::size_t kMinReceiveBuffer = std::size_t{64} << 10;
void run_dump(std::vector<std::uint8_t> request, DumpConsumer& consumer,
              std::vector<std::uint8_t>& rx, std::string_view what, int socket_fd = -1);

}  // namespace tcpstat::netlink
