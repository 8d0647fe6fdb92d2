// Owns the declaration of tcpstat's command line with CLI11: every command, option and help text.
#include "app/cli_declare.hpp"

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "tcpstat_version.hpp"

namespace tcpstat::app {
namespace {

constexpr const char* kMainExamples = R"(
Examples:
  tcpstat --state close_wait                  each CLOSE_WAIT socket with its pid and process
  tcpstat -s close_wait -g pid,process        which process holds them, counted
  tcpstat -s close-wait,time_wait --port 6800 two states, one port (either side)
  tcpstat -u -l                               listening / unconnected UDP sockets
  tcpstat state close-wait '( sport = :6800 or dport = :6800 )'   ss filter expressions
  tcpstat 'dst 10.0.0.0/8 and not dport = :22'                  (see FILTER EXPRESSIONS in tcpstat(1))
  tcpstat -p 1234 -H                          sockets of pid 1234, no header, for grep
  tcpstat --count -s established --dport 5432 a number, for scripts
  tcpstat -f jsonl | jq .                     one JSON object per socket
  tcpstat -l -g cmdline                       listeners by command line: three python3 services apart
  tcpstat --dst db1 --dport postgresql -r     connections to every address of db1, shown by name
  tcpstat summary                             counts per state, every state by its name
  tcpstat check -s close_wait --per process --warn 50 --crit 200
  tcpstat -g state --watch 2                  redraw the counts every 2 s, with a CHANGE column
  tcpstat -s close_wait -g process --watch 5  a leak growing: OLDEST socket and RATE (+N/min) per process
  tcpstat summary -f prometheus --output /var/lib/prometheus/node-exporter/tcpstat.prom
  tcpstat explain close_wait                  what the state means and what to do
  tcpstat doctor                              leaks, port exhaustion, full queues: who, where, what to do
  tcpstat top -s close_wait                   live full-screen view by state and process (? for keys)
  tcpstat --all-netns -s close_wait -g netns,process   the same question across every container
  tcpstat kill -s close_wait --sport 6800     show the CLOSE_WAIT sockets it would close (dry run)
  tcpstat kill --yes -s close_wait --sport 6800   close them; the server keeps running

netstat, ss and lsof habits:
  tcpstat -tanp                               -p alone or in a cluster shows processes (always done);
  tcpstat -tulpn                              -p 1234, -p1234 or -tp 1234 filters by pid
  tcpstat -tno --sport 6800                   -o timers, -i TCP internals, -m socket memory (as ss)
  tcpstat -iTCP:6800                          lsof specs, attached: -i:6800, -i@10.0.0.5:5432, -i4, -i6;
  tcpstat -i :6800                            or after a lone -i when starting with : or @ (bare -i: ss's)
  tcpstat -sTCP:CLOSE_WAIT                    lsof's state selection, the same as -s close_wait
  tcpstat -s established --sort -idle_ms      the longest idle first ('-': descending; --sort state,lport)
  tcpstat -s close_wait -g process --sort process --reverse   groups sort by their columns or count
  tcpstat help summary                        what a command accepts
  tcpstat serve                               a Prometheus exporter on http://127.0.0.1:29100/metrics

Exit status: 0 some socket matched, 1 none matched, 2 usage or runtime error
(check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
)";

#ifdef _WIN32
// Linux-only options stay accepted (each is refused with its reason) but are not listed.
constexpr const char* kSourceGroup = "";
// The main examples' Linux-only lines, and what a Windows user writes instead.
constexpr std::pair<std::string_view, std::string_view> kWindowsExamples[] = {
    {"  tcpstat summary -f prometheus --output /var/lib/prometheus/node-exporter/tcpstat.prom\n",
     "  tcpstat summary -f prometheus --output C:\\ProgramData\\windows_exporter\\textfile_inputs\\tcpstat.prom\n"},
    {"  tcpstat --all-netns -s close_wait -g netns,process   the same question across every container\n",
     "  tcpstat -ano -p TCP                         netstat -ano habits (and /? for this help); -c is case-insensitive\n"
     "  tcpstat -f json | ConvertFrom-Json          PowerShell objects (also: -f csv | ConvertFrom-Csv)\n"},
};
#else
constexpr const char* kSourceGroup = "Source";
#endif

std::string main_examples() {
    std::string text = kMainExamples;
#ifdef _WIN32
    for (const auto& [linux_line, windows_line] : kWindowsExamples)
        if (const auto at = text.find(linux_line); at != std::string::npos)
            text.replace(at, linux_line.size(), windows_line);
#endif
    return text;
}

std::string version_text() {
    std::string v = fmt::format("tcpstat {}", TCPSTAT_VERSION);
    std::string_view commit = TCPSTAT_GIT_COMMIT;
    if (!commit.empty()) v += fmt::format(" (git {})", commit);
    return v;
}

}  // namespace

void add_filters(CLI::App& app, RawFlags& raw) {
    // Appends: a command's own copy of a filter and the main one (before the command) add up.
    auto list = [&](const char* name, std::vector<std::string>& v, const char* type, const char* help) {
        app.add_option_function<std::vector<std::string>>(
               name, [&v](const std::vector<std::string>& given) { v.insert(v.end(), given.begin(), given.end()); },
               help)
            ->type_name(type)->allow_extra_args(false)->group("Filters");
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
    list("-p,--pid", raw.pids, "PID,...",
         "sockets owned by these pids; -p takes only a pid-shaped value (-p 1234, -p1234): alone or in a "
         "cluster (-tanp, -tulpn) it is netstat/ss's 'show processes', which tcpstat always does");
    list("-c,--process", raw.processes, "NAME,...", "sockets owned by processes whose name starts with NAME; shows only those owners");
    list("--user", raw.users, "USER,...", "sockets of this user name or uid");
    list("--port", raw.ports, "PORT,...",
         "local or remote port, a range such as 8000-8100, or a service name (ssh, postgresql)");
    list("--sport", raw.sports, "PORT,...", "local port, range or service name");
    list("--dport", raw.dports, "PORT,...", "remote port, range or service name");
    list("--src", raw.src, "ADDR[/N],...",
         "local address or prefix, e.g. 10.0.0.0/8, ::1, fe80::1%lo, or a host name (every address it resolves to)");
    list("--dst", raw.dst, "ADDR[/N],...", "remote address, prefix or host name, e.g. db1");
    list("--addr", raw.addrs, "ADDR[/N],...", "local or remote address or prefix (lsof's -i@HOST)");
    // netstat/ss muscle memory: tcpstat already shows all states, numerically.
    // ss's filter language as trailing words; summary, check and doctor fall through to it.
    app.add_option("EXPRESSION", raw.expression,
                   "ss filter expression, e.g. state close-wait '( sport = :6800 or dst 10.0.0.0/8 )': "
                   "src/dst ADDR[/N][:PORT], sport/dport OP :PORT (= != < > <= >=), state/exclude NAME, "
                   "and, or, not, ( )")
        ->type_name("")->group("Filters");
    app.add_flag("-a,--all")->description("accepted for netstat/ss habits; all states are shown anyway")->group("");
    app.add_flag("-n,--numeric")->description("accepted for netstat/ss habits; output is numeric unless -r")->group("");
}

namespace {

// An adder of one command's valued options, all in one help group (doctor's thresholds, serve's
// exporter settings).
auto grouped_options(CLI::App* command, const char* group) {
    return [command, group](const char* name, std::optional<std::string>& into, const char* type, const char* help) {
        command->add_option(name, into, help)->type_name(type)->group(group);
    };
}

void add_monitoring(CLI::App& app, RawFlags& raw) {
    // --output has no -o: that is ss's and netstat's timers (-o/--timers).
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
        ->type_name("SRC")->group(kSourceGroup);
    app.add_option_function<std::string>(
           "--proc-root", [&raw](const std::string& dir) { raw.proc_root = dir; },
           "read a recorded /proc tree instead of /proc (implies --source proc)")
        ->type_name("DIR")->group(kSourceGroup);
    app.add_option_function<std::string>(
           "--netns", [&raw](const std::string& spec) { raw.netns = spec; },
           "read one other network namespace: an `ip netns` name, a namespace file path, or a pid (needs root)")
        ->type_name("NAME|PATH|PID")->group(kSourceGroup);
    app.add_flag("--all-netns", raw.all_netns,
                 "read every network namespace on the host (containers), with a NETNS column (needs root)")
        ->group(kSourceGroup);
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
                   "one row per group with its count, largest first; keys: any field but owners, "
                   "spelled as for --fields (state, process, pid, lport, raddr, user, uid, netns, ...)")
        ->type_name("KEY,...")->group("Output");
    app.add_flag("--count", raw.count, "print only the number of matching sockets")->group("Output");
    app.add_option_function<std::string>(
           "--fields", [&raw](const std::string& names) { raw.fields = names; },
           "columns to show, in order (see docs/formats.md)")
        ->type_name("FIELD,...")->group("Output");
    app.add_option_function<std::string>(
           "--sort", [&raw](const std::string& name) { raw.sort = name; },
           "sort by fields, first key first, '-' before a field for descending: --sort -idle_ms, --sort "
           "state,lport; with -g by its columns or count: -g process --sort process")
        ->type_name("[-]FIELD,...")->group("Output");
    app.add_flag("--reverse", raw.reverse, "reverse the --sort order (with -g alone: smallest groups first)")
        ->group("Output");
    app.add_flag("-e,--extended", raw.extended,
                 "queues, user, inode, timers, and from netlink rtt, cwnd, idle time")
        ->group("Output");
    app.add_flag("-r,--resolve", raw.resolve,
                 "host and service names instead of numbers, as ss -r (reverse DNS, at most 2 s in total)")
        ->group("Output");

    app.add_flag("-o,--timers", raw.timers, "the pending timer and its time left (ss -o, netstat -o)")->group("Output");
    app.add_flag("-i,--info", raw.info,
                 "TCP internals from netlink: rtt, cwnd, ssthresh, mss, bytes, idle time (ss -i); lsof's -i specs "
                 "are the attached forms -iTCP:6800, -i:6800, -i@HOST, -i4, -i6 (or -i :6800)")
        ->group("Output");
    app.add_flag("-m,--memory", raw.memory,
                 "socket memory from netlink (ss -m): rmem_alloc, rcvbuf, wmem_alloc, sndbuf, ...; absent from /proc")
        ->group("Output");
}

}  // namespace

CommandApps declare_command_line(CLI::App& app, RawFlags& raw) {
    app.footer(main_examples());
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
  tcpstat summary 'sport = :6800 or dport = :6800'   the same, as an ss filter expression
  tcpstat summary -f prometheus   gauges for node_exporter's textfile collector
)");

