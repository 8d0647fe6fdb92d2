// Owns decoding received NETLINK_SOCK_DIAG buffers into Sockets (pure: bytes in, sockets out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tcpstat/model.hpp"

namespace tcpstat::netlink {

// What one received buffer tells the dump loop.
enum class BufferStatus {
    More,         // sockets appended; the dump continues in a later buffer
    Done,         // NLMSG_DONE seen: the dump is complete
    Interrupted,  // NLM_F_DUMP_INTR: the table changed mid-dump; everything must be discarded
    Failed,       // NLMSG_ERROR (or a DONE carrying an error): see ParseStats::error
    Malformed,    // the message framing is broken; nothing after this point can be trusted
};

// Which answer the buffer must belong to.
struct ParseContext {
    Protocol protocol = Protocol::Tcp;  // the table that was asked for
    std::uint32_t seq = 0;              // messages with another sequence number are ignored
    std::uint32_t portid = 0;           // our netlink port id; 0 skips the check
    bool legacy_tcp = false;            // a TCPDIAG_GETSOCK dump: its answers carry that type
};

// Accumulates over all the buffers of one dump.
struct ParseStats {
    std::size_t sockets = 0;        // appended
    std::size_t unknown_state = 0;  // skipped: a state number this program does not know
    unsigned first_unknown_state = 0;
    std::size_t closed = 0;         // skipped: a TCP socket that finished closing during the dump
    std::size_t malformed = 0;      // skipped: a message or attribute that does not fit
    std::size_t foreign = 0;        // ignored: wrong seq/portid, or an unexpected message type
    int error = 0;                  // errno of a Failed status (positive)
};

// Decodes every message of one received buffer, appending a Socket per SOCK_DIAG_BY_FAMILY
// message. Never reads outside `buffer`; needs no particular alignment.
BufferStatus parse_buffer(std::span<const std::uint8_t> buffer, const ParseContext& ctx,
                          std::vector<Socket>& out, ParseStats& stats);

}  // namespace tcpstat::netlink
