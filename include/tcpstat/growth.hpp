// Owns growth over time (--watch groups, doctor --for): when tcpstat first saw each socket, and
// per group the age of its oldest socket (OLDEST) and its net change per minute (RATE).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "tcpstat/result_table.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

// A socket's identity across samples. Linux's sock_diag cookie when the source gives one (a
// 4-tuple reused by a new connection gets a new cookie); from /proc, which has no cookie, the
// socket inode (unique among live sockets, every netns shares sockfs), and for sockets without
// one (TIME_WAIT, orphans) the namespace, protocol and both endpoints, unique among live sockets
// of a namespace; a 4-tuple reused within one interval is then taken for the same socket.
struct SocketKey {
    enum class Kind : std::uint8_t { Cookie, Inode, Tuple } kind = Kind::Tuple;
    std::uint64_t id = 0;  // cookie, inode or netns
    Protocol protocol = Protocol::Tcp;
    Endpoint local, remote;
    bool operator==(const SocketKey&) const = default;
};
SocketKey socket_key(const Socket& s);
struct SocketKeyHash {
    std::size_t operator()(const SocketKey& k) const;
};

// "45s", "12m05s", "3h12m", "2d04h": two units at most, rounded down.
std::string format_age(std::int64_t seconds);
// "+40/min", "0/min", "-3/min".
std::string format_rate(std::int64_t per_minute);

// Times are milliseconds on the caller's monotonic clock.
class GrowthTracker {
public:
    // RATE compares a group's count with its count at most `window` ago.
    explicit GrowthTracker(std::chrono::milliseconds window = std::chrono::minutes(1)) : window_(window) {}

    // Records one sample taken at `now`: a socket not seen before is first seen now, one absent
    // from this sample is forgotten (memory follows the sockets the filter selects). Returns each
    // socket's first-seen time, parallel to snap.sockets.
    std::vector<std::int64_t> observe(const Snapshot& snap, std::int64_t now);

    // `groups` (from group_sockets of the last observed snapshot, with `row_first_seen`) with two
    // more columns: oldest (seconds since its oldest socket was first seen) and rate (net change
    // of its count per minute since the earliest sample of the window; a group absent from the
    // previous sample counts as 0 there; null on the first sample). Groups absent now are forgotten.
    Table annotate(const Table& groups, std::span<const std::int64_t> row_first_seen, std::int64_t now);

    // The same two columns for a grouping the tracker has no history of (top regrouping the
    // snapshot at hand): OLDEST from the first-seen times, RATE null until the next sample.
    static Table oldest_only(const Table& groups, std::span<const std::int64_t> row_first_seen, std::int64_t now);

    std::int64_t started() const { return started_; }
    std::size_t tracked() const { return first_seen_.size(); }

private:
    struct Point {
        std::int64_t t = 0, count = 0;
    };
    std::chrono::milliseconds window_;
    std::unordered_map<SocketKey, std::int64_t, SocketKeyHash> first_seen_;
    std::map<std::vector<Value>, std::deque<Point>> history_;
    std::int64_t started_ = -1, previous_sample_ = -1, samples_ = 0;
};

}  // namespace tcpstat