    CLI::App* check = app.add_subcommand("check", "monitoring-plugin check: thresholds on socket counts");
    check->fallthrough();
    check->add_option("--warn", raw.warn, "WARNING threshold range (10, 10:, ~:10, 10:20, @10:20)")->type_name("RANGE");
    check->add_option("--crit", raw.crit, "CRITICAL threshold range")->type_name("RANGE");
    check->add_option("--per", raw.per, "apply thresholds per group: none, or group keys as for -g: any field but owners (process, pid, lport, raddr, state,process, ...)")->type_name("KEY");
    check->footer(R"(
Examples:
  tcpstat check -s close_wait --warn 50 --crit 200
  tcpstat check -s close_wait --per process --warn 50 --crit 200
  tcpstat check -s time_wait --per raddr --warn 10000 --crit 25000
  tcpstat check state close-wait 'sport = :6800' --warn 50 --crit 200

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
    const auto threshold = grouped_options(doctor, "Thresholds");
    threshold("--close-wait", raw.close_wait, "N", "CLOSE_WAIT sockets per process and port (default 10)");
    threshold("--time-wait-percent", raw.time_wait_percent, "P",
#ifdef _WIN32
              "TIME_WAIT per destination as % of the TCP dynamic port range (default 50)");
#else
              "TIME_WAIT per destination as % of the ephemeral port range, and of tcp_max_tw_buckets (default 50)");
#endif
    threshold("--syn-recv", raw.syn_recv, "N", "SYN_RECV entries per listening port (default 100)");
    threshold("--fin-wait2", raw.fin_wait2, "N", "FIN_WAIT2 sockets per remote peer (default 100)");
    threshold("--orphan-percent", raw.orphan_percent, "P", "orphaned sockets as % of tcp_max_orphans (default 50)");
    doctor->add_option("--for", raw.doctor_for, "watch for DURATION (30s, 5m, 1h), then report each pile's growth "
                                                "(+N/min, oldest); Ctrl-C reports early")
        ->type_name("DURATION");
    doctor->footer(R"(
Examples:
  tcpstat doctor                          every finding on this host, worst first
  tcpstat doctor --port 6800              only what involves port 6800
  tcpstat doctor 'dst 10.0.0.0/8'         only connections to 10.0.0.0/8 (an ss filter expression)
  tcpstat doctor -f json                  findings as data: kind, severity, pid, process, port, count
  tcpstat doctor --close-wait 50          report CLOSE_WAIT leaks from 50 sockets per process and port
  tcpstat doctor --for 30s                watch 30 s, then each leak's growth: "+40/min, oldest 3h12m"

Exit status: 0 healthy (notes only), 1 a warning or critical finding, 2 usage or runtime error.
)");

