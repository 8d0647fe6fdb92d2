// Owns the monitoring-plugin logic: threshold ranges, evaluation per group, status line, perfdata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/group.hpp"

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

enum class CheckPer { None, Pid, Process, Lport, Raddr };
// "none", "pid", ...; throws UsageError listing them.
CheckPer parse_check_per(std::string_view text);
// The group keys a per-mode counts by (pid also carries the process name for the message).
std::vector<GroupKey> check_group_keys(CheckPer per);

struct CheckInput {
    std::optional<ThresholdRange> warn;
    std::optional<ThresholdRange> crit;
    CheckPer per = CheckPer::None;
    std::string what;        // e.g. "close_wait" -> "240 close_wait sockets"
    std::uint64_t total = 0; // matching sockets
    const Table* groups = nullptr;  // group_sockets(check_group_keys(per)) when per != None
};

struct CheckResult {
    CheckStatus status = CheckStatus::Ok;
    std::string line;  // "TCPSTAT CRITICAL - ... | perfdata", one line, no newline
};

CheckResult evaluate_check(const CheckInput& in);

}  // namespace tcpstat
