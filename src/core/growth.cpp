// Owns growth over time: first-seen times per socket and the OLDEST/RATE columns of groups.
#include "tcpstat/growth.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tcpstat/delta.hpp"

namespace tcpstat {
namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

std::uint64_t mix_endpoint(std::uint64_t h, const Endpoint& e) {
    for (std::uint8_t b : e.addr.bytes) h = mix(h, b);
    return mix(mix(h, e.port), e.addr.scope_id);
}

}  // namespace

SocketKey socket_key(const Socket& s) {
    SocketKey k;
    if (s.cookie) {
        k.kind = SocketKey::Kind::Cookie;
        k.id = *s.cookie;
    } else if (s.inode && *s.inode != 0) {
        k.kind = SocketKey::Kind::Inode;
        k.id = *s.inode;
    } else {
        k.kind = SocketKey::Kind::Tuple;
        k.id = s.netns.value_or(0);
        k.protocol = s.protocol;
        k.local = s.local;
        k.remote = s.remote;
    }
    return k;
}

std::size_t SocketKeyHash::operator()(const SocketKey& k) const {
    std::uint64_t h = mix(static_cast<std::uint64_t>(k.kind), k.id);
    if (k.kind == SocketKey::Kind::Tuple)
        h = mix_endpoint(mix_endpoint(mix(h, static_cast<std::uint64_t>(k.protocol)), k.local), k.remote);
    return static_cast<std::size_t>(h);
}

std::string format_age(std::int64_t seconds) {
    if (seconds < 0) seconds = 0;
    constexpr std::int64_t kMin = 60, kHour = 60 * kMin, kDay = 24 * kHour;
    if (seconds >= kDay) return fmt::format("{}d{:02}h", seconds / kDay, seconds % kDay / kHour);
    if (seconds >= kHour) return fmt::format("{}h{:02}m", seconds / kHour, seconds % kHour / kMin);
    if (seconds >= kMin) return fmt::format("{}m{:02}s", seconds / kMin, seconds % kMin);
    return fmt::format("{}s", seconds);
}

std::string format_rate(std::int64_t per_minute) {
    return per_minute > 0 ? fmt::format("+{}/min", per_minute) : fmt::format("{}/min", per_minute);
}

std::vector<std::int64_t> GrowthTracker::observe(const Snapshot& snap, std::int64_t now) {
    if (started_ < 0) started_ = now;
    std::unordered_map<SocketKey, std::int64_t, SocketKeyHash> next;
    next.reserve(snap.sockets.size());
    std::vector<std::int64_t> seen;
    seen.reserve(snap.sockets.size());
    for (const Socket& s : snap.sockets) {
        const SocketKey k = socket_key(s);
        auto it = first_seen_.find(k);
        const std::int64_t t = it != first_seen_.end() ? it->second : now;
        next.emplace(k, t);
        seen.push_back(t);
    }
    first_seen_ = std::move(next);
    return seen;
}

namespace {

void add_growth_columns(Table& t) {
    t.columns.push_back(Column{"oldest", "OLDEST", FieldType::Number, ColumnUnit::Seconds});
    t.columns.push_back(Column{"rate", "RATE", FieldType::Number, ColumnUnit::PerMinute});
}

Value oldest_cell(std::span<const std::int64_t> row_first_seen, std::size_t r, std::int64_t now) {
    if (r < row_first_seen.size()) return std::int64_t{(now - row_first_seen[r]) / 1000};
    return {};
}

}  // namespace

Table GrowthTracker::oldest_only(const Table& groups, std::span<const std::int64_t> row_first_seen, std::int64_t now) {
    Table out = groups;
    add_growth_columns(out);
    for (std::size_t r = 0; r < out.rows.size(); ++r) {
        out.rows[r].push_back(oldest_cell(row_first_seen, r, now));
        out.rows[r].emplace_back();  // no earlier count of these groups: no rate yet
    }
    return out;
}

Table GrowthTracker::annotate(const Table& groups, std::span<const std::int64_t> row_first_seen, std::int64_t now) {
    Table out = groups;
    add_growth_columns(out);
    const DeltaColumns cols = delta_columns(groups);
    const bool first_sample = samples_ == 0;
    std::map<std::vector<Value>, std::deque<Point>> next;
    for (std::size_t r = 0; r < out.rows.size(); ++r) {
        auto& row = out.rows[r];
        std::vector<Value> key;
        for (std::size_t c : cols.keys) key.push_back(c < row.size() ? row[c] : Value{});
        const auto* n = cols.value < row.size() ? std::get_if<std::int64_t>(&row[cols.value]) : nullptr;
        const std::int64_t count = n ? *n : 0;

        auto it = history_.find(key);
        std::deque<Point> points;
        if (it != history_.end()) points = std::move(it->second);
        else if (!first_sample) points.push_back({previous_sample_, 0});  // it was not there before
        points.push_back({now, count});
        // Keep the latest point at least `window` old as the reference, nothing older.
        while (points.size() > 2 && points[1].t <= now - window_.count()) points.pop_front();

        row.push_back(oldest_cell(row_first_seen, r, now));
        const Point& ref = points.front();
        if (points.size() >= 2 && now > ref.t)
            row.emplace_back(static_cast<std::int64_t>(std::llround(double(count - ref.count) * 60000.0 / double(now - ref.t))));
        else
            row.emplace_back();
        next.emplace(std::move(key), std::move(points));
    }
    history_ = std::move(next);
    previous_sample_ = now;
    ++samples_;
    return out;
}

}  // namespace tcpstat