    CLI::App* kill = app.add_subcommand("kill", "close the sockets a filter selects: a dry run that lists them, "
                                                "unless --yes");
    kill->fallthrough();
    kill->add_flag("--yes", raw.yes, "close them (without it: list what would be closed, change nothing)");
    kill->footer(R"(
Examples:
  tcpstat kill -s close_wait --sport 6800           dry run: the CLOSE_WAIT sockets of port 6800
  tcpstat kill --yes -s close_wait --sport 6800     close them, one result per socket
  tcpstat kill --yes -s time_wait --dport 5432 -f json   results as data
  tcpstat kill --yes --netns web -s close_wait -c java    in another network namespace

Safety: an empty filter is refused; LISTEN (and unconnected UDP) sockets are closed only when
named (-l, -s listen); the connection the command arrived on (SSH_CONNECTION) and the sockets
of tcpstat's own parents and terminal server are never closed, and each is reported.
Linux: SOCK_DESTROY (needs CAP_NET_ADMIN and CONFIG_INET_DIAG_DESTROY); Windows: IPv4 TCP
connections only (needs Administrator).

Exit status: 0 every selected socket closed (or already gone; dry run: some would be closed),
1 nothing matched, 2 usage or permission error, 3 some could not be closed.
)");

    CLI::App* serve = app.add_subcommand("serve", "Prometheus exporter: an HTTP server answering GET /metrics "
                                                  "with a fresh snapshot (states per process and port)");
    serve->fallthrough();
    const auto serve_opt = grouped_options(serve, "Exporter");
    serve_opt("--listen", raw.listen, "ADDR:PORT",
              "where to listen (default 127.0.0.1:29100; [::1]:PORT for IPv6, :PORT for every IPv4 address)");
    serve->add_option("--ports", raw.serve_ports, "server ports that keep their own port label; other server "
                                                  "ports count as port=\"other\" (default: every server port)")
        ->type_name("PORT,...")->allow_extra_args(false)->group("Exporter");
    serve_opt("--top", raw.top, "N", "processes by socket count that keep their name, the rest count as "
                                     "process=\"other\" (default 20; 0: every process)");
    serve_opt("--max-series", raw.max_series, "N",
              "hard cap on per-socket series in one scrape, the smallest folded into \"other\" (default 1000, min 50)");
    serve_opt("--min-interval", raw.min_interval, "SECONDS",
              "at most one collection per SECONDS; scrapes in between get the last one (default 1)");
    serve->footer(R"(
Examples:
  tcpstat serve                                 http://127.0.0.1:29100/metrics for a local Prometheus
  tcpstat serve --listen 0.0.0.0:29100          every IPv4 address (put TLS and auth in a reverse proxy)
  tcpstat serve --ports 80,443,5432 --top 10    fewer series: three ports by name, ten processes
  tcpstat serve -s close_wait,time_wait,listen  only these states
  curl -s 127.0.0.1:29100/metrics | grep close_wait

Client-side ephemeral ports are always folded into port="client".
Exit status: 0 stopped by SIGINT/SIGTERM, 2 usage error or the address cannot be bound.
)");

