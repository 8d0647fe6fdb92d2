// Owns stage one of flag handling: every command, option and help text, declared with CLI11.
#include "app/cli.hpp"

#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tcpstat/error.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat_version.hpp"

namespace tcpstat::app {
namespace {

constexpr const char* kMainExamples = R"(
Examples:
  tcpstat --state close_wait                  each CLOSE_WAIT socket with its pid and process
  tcpstat -s close_wait -g pid,process        which process holds them, counted
  tcpstat -s close-wait,time_wait --port 6800 two states, one port (either side)
  tcpstat -u -l                               listening / unconnected UDP sockets
  tcpstat -p 1234 -H                          sockets of pid 1234, no header, for grep
  tcpstat --count -s established --dport 5432 a number, for scripts
  tcpstat -f jsonl | jq .                     one JSON object per socket
  tcpstat summary                             counts per state, every state by its name
  tcpstat check -s close_wait --per process --warn 50 --crit 200
  tcpstat -g state --watch 2                  redraw the counts every 2 s, with a CHANGE column
  tcpstat summary -f prometheus --output /var/lib/prometheus/node-exporter/tcpstat.prom
  tcpstat explain close_wait                  what the state means and what to do
  tcpstat doctor                              leaks, port exhaustion, full queues: who, where, what to do
  tcpstat --all-netns -s close_wait -g netns,process   the same question across every container

Exit status: 0 some socket matched, 1 none matched, 2 usage or runtime error
(check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
)";

std::string version_text() {
    std::string v = fmt::format("tcpstat {}", TCPSTAT_VERSION);
    std::string_view commit = TCPSTAT_GIT_COMMIT;
    if (!commit.empty()) v += fmt::format(" (git {})", commit);
    return v;
}

// `-p` takes a pid here (as in lsof), but `netstat -tanp`/`ss -tanp` reflexes type it bare.
bool bare_pid_flag(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") return false;
        bool short_cluster = a.size() >= 2 && a[0] == '-' && a[1] != '-';
        bool p_last = short_cluster && a.back() == 'p' && a.find_first_not_of("tuanl46Hep", 1) == std::string_view::npos;
        bool is_pid_opt = a == "--pid" || p_last;
        if (!is_pid_opt) continue;
        if (i + 1 >= argc) return true;
        std::string_view next = argv[i + 1];
        if (!next.empty() && next[0] == '-') return true;
    }
    return false;
}

void add_filters(CLI::App& app, RawFlags& raw) {
    auto list = [&](const char* name, std::vector<std::string>& v, const char* type, const char* help) {
        app.add_option(name, v, help)->type_name(type)->allow_extra_args(false)->group("Filters");
    };
    list("-s,--state", raw.states, "STATE,...",
         "TCP states, any spelling (close_wait, CLOSE-WAIT, closewait) or groups: all, connected, "
         "synchronized, listening, bucket, big");
    app.add_flag("-t,--tcp", raw.tcp, "TCP sockets (the default)")->group("Filters");
    app.add_flag("-u,--udp", raw.udp, "UDP sockets (with -t: both)")->group("Filters");
    app.add_flag("-4,--ipv4", raw.ipv4, "IPv4 only")->group("Filters");
    app.add_flag("-6,--ipv6", raw.ipv6, "IPv6 only (v4-mapped addresses included)")->group("Filters");
    app.add_flag("-l,--listening", raw.listening, "listening TCP and unconnected UDP sockets")
        ->group("Filters");
    list("-p,--pid", raw.pids, "PID,...", "sockets owned by these pids (owners are shown anyway)");
    list("-c,--process", raw.processes, "NAME,...", "sockets owned by processes whose name starts with NAME");
    list("--user", raw.users, "USER,...", "sockets of this user name or uid");
    list("--port", raw.ports, "PORT,...", "local or remote port, or a range such as 8000-8100");
    list("--sport", raw.sports, "PORT,...", "local port or range");
    list("--dport", raw.dports, "PORT,...", "remote port or range");
    list("--src", raw.src, "ADDR[/N],...", "local address or prefix, e.g. 10.0.0.0/8, ::1");
    list("--dst", raw.dst, "ADDR[/N],...", "remote address or prefix");
    // netstat/ss muscle memory: tcpstat already shows all states, numerically.
    app.add_flag("-a,--all")->description("accepted for netstat/ss habits; all states are shown anyway")->group("");
    app.add_flag("-n,--numeric")->description("accepted for netstat/ss habits; output is always numeric")->group("");
}

void add_monitoring(CLI::App& app, RawFlags& raw) {
    // No -o: ss and netstat users type -o for timers, which must not silently become a file name.
    app.add_option_function<std::string>(
           "--output",
           [&raw](const std::string& path) {
               raw.output = path;
               raw.output_given = true;
           },
           "write to FILE instead of stdout, replacing it atomically (for node_exporter's textfile collector)")
        ->type_name("FILE")->group("Monitoring");
    app.add_option_function<std::string>(
           "--watch", [&raw](const std::string& s) { raw.watch = s; },
           "repeat a listing, grouping or summary every SECONDS (0.1 to 86400, e.g. 2 or 0.5) until Ctrl-C")
        ->type_name("SECONDS")->group("Monitoring");
    app.add_option_function<std::string>(
           "--iterations", [&raw](const std::string& n) { raw.iterations = n; }, "with --watch: stop after N samples")
        ->type_name("N")->group("Monitoring");
}

void add_source(CLI::App& app, RawFlags& raw) {
    app.add_option("--source", raw.source, "where to read sockets: auto (netlink, else /proc), netlink, proc")
        ->type_name("SRC")->group("Source");
    app.add_option_function<std::string>(
           "--proc-root", [&raw](const std::string& dir) { raw.proc_root = dir; },
           "read a recorded /proc tree instead of /proc (implies --source proc)")
        ->type_name("DIR")->group("Source");
    app.add_option_function<std::string>(
           "--netns", [&raw](const std::string& spec) { raw.netns = spec; },
           "read one other network namespace: an `ip netns` name, a namespace file path, or a pid (needs root)")
        ->type_name("NAME|PATH|PID")->group("Source");
    app.add_flag("--all-netns", raw.all_netns,
                 "read every network namespace on the host (containers), with a NETNS column (needs root)")
        ->group("Source");
}

void add_output(CLI::App& app, RawFlags& raw, bool listing) {
    app.add_option("-f,--format", raw.format, "table, tsv, json, jsonl, csv, prometheus")
        ->type_name("FMT")->group("Output");
    app.add_flag("-H,--no-header", raw.no_header, "omit the header line")->group("Output");
    app.add_option("--color", raw.color, "auto (TTY and no NO_COLOR), always, never")
        ->type_name("WHEN")->group("Output");
    if (!listing) return;
    app.add_option_function<std::string>(
           "-g,--group-by", [&raw](const std::string& keys) { raw.group_by = keys; },
                   "one row per group with its count, largest first; keys: state, proto, family, "
                   "pid, process, user, lport, rport, laddr, raddr, netns")
        ->type_name("KEY,...")->group("Output");
    app.add_flag("--count", raw.count, "print only the number of matching sockets")->group("Output");
    app.add_option_function<std::string>(
           "--fields", [&raw](const std::string& names) { raw.fields = names; },
           "columns to show, in order (see docs/formats.md)")
        ->type_name("FIELD,...")->group("Output");
    app.add_option_function<std::string>(
           "--sort", [&raw](const std::string& name) { raw.sort = name; },
           "sort the listing by one field, e.g. lport, state, recv_q")
        ->type_name("FIELD")->group("Output");
    app.add_flag("-e,--extended", raw.extended,
                 "queues, user, inode, timers, and from netlink rtt, cwnd, idle time")
        ->group("Output");
}

// --help and --version go through Output like every command, so a failed write (/dev/full) is
// reported and exits 2 instead of vanishing in std::cout; a closed pipe still ends quietly.
int print_requested(const CLI::App& app, const CLI::ParseError& e) {
    std::ostringstream text;
    const int code = app.exit(e, text, text);
    try {
        Output out(1);
        out.write(text.str());
        out.flush();
    } catch (const BrokenPipe&) {
    } catch (const RuntimeError& err) {
        std::fprintf(stderr, "tcpstat: %s\n", err.what());
        return 2;
    }
    return code;
}

}  // namespace

