// Owns the two stages of flag handling: the raw strings CLI11 fills, and the validated Options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tcpstat/backend.hpp"
#include "tcpstat/doctor.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/filter.hpp"
#include "tcpstat/group.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {

enum class Command { List, Summary, Check, Explain, Doctor, Trace };
enum class ColorMode { Auto, Always, Never };

// Stage one: exactly what the user typed, no interpretation. Lists may come as repeated options
// or comma-separated values; both are kept as given.
struct RawFlags {
    Command command = Command::List;
    std::vector<std::string> states, pids, processes, users, ports, sports, dports, src, dst;
    bool tcp = false, udp = false, ipv4 = false, ipv6 = false, listening = false;
    bool count = false, no_header = false, extended = false;
    std::string format = "table", color = "auto", source = "auto";
    // Absent: not given; given empty is an error, never the default.
    std::optional<std::string> group_by, fields, sort, proc_root;
    std::optional<std::string> netns;  // --netns, as typed (absent: not given)
    bool all_netns = false;
    std::string explain_state;
    // check
    std::string warn, crit, per = "none";
    // monitoring: --output, --watch, --iterations (absent: not given; given empty is an error)
    std::string output;
    std::optional<std::string> watch, iterations;
    bool output_given = false;  // tells `--output ""` apart from no --output
    // doctor thresholds; absent: the default
    std::optional<std::string> close_wait, time_wait_percent, syn_recv, fin_wait2, orphan_percent;
    // trace: --duration SECONDS, --count N (absent: not given)
    std::optional<std::string> trace_duration, trace_count;
};

struct CheckOptions {
    std::string warn, crit;  // threshold ranges, parsed by the check command
    std::vector<GroupKey> per;  // --per; empty: the total only
};

// Stage two: validated, typed, no I/O done yet.
struct Options {
    Command command = Command::List;
    Filter filter;
    std::vector<std::string> user_names;  // --user NAMEs, resolved to uids once a backend exists
    CollectRequest request;
    bool count = false;
    std::vector<GroupKey> group_by;
    std::optional<Field> sort_key;
    RenderOptions render;
    ColorMode color = ColorMode::Auto;
    bool fields_given = false;
    bool extended = false;
    std::string explain_word;  // as given; empty: the overview
    CheckOptions check;
    std::string output_path;              // --output: replace this file atomically
    std::optional<double> watch_seconds;  // --watch: repeat every this many seconds
    std::optional<long> iterations;       // --iterations: stop after this many samples
    DoctorSettings doctor;
    std::optional<double> trace_seconds;     // trace --duration
    std::optional<std::uint64_t> trace_count;  // trace --count: stop after N transitions shown

    // Whether anything downstream needs the (expensive) owner walk.
    bool needs_owners() const;
};

// Throws UsageError with a one-line message naming the bad value and the accepted ones.
Options to_options(const RawFlags& raw);

// Throws UsageError when an option was given to a command that would ignore it
// (`check -g process`, `summary --fields`, `explain -s listen`); options_scope.cpp.
void refuse_inapplicable_options(const RawFlags& raw);

// Fields shown when --fields is not given: a compact set for the table, everything for the
// machine formats (so a CSV or JSONL export carries every field).
std::vector<Field> default_fields_for(Format f, bool extended);

}  // namespace tcpstat::app
