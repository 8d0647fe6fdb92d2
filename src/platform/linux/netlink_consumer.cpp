// Owns Streamer and TableConsumer: a dump's rows kept, streamed and rolled back (netlink_consumer.hpp).
#include "netlink_consumer.hpp"

#include <utility>

#include "netlink.hpp"

namespace tcpstat::netlink {

void Streamer::flush() {
    if (snap_.sockets.empty()) return;
    if (user_names_) procfs::fill_socket_users(snap_, names_);
    std::vector<Socket> batch = std::move(snap_.sockets);
    snap_.sockets.clear();
    sink_.take(batch, snap_);
    batch.clear();
    snap_.sockets = std::move(batch);  // keeps the capacity for the next batch
}

void Streamer::mark() {
    flush();
    sink_.mark();
}

void Streamer::restarted() {
    if (sink_.take_back()) return;
    if (!warned_)
        snap_.warnings.push_back("netlink: a dump was interrupted and restarted while its rows were being printed; "
                                 "some rows may be listed twice");
    warned_ = true;
}

TableConsumer::TableConsumer(Protocol proto, std::vector<Socket>& out, bool legacy, Streamer* streamer)
    : proto_(proto), legacy_(legacy), out_(out), base_(out.size()), streamer_(streamer) {
    if (streamer_) {
        streamer_->mark();  // hands over the rows of the tables before, so the mark is exact
        base_ = out_.size();
    }
}

void TableConsumer::restart() {
    if (streamer_ && handed_over_) streamer_->restarted();
    handed_over_ = false;
    out_.erase(out_.begin() + static_cast<std::ptrdiff_t>(base_), out_.end());
    stats_ = ParseStats{};
}

BufferResult TableConsumer::consume(std::span<const std::uint8_t> buffer, std::uint32_t seq, std::uint32_t portid) {
    const ParseContext ctx{proto_, seq, portid, legacy_};
    const BufferStatus st = parse_buffer(buffer, ctx, out_, stats_);
    if (streamer_ && out_.size() >= kStreamBatch) {
        streamer_->flush();
        base_ = 0;
        handed_over_ = true;
    }
    return BufferResult{st, stats_.error};
}

}  // namespace tcpstat::netlink
