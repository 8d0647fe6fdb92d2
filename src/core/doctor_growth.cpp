// Owns doctor --for's growth per culprit: how many of a finding's sockets appeared while watched,
// per minute, and how old its oldest is, in the finding's data, message and evidence.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tcpstat/doctor.hpp"
#include "tcpstat/growth.hpp"

namespace tcpstat {

void add_growth(std::vector<Finding>& findings, std::span<const std::int64_t> first_seen, std::int64_t started,
                std::int64_t now) {
    const std::int64_t watched_ms = std::max<std::int64_t>(now - started, 1);
    for (Finding& f : findings) {
        if (f.sockets.empty()) continue;
        Finding::Growth g;
        g.watched_s = watched_ms / 1000;
        std::int64_t first = now;
        for (std::size_t i : f.sockets) {
            if (i >= first_seen.size()) continue;
            first = std::min(first, first_seen[i]);
            g.new_sockets += first_seen[i] > started;
        }
        g.per_minute = std::llround(static_cast<double>(g.new_sockets) * 60000.0 / static_cast<double>(watched_ms));
        g.oldest_s = (now - first) / 1000;
        g.oldest_before = first <= started;
        const std::string oldest = (g.oldest_before ? "over " : "") + format_age(g.oldest_s);
        f.message += g.new_sockets > 0 ? fmt::format("; growing {}, oldest {}", format_rate(g.per_minute), oldest)
                                       : fmt::format("; not growing, oldest {}", oldest);
        f.evidence.push_back(
            g.oldest_before
                ? fmt::format("watched for {}: {} of the {} sockets appeared meanwhile ({}); the oldest was already "
                              "there when the watch began",
                              format_age(g.watched_s), g.new_sockets, f.sockets.size(), format_rate(g.per_minute))
                : fmt::format("watched for {}: all {} sockets appeared meanwhile ({})", format_age(g.watched_s),
                              f.sockets.size(), format_rate(g.per_minute)));
        f.growth = g;
    }
}

}  // namespace tcpstat