std::optional<RawFlags> parse_command_line(int argc, char** argv, int& exit_code) {
    RawFlags raw;
    CLI::App app{"tcpstat: which TCP states are your sockets in, and which process owns them.", "tcpstat"};
    app.footer(kMainExamples);
    app.set_version_flag("-V,--version", version_text());
    app.require_subcommand(0, 1);
    add_filters(app, raw);
    add_output(app, raw, true);
    add_monitoring(app, raw);
    add_source(app, raw);

    CLI::App* summary = app.add_subcommand("summary", "count sockets per state and protocol, every state by its name");
    summary->fallthrough();
    summary->footer(R"(
Examples:
  tcpstat summary                 TCP counts per state, IPv4 and IPv6
  tcpstat summary -t -u           TCP and UDP
  tcpstat summary --port 6800     only sockets on port 6800
  tcpstat summary -f prometheus   gauges for node_exporter's textfile collector
)");

    CLI::App* check = app.add_subcommand("check", "monitoring-plugin check: thresholds on socket counts");
    check->fallthrough();
    check->add_option("--warn", raw.warn, "WARNING threshold range (10, 10:, ~:10, 10:20, @10:20)")->type_name("RANGE");
    check->add_option("--crit", raw.crit, "CRITICAL threshold range")->type_name("RANGE");
    check->add_option("--per", raw.per, "apply thresholds per group: none, or group keys as for -g (process, pid, lport, raddr, state,process, ...)")->type_name("KEY");
    check->footer(R"(
Examples:
  tcpstat check -s close_wait --warn 50 --crit 200
  tcpstat check -s close_wait --per process --warn 50 --crit 200
  tcpstat check -s time_wait --per raddr --warn 10000 --crit 25000

Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
)");

    CLI::App* explain = app.add_subcommand("explain", "what a TCP state means, who waits for what, and what to do");
    explain->add_option("STATE", raw.explain_state, "a state in any spelling, unconn (UDP) or a state group; omit for the state diagram");
    explain->footer(R"(
Examples:
  tcpstat explain                 the TCP state machine, one line per state
  tcpstat explain close_wait      why CLOSE_WAIT piles up, and how to find the culprit
  tcpstat explain bucket          a state group: its states and what it is for
)");

    CLI::App* doctor = app.add_subcommand("doctor", "diagnose: CLOSE_WAIT leaks, TIME_WAIT port exhaustion, full accept "
                                                    "queues, SYN_RECV and FIN_WAIT2 pile-ups, orphans");
    doctor->fallthrough();
    auto threshold = [&](const char* name, std::optional<std::string>& into, const char* type, const char* help) {
        doctor->add_option(name, into, help)->type_name(type)->group("Thresholds");
    };
    threshold("--close-wait", raw.close_wait, "N", "CLOSE_WAIT sockets per process and port (default 10)");
    threshold("--time-wait-percent", raw.time_wait_percent, "P",
              "TIME_WAIT per destination as % of the ephemeral port range, and of tcp_max_tw_buckets (default 50)");
    threshold("--syn-recv", raw.syn_recv, "N", "SYN_RECV entries per listening port (default 100)");
    threshold("--fin-wait2", raw.fin_wait2, "N", "FIN_WAIT2 sockets per remote peer (default 100)");
    threshold("--orphan-percent", raw.orphan_percent, "P", "orphaned sockets as % of tcp_max_orphans (default 50)");
    doctor->footer(R"(
Examples:
  tcpstat doctor                          every finding on this host, worst first
  tcpstat doctor --port 6800              only what involves port 6800
  tcpstat doctor -f json                  findings as data: kind, severity, pid, process, port, count
  tcpstat doctor --close-wait 50          report CLOSE_WAIT leaks from 50 sockets per process and port

Exit status: 0 healthy (notes only), 1 a warning or critical finding, 2 usage or runtime error.
)");

    CLI::App* trace = app.add_subcommand("trace", "live TCP state transitions with the owning process and the time "
                                                  "spent in the old state (Linux, eBPF, root)");
    trace->fallthrough();
    trace->add_option("--duration", raw.trace_duration, "stop after SECONDS")->type_name("SECONDS");
    trace->add_option("--count", raw.trace_count, "stop after N transitions")->type_name("N");
    trace->footer(R"(
Examples:
  tcpstat trace                           every transition in this network namespace until Ctrl-C
  tcpstat trace -s close_wait             how a CLOSE_WAIT leak forms: who, when, after how long
  tcpstat trace --port 6800 --duration 30 -f jsonl   30 s of transitions on port 6800 as JSON lines
  tcpstat trace --all-netns --count 100   the next 100 transitions in any namespace (containers)

A transition matches a state filter when it leaves or enters one of the states. The summary at
the end counts transitions per state pair and per process, and any the kernel could not deliver.
Needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF; exit status 0 at the end, 2 when
tracing is not possible here.
)");

    if (bare_pid_flag(argc, argv)) {
        std::fprintf(stderr,
                     "tcpstat: -p/--pid needs a PID: owners (pid and process) are shown by default, "
                     "-p is only needed to filter by pid, e.g. -p 1234\n");
        exit_code = 2;
        return std::nullopt;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        exit_code = print_requested(app, e);
        return std::nullopt;
    } catch (const CLI::CallForAllHelp& e) {
        exit_code = print_requested(app, e);
        return std::nullopt;
    } catch (const CLI::CallForVersion& e) {
        exit_code = print_requested(app, e);
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        // Whatever argv put in the message is escaped when the line is printed; only CLI11's own
        // line end goes.
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        // CLI11 says "--sort: At Most 1 required but received 2" for a repeated single-value option.
        if (const auto at = msg.find(": At Most 1 required but received"); at != std::string::npos) {
            const std::string opt = msg.substr(0, at);
            msg = opt + " was given more than once: give it once";
            if (opt == "--group-by" || opt == "--fields")
                msg += fmt::format(", with its list comma-separated (e.g. {} pid,state)", opt);
        }
        // A monitoring system runs `check`: its bad arguments are UNKNOWN (3), on stdout.
        bool is_check = false;
        for (int i = 1; i < argc; ++i) is_check = is_check || std::string_view(argv[i]) == "check";
        if (is_check) {
            print_diagnostic(stdout, "TCPSTAT UNKNOWN - ", msg + " (see tcpstat check --help)");
            exit_code = 3;
        } else {
            print_diagnostic(stderr, "tcpstat: ", msg + " (see tcpstat --help)");
            exit_code = 2;
        }
        return std::nullopt;
    }
    if (summary->parsed()) raw.command = Command::Summary;
    if (check->parsed()) raw.command = Command::Check;
    if (explain->parsed()) raw.command = Command::Explain;
    if (doctor->parsed()) raw.command = Command::Doctor;
    if (trace->parsed()) raw.command = Command::Trace;
    return raw;
}

}  // namespace tcpstat::app
