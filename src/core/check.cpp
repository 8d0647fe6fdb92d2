// Owns the monitoring-plugin check: threshold ranges, and their verdict on a total or on each
// group, with the worst offenders and the perfdata values (render/check_line.cpp writes the line).
#include "tcpstat/check.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace tcpstat {
namespace {

constexpr std::size_t kMaxOffendersNamed = 3;
constexpr std::size_t kMaxGroupPerfdata = 10;

[[noreturn]] void bad_range(std::string_view text, std::string_view why) {
    throw UsageError(fmt::format("invalid threshold '{}': {}; expected N, N:, ~:N, N:M or @N:M "
                                 "(e.g. 50, 10:, ~:200, @10:20)",
                                 text, why));
}

std::optional<double> parse_number(std::string_view whole, std::string_view t) {
    double v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v))
        bad_range(whole, fmt::format("'{}' is not a number", t));
    return v;
}

CheckStatus status_of(double v, const CheckInput& in) {
    if (in.crit && in.crit->alerts(v)) return CheckStatus::Critical;
    if (in.warn && in.warn->alerts(v)) return CheckStatus::Warning;
    return CheckStatus::Ok;
}

// A count is a whole number >= 0: "0:", ":" and "~:" cover every count, "@-5:-1" or "@0.2:0.8"
// none, and a check with such a range passes a flood silently.
bool can_alert(const ThresholdRange& r) {
    if (!r.inside) return (r.start && *r.start > 0) || r.end.has_value();
    const double lowest = std::ceil(std::max(r.start.value_or(0.0), 0.0));
    return !r.end || lowest <= *r.end;
}

}  // namespace

bool ThresholdRange::alerts(double v) const {
    bool within = (!start || v >= *start) && (!end || v <= *end);
    return inside ? within : !within;
}

ThresholdRange parse_threshold(std::string_view text) {
    ThresholdRange r;
    r.text = std::string(text);
    std::string_view t = text;
    if (t.empty()) bad_range(text, "it is empty");
    if (t.front() == '@') {
        r.inside = true;
        t.remove_prefix(1);
    }
    auto colon = t.find(':');
    if (colon == std::string_view::npos) {
        r.start = 0.0;
        r.end = parse_number(text, t);
    } else {
        std::string_view lo = t.substr(0, colon), hi = t.substr(colon + 1);
        if (lo == "~") r.start.reset();
        else r.start = lo.empty() ? 0.0 : *parse_number(text, lo);
        if (hi.empty()) r.end.reset();
        else r.end = parse_number(text, hi);
    }
    if (r.start && r.end && *r.start > *r.end) bad_range(text, "the start is greater than the end");
    if (!can_alert(r)) bad_range(text, "no socket count (a whole number from 0 up) can trip it, so it would never alert");
    return r;
}

std::string_view check_status_name(CheckStatus s) {
    switch (s) {
        case CheckStatus::Ok: return "OK";
        case CheckStatus::Warning: return "WARNING";
        case CheckStatus::Critical: return "CRITICAL";
        case CheckStatus::Unknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

std::vector<GroupKey> parse_check_per(std::string_view t) {
    if (t == "none") return {};
    try {
        return parse_group_keys(t);
    } catch (const UsageError&) {
        throw UsageError(fmt::format("invalid --per '{}': give none or group keys as for -g, comma-separated; "
                                     "expected one of none, {}",
                                     t, accepted_key_names()));
    }
}

std::vector<GroupKey> check_group_keys(const std::vector<GroupKey>& per) {
    std::vector<GroupKey> keys = per;
    const auto pid = std::find(keys.begin(), keys.end(), GroupKey::Pid);
    if (pid != keys.end() && std::find(keys.begin(), keys.end(), GroupKey::Process) == keys.end())
        keys.insert(pid + 1, GroupKey::Process);  // "pid 4321 (oracle)"
    return keys;
}

CheckResult evaluate_check(const CheckInput& in) {
    CheckResult res;
    res.what = in.what.empty() ? "sockets" : in.what + " sockets";
    res.total = in.total;
    res.warn_text = in.warn ? in.warn->text : "";
    res.crit_text = in.crit ? in.crit->text : "";
    if (in.per.empty() || !in.groups) {
        res.status = status_of(static_cast<double>(in.total), in);
        return res;
    }

    // Groups arrive largest first; the count is the last column.
    const Table& t = *in.groups;
    const std::size_t count_col = t.columns.size() - 1;
    const std::vector<GroupKey> keys = check_group_keys(in.per);
    auto group_of = [&](const std::vector<Value>& row, std::uint64_t n) {
        CheckGroup g;
        for (std::size_t c = 0; c < count_col && c < keys.size(); ++c) g.keys.emplace_back(keys[c], row[c]);
        g.count = n;
        return g;
    };
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        auto n = static_cast<std::uint64_t>(std::get<std::int64_t>(row[count_col]));
        CheckStatus s = status_of(static_cast<double>(n), in);
        if (static_cast<int>(s) > static_cast<int>(res.status)) {
            res.status = s;
            res.worst.clear();
        }
        if (s == res.status && s != CheckStatus::Ok && res.worst.size() < kMaxOffendersNamed)
            res.worst.push_back(group_of(row, n));
        if (i == 0) res.largest = group_of(row, n);
        if (i < kMaxGroupPerfdata) res.perf.push_back(group_of(row, n));
    }
    if (!res.worst.empty()) res.largest.reset();
    return res;
}

}  // namespace tcpstat
