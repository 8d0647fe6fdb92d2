// Owns a table's rows as its dump arrives: appended, streamed to a sink in batches, and rolled back (or taken back) on restart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "netlink_dump.hpp"
#include "netlink_parse.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"
#include "users.hpp"

namespace tcpstat::netlink {

// Hands the parsed sockets of a streamed collection to the sink, user names filled in first.
class Streamer {
public:
    Streamer(SocketSink& sink, Snapshot& snap, bool user_names) : sink_(sink), snap_(snap), user_names_(user_names) {}
    void flush();
    // A table's dump begins: the rows of the tables before go first, so the sink's mark is exact.
    void mark();
    // A table's dump starts over after rows were handed over: the sink takes them back, or the
    // snapshot warns (once) that some rows may be listed twice.
    void restarted();

private:
    SocketSink& sink_;
    Snapshot& snap_;
    bool user_names_;
    bool warned_ = false;
    procfs::UserNames names_;
};

// Appends one table's sockets to `out`; a retried dump rolls back to where this table began.
// Streaming, every kStreamBatch sockets go to the sink instead of staying in `out`.
class TableConsumer : public DumpConsumer {
public:
    TableConsumer(Protocol proto, std::vector<Socket>& out, bool legacy = false, Streamer* streamer = nullptr);

    void restart() override;
    BufferResult consume(std::span<const std::uint8_t> buffer, std::uint32_t seq, std::uint32_t portid) override;

    const ParseStats& stats() const { return stats_; }

private:
    Protocol proto_;
    bool legacy_;
    std::vector<Socket>& out_;
    std::size_t base_;
    Streamer* streamer_;
    bool handed_over_ = false;
    ParseStats stats_;
};

}  // namespace tcpstat::netlink
