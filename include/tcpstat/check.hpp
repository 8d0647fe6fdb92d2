// Owns the monitoring-plugin logic: threshold ranges, evaluation per group, status line, perfdata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/grouping.hpp"

namespace tcpstat {

// A Monitoring Plugins threshold range: "10" (alert outside 0..10), "10:" (alert below 10),
// "~:10" (alert above 10), "10:20" (alert outside), "@10:20" (alert inside, inclusive).
struct ThresholdRange {
    std::optional<double> start;  // nullopt = -infinity ("~")
    std::optional<double> end;    // nullopt = +infinity
    bool inside = false;          // '@': alert when inside the range
    std::string text;             // as given, echoed in perfdata

    bool alerts(double value) const;
};

// Throws UsageError naming the bad range and the accepted forms.
ThresholdRange parse_threshold(std::string_view text);

enum class CheckStatus { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };
std::string_view check_status_name(CheckStatus s);

// --per: "none" (the total only) or any -g key list ("process", "lport", "state,process");
// throws UsageError listing the keys.
std::vector<GroupKey> parse_check_per(std::string_view text);
// The group keys a check counts by: `per`, and the process after a pid, for the message.
std::vector<GroupKey> check_group_keys(const std::vector<GroupKey>& per);

struct CheckInput {
    std::optional<ThresholdRange> warn;
    std::optional<ThresholdRange> crit;
    std::vector<GroupKey> per;  // empty: thresholds apply to the total
    std::string what;        // e.g. "close_wait" -> "240 close_wait sockets"
    std::uint64_t total = 0; // matching sockets
    const Table* groups = nullptr;  // group_sockets(check_group_keys(per)) when per is not empty
};

// One group as the check names it: its key values in the table's column order, and its count.
struct CheckGroup {
    std::vector<std::pair<GroupKey, Value>> keys;
    std::uint64_t count = 0;
};

// The evaluated check as data; render's write_check_line() turns it into the one plugin line,
// escaping the untrusted names (process, user, netns) the groups carry.
struct CheckResult {
    CheckStatus status = CheckStatus::Ok;
    std::string what;            // "close_wait sockets", "sockets"
    std::uint64_t total = 0;
    std::vector<CheckGroup> worst;  // up to 3 groups in the worst status, when it is not OK
    std::optional<CheckGroup> largest;  // the largest group, when every group is OK
    std::vector<CheckGroup> perf;   // up to 10 groups for perfdata, largest first
    std::string warn_text, crit_text;  // the ranges as given, for perfdata
};

CheckResult evaluate_check(const CheckInput& in);

}  // namespace tcpstat
