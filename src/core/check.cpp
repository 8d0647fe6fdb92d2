// Owns the monitoring-plugin check: thresholds applied to a total or to each group, the status
// line naming the worst offenders, and perfdata in 'label'=value;warn;crit;min;max form.
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

std::string value_text(const Value& v) {
    if (std::holds_alternative<std::int64_t>(v)) return fmt::format("{}", std::get<std::int64_t>(v));
    if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
    return "-";
}

// Text for the human line: "pid 4321 (oracle)", "process oracle", "port 6800", "peer 10.0.0.5".
std::string describe_group(CheckPer per, const std::vector<Value>& row) {
    switch (per) {
        case CheckPer::Pid:
            return fmt::format("pid {} ({})", value_text(row[0]), value_text(row[1]));
        case CheckPer::Process: return fmt::format("process {}", value_text(row[0]));
        case CheckPer::Lport: return fmt::format("port {}", value_text(row[0]));
        case CheckPer::Raddr: return fmt::format("peer {}", value_text(row[0]));
        case CheckPer::None: break;
    }
    return {};
}

// Perfdata labels may not hold '=' or a single quote; control bytes would break the one line.
std::string perf_label(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '=' || c == '\'' || c == '|' || c < 0x20 || c == 0x7f) out += '_';
        else out += static_cast<char>(c);
    }
    return out;
}

std::string perf_item(std::string_view label, std::uint64_t value, const CheckInput& in) {
    return fmt::format("'{}'={};{};{};0;", perf_label(label), value, in.warn ? in.warn->text : "",
                       in.crit ? in.crit->text : "");
}

CheckStatus status_of(double v, const CheckInput& in) {
    if (in.crit && in.crit->alerts(v)) return CheckStatus::Critical;
    if (in.warn && in.warn->alerts(v)) return CheckStatus::Warning;
    return CheckStatus::Ok;
}

// The human line may carry hostile process names: keep it to one line of printable text.
std::string one_line(std::string s) {
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '|') c = '?';
    return s;
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

CheckPer parse_check_per(std::string_view t) {
    if (t == "none") return CheckPer::None;
    if (t == "pid") return CheckPer::Pid;
    if (t == "process") return CheckPer::Process;
    if (t == "lport") return CheckPer::Lport;
    if (t == "raddr") return CheckPer::Raddr;
    throw UsageError(fmt::format("invalid --per '{}': expected none, pid, process, lport or raddr", t));
}

std::vector<GroupKey> check_group_keys(CheckPer per) {
    switch (per) {
        case CheckPer::Pid: return {GroupKey::Pid, GroupKey::Process};
        case CheckPer::Process: return {GroupKey::Process};
        case CheckPer::Lport: return {GroupKey::Lport};
        case CheckPer::Raddr: return {GroupKey::Raddr};
        case CheckPer::None: break;
    }
    return {};
}

CheckResult evaluate_check(const CheckInput& in) {
    CheckResult res;
    const std::string what = in.what.empty() ? "sockets" : in.what + " sockets";
    std::string perf = perf_item("total", in.total, in);

    if (in.per == CheckPer::None || !in.groups) {
        res.status = status_of(static_cast<double>(in.total), in);
        res.line = fmt::format("TCPSTAT {} - {} {} | {}", check_status_name(res.status), in.total,
                               what, perf);
        return res;
    }

    // Groups arrive largest first; the count is the last column.
    const Table& t = *in.groups;
    const std::size_t count_col = t.columns.size() - 1;
    std::vector<std::string> offenders;
    std::string worst_ok;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        auto n = static_cast<std::uint64_t>(std::get<std::int64_t>(row[count_col]));
        CheckStatus s = status_of(static_cast<double>(n), in);
        if (static_cast<int>(s) > static_cast<int>(res.status)) {
            res.status = s;
            offenders.clear();
        }
        if (s == res.status && s != CheckStatus::Ok && offenders.size() < kMaxOffendersNamed)
            offenders.push_back(fmt::format("{} {}", describe_group(in.per, row), n));
        if (i == 0) worst_ok = fmt::format("{} {}", describe_group(in.per, row), n);
        if (i < kMaxGroupPerfdata) {
            std::string label = describe_group(in.per, row);
            perf += ' ';
            perf += perf_item(label, n, in);
        }
    }
    std::string detail;
    if (!offenders.empty()) {
        detail = "; worst ";
        for (std::size_t i = 0; i < offenders.size(); ++i) detail += (i ? ", " : "") + offenders[i];
    } else if (!worst_ok.empty()) {
        detail = "; largest " + worst_ok;
    }
    res.line = one_line(fmt::format("TCPSTAT {} - {} {}{}", check_status_name(res.status), in.total,
                                    what, detail)) +
               " | " + perf;
    return res;
}

}  // namespace tcpstat