    CLI::App* top = app.add_subcommand("top", "live full-screen view of sockets by state and process: watch, "
                                              "drill down, filter, close (? shows the keys)");
    top->fallthrough();
    top->add_option_function<std::string>(
           "-d,--interval", [&raw](const std::string& s) { raw.interval = s; },
           "seconds between refreshes (0.1 to 3600, default 2; + and - change it live)")
        ->type_name("SECONDS");
    top->footer(R"(
Examples:
  tcpstat top                             every TCP socket, grouped by state x process, every 2 s
  tcpstat top -s close_wait --port 6800   only the incident's sockets
  tcpstat top -d 0.5 --all-netns          every container's namespace, refreshed twice a second

Keys: arrows move, Enter drills into a group (and into a socket's details), Esc goes back,
g grouping, s sort column, r reverse, / filter, p pause, k close sockets (tcpstat kill), q quit.
Exit status: 0 quit, 2 not a terminal, terminal too small, usage or runtime error.
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

    CLI::App* record = app.add_subcommand("record", "keep recording when each TCP socket entered its state, so that "
                                                    "listings show its age (Linux, eBPF, root)");
    record->add_option("ACTION", raw.record_action, "start, stop or status (the default)");
    record->add_option("-f,--format", raw.format, "table, json")->type_name("FMT")->group("Output");
    record->footer(R"(
Examples:
  sudo tcpstat record start               keep the recorder attached (pinned in /sys/fs/bpf/tcpstat)
  sudo tcpstat -s close_wait --fields state,local,remote,process,age   how long each has been in CLOSE_WAIT
  sudo tcpstat --fields state,local,age --sort -age                    the oldest in their state first
  sudo tcpstat -s time_wait --fields local,remote,age,changed_by       who closed each, how long ago
  sudo tcpstat record status              what is pinned, since when, how many sockets it holds
  sudo tcpstat record stop                detach it and remove the pins

AGE is milliseconds in the current state, for sockets that changed state since the recorder
started; others show no age (never an estimate). idle_ms (tcp_info) is a different thing.
changed_by is the pid that made the last recorded transition itself (connect, listen, close).
bpffs is mounted at /sys/fs/bpf when it is not. TCPSTAT_RECORD_DIR=DIR (under a bpffs) pins
elsewhere: for tests, which must not touch the host's recorder. Needs root (or CAP_BPF,
CAP_PERFMON and CAP_SYS_ADMIN) and a kernel with BTF; exit status 0, 1 for status when nothing
is recording, 2 when recording is not possible here.
)");

    // Each command's --help lists what it accepts; the values land in the same RawFlags.
    for (CLI::App* sub : {summary, check, doctor}) {
        add_filters(*sub, raw);
        add_source(*sub, raw);
    }
    add_output(*summary, raw, false);
    add_monitoring(*summary, raw);
    doctor->add_option("-f,--format", raw.format, "table, json, jsonl")->type_name("FMT")->group("Output");

    CommandApps cmd{summary, check, explain, doctor, kill, serve, top, trace, record, {}};
    cmd.all = {&app, summary, check, explain, doctor, kill, serve, top, trace, record};
    for (CLI::App* a : cmd.all) a->allow_extras();
    return cmd;
}

}  // namespace tcpstat::app
