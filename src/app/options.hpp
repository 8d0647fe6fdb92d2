// Owns the two stages of flag handling: the raw strings CLI11 fills, and the validated Options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/backend.hpp"
#include "tcpstat/doctor.hpp"
#include "tcpstat/exporter.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/filter.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/sorting.hpp"
#include "tcpstat/record.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {

enum class Command { List, Summary, Check, Explain, Doctor, Kill, Serve, Top, Trace, Record };
enum class ColorMode { Auto, Always, Never };

// Stage one: exactly what the user typed, no interpretation. Lists may come as repeated options
// or comma-separated values; both are kept as given.
struct RawFlags {
    Command command = Command::List;
    std::vector<std::string> states, pids, processes, users, ports, sports, dports, src, dst;
    std::vector<std::string> expression;  // positional words: an ss-style filter expression
    std::vector<std::string> addrs;  // --addr (and lsof's -i@HOST): either side
    bool timers = false, info = false, memory = false;  // -o, -i, -m: ss's column sets
    bool tcp = false, udp = false, ipv4 = false, ipv6 = false, listening = false;
    bool count = false, no_header = false, extended = false;
    bool resolve = false;  // -r/--resolve
    bool reverse = false;                    // --reverse: flips every --sort key (with -g alone: smallest first)
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
    std::optional<std::string> doctor_for;  // doctor --for DURATION
    // kill
    bool yes = false;
    std::vector<std::string> args;  // argv after the program name, to show the command that acts
    // serve; absent: the default
    std::optional<std::string> listen, top, max_series, min_interval;
    std::vector<std::string> serve_ports;  // --ports
    std::optional<std::string> interval;  // top -d/--interval
    // trace: --duration SECONDS, --count N (absent: not given)
    std::optional<std::string> trace_duration, trace_count;
    std::string record_action;  // record: start, stop or status
};

// The socket filter options of RawFlags, once: how to give each again on a command line (`word`;
// none: positional words) and how messages name it. top re-reads its filter bar with them and
// options_scope refuses them where a command reads no sockets.
struct FilterListOption {
    std::vector<std::string> RawFlags::*member;
    const char* word;
    const char* name;
};
inline constexpr FilterListOption kFilterLists[] = {
    {&RawFlags::states, "-s", "--state"},     {&RawFlags::pids, "-p", "--pid"},
    {&RawFlags::processes, "-c", "--process"}, {&RawFlags::users, "--user", "--user"},
    {&RawFlags::ports, "--port", "--port"},   {&RawFlags::sports, "--sport", "--sport"},
    {&RawFlags::dports, "--dport", "--dport"}, {&RawFlags::src, "--src", "--src"},
    {&RawFlags::dst, "--dst", "--dst"},       {&RawFlags::expression, nullptr, "a filter expression"},
    {&RawFlags::addrs, "--addr", "--addr"},
};
struct FilterFlagOption {
    bool RawFlags::*member;
    const char* word;
    const char* name;
};
inline constexpr FilterFlagOption kFilterFlags[] = {
    {&RawFlags::tcp, "-t", "-t/--tcp"},     {&RawFlags::udp, "-u", "-u/--udp"},
    {&RawFlags::ipv4, "-4", "-4/--ipv4"},   {&RawFlags::ipv6, "-6", "-6/--ipv6"},
    {&RawFlags::listening, "-l", "-l/--listening"},
};

struct CheckOptions {
    std::string warn, crit;  // threshold ranges, parsed by the check command
    std::vector<GroupKey> per;  // --per; empty: the total only
};

// Filter items only the OS can turn into numbers: host names (--src db1), addresses with a zone
// named by interface (fe80::1%lo), service names (--port ssh). to_options() keeps them as typed;
// resolve_filter_names() (names_filter.cpp) looks them up before collection.
struct NameQueries {
    std::vector<std::string> src, dst, ports, sports, dports;
    bool empty() const { return src.empty() && dst.empty() && ports.empty() && sports.empty() && dports.empty(); }
};

// 29100: outside 9100-9999, Prometheus's default port allocations (full since 2023), and below
// Linux's ephemeral range, so no client socket can be sitting on it (docs/health-checks.md).
inline constexpr std::uint16_t kDefaultServePort = 29100;

struct ServeOptions {
    std::string host = "127.0.0.1";  // loopback unless --listen says otherwise
    std::uint16_t port = kDefaultServePort;
    ExporterLimits limits;
    double min_interval = 1;  // seconds between two collections; scrapes in between share the last
};

// Stage two: validated, typed, no I/O done yet.
struct Options {
    Command command = Command::List;
    Filter filter;
    std::vector<std::string> user_names;  // --user NAMEs, resolved to uids by plan_gathering()
    NameQueries names;                     // resolved by plan_gathering(), before collection
    bool resolve = false;                  // -r: host and service names in the output
    CollectRequest request;
    bool count = false;
    std::vector<GroupKey> group_by;
    std::vector<SortKey> sort_keys;       // --sort (and --reverse) for listings; empty: the kernel's order
    std::vector<GroupSortKey> group_sort;  // --sort (and --reverse) with -g; empty: largest count first
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
    std::optional<double> doctor_seconds;  // doctor --for: watch this long, report growth
    // kill: act (else a dry run); LISTEN/UNCONN named by -l or -s; the command line as typed
    bool kill_yes = false;
    bool kill_listeners = false;
    std::vector<std::string> args;
    ServeOptions serve;
    double top_interval = 2;    // top -d/--interval: seconds between refreshes
    bool want_cmdline = false;  // read owners' command lines (top's detail pane)
    std::vector<std::string> filter_words;  // top: the filters as typed, for its filter bar
    std::optional<double> trace_seconds;     // trace --duration
    std::optional<std::uint64_t> trace_count;  // trace --count: stop after N transitions shown
    RecordAction record_action = RecordAction::Status;  // record start|stop|status

    // What the run's output shows, groups or orders by: the one place that decides which
    // details are worth reading. Names (NSS) cost milliseconds, owners the whole /proc walk,
    // cmdline and exe a read per owning process.
    std::vector<Field> fields_read() const;
    bool reads(Field f) const;
    bool needs_owners() const;
    bool needs_user_names() const;
    bool needs_cmdline() const;
};

// Throws UsageError with a one-line message naming the bad value and the accepted ones.
Options to_options(const RawFlags& raw);

// "2", "0.5": plain decimal seconds; nullopt for anything else (1e3, inf, signs).
std::optional<double> parse_seconds(std::string_view text);
// --listen, --ports, --top, --max-series, --min-interval into o.serve; options_serve.cpp.
void apply_serve_flags(const RawFlags& raw, Options& o);
// Each command's own flags, after the shared ones are in `o`; options_commands.cpp.
void apply_trace_flags(const RawFlags& raw, Options& o);
void apply_doctor_flags(const RawFlags& raw, Options& o);
void apply_kill_flags(const RawFlags& raw, Options& o);

// Throws UsageError when an option was given to a command that would ignore it
// (`check -g process`, `summary --fields`, `explain -s listen`); options_scope.cpp.
void refuse_inapplicable_options(const RawFlags& raw);

}  // namespace tcpstat::app
