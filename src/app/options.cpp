// Owns stage two of flag handling: raw strings -> validated Options, with one-line errors.
#include "app/options.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include "tcpstat/check.hpp"
#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/explain.hpp"

namespace tcpstat::app {
namespace {

// Every list option accepts both `-s a,b` and `-s a -s b`, and one rule holds for all of them:
// items are separated by single commas and none is empty (`-s close_wait,` is a typo, not a
// request for "close_wait and nothing").
void require_items(const std::string& entry, std::string_view option, std::string_view example) {
    bool empty_item = false;
    for_each_comma_item(entry, [&](std::string_view item) { empty_item = empty_item || item.empty(); });
    if (!empty_item) return;
    if (trim_blanks(entry).empty())
        throw UsageError(fmt::format("empty {}: expected a value, e.g. {}", option, example));
    throw UsageError(fmt::format("empty item in {} '{}': separate items with single commas, e.g. {}", option,
                                 entry, example));
}

template <typename F>
void for_each_item(const std::vector<std::string>& raw, std::string_view option, std::string_view example, F&& f) {
    for (const std::string& entry : raw) {
        require_items(entry, option, example);
        for_each_comma_item(entry, f);
    }
}

Pid parse_pid(std::string_view text) {
    Pid pid = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || pid <= 0)
        throw UsageError(fmt::format(
            "invalid pid '{}': expected a positive process id such as 1234 "
            "(owners are shown by default; -p only filters by pid)",
            text));
    return pid;
}

std::optional<std::uint32_t> parse_uid(std::string_view text) {
    std::uint32_t uid = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), uid);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return uid;
}

SourceKind parse_source(std::string_view s) {
    if (s == "auto") return SourceKind::Auto;
    if (s == "netlink") return SourceKind::Netlink;
    if (s == "proc") return SourceKind::Proc;
    throw UsageError(fmt::format("invalid --source '{}': expected auto, netlink or proc", s));
}

ColorMode parse_color(std::string_view s) {
    if (s == "auto") return ColorMode::Auto;
    if (s == "always") return ColorMode::Always;
    if (s == "never") return ColorMode::Never;
    throw UsageError(fmt::format("invalid --color '{}': expected auto, always or never", s));
}

bool has_owner_field(const std::vector<Field>& fields) {
    return std::any_of(fields.begin(), fields.end(),
                       [](Field f) { return field_info(f).needs_owners; });
}

// "2", "0.5": plain decimal seconds, so that 1e3, inf, nan, hex and signs are refused.
std::optional<double> parse_seconds(std::string_view text) {
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    auto digits = [](std::string_view d) {
        return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || !digits(whole) || !digits(frac) || (dot != std::string_view::npos && frac.empty()))
        return std::nullopt;
    if (whole.size() > 6) return std::nullopt;
    double v = 0;
    for (char c : whole) v = v * 10 + (c - '0');
    double scale = 0.1;
    for (char c : frac.substr(0, 9)) {
        v += (c - '0') * scale;
        scale /= 10;
    }
    return v;
}

// --output, --watch, --iterations: where the result goes and how often it is repeated.
void apply_monitoring_flags(const RawFlags& raw, Options& o) {
    if (raw.output_given && raw.output.empty())
        throw UsageError("empty --output: expected a file path such as /var/lib/prometheus/node-exporter/tcpstat.prom");
    o.output_path = raw.output;
    if (raw.watch) {
        // Below a tenth of a second a sample (a full dump, and owners) would run back to back:
        // a busy loop, not a watch.
        constexpr double kMinSeconds = 0.1, kMaxSeconds = 86400;
        auto s = parse_seconds(*raw.watch);
        if (!s || *s < kMinSeconds || *s > kMaxSeconds)
            throw UsageError(fmt::format("invalid --watch '{}': expected seconds between samples, from 0.1 to "
                                         "86400, such as 2 or 0.5",
                                         *raw.watch));
        o.watch_seconds = *s;
    }
    if (raw.iterations) {
        const std::string& text = *raw.iterations;
        long n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n <= 0)
            throw UsageError(fmt::format("invalid --iterations '{}': expected a whole number of samples >= 1, "
                                         "such as 10",
                                         text));
        if (!o.watch_seconds)
            throw UsageError("--iterations bounds --watch: give --watch SECONDS too, e.g. --watch 2 --iterations 10");
        o.iterations = n;
    }
    if (!o.watch_seconds) return;
    if (o.command == Command::Doctor)
        throw UsageError("--watch repeats listings, groupings and summary, not doctor: each doctor run judges one "
                         "snapshot, so repeat the command instead (cron, or watch -n 10 tcpstat doctor)");
    if (o.command != Command::List && o.command != Command::Summary)
        throw UsageError("--watch repeats listings, groupings and summary; for check, let the monitoring "
                         "system schedule it");
    if (o.render.format == Format::Json)
        throw UsageError("--watch cannot repeat -f json (documents would run together): use -f jsonl, "
                         "one object per row with a time field");
}

// trace: how long, how many; -f prometheus has no stream form.
void apply_trace_flags(const RawFlags& raw, Options& o) {
    if (raw.trace_duration) {
        auto s = parse_seconds(*raw.trace_duration);
        if (!s || *s < 0.1 || *s > 86400 * 365)
            throw UsageError(fmt::format("invalid --duration '{}': expected seconds to trace, from 0.1, e.g. 30 or 2.5",
                                         *raw.trace_duration));
        o.trace_seconds = *s;
    }
    if (raw.trace_count) {
        const std::string& t = *raw.trace_count;
        const bool digits = !t.empty() && t.size() <= 12 &&
                            std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::stoull(t) == 0)
            throw UsageError(fmt::format("invalid trace --count '{}': expected a number of transitions, 1 or more", t));
        o.trace_count = std::stoull(t);
    }
    if (o.render.format == Format::Prometheus)
        throw UsageError("trace streams transitions: use -f table, tsv, csv, json or jsonl (not prometheus)");
}

// Thresholds, what doctor can print, and the TCP internals (idle time) it weighs.
void apply_doctor_flags(const RawFlags& raw, Options& o) {
    DoctorSettings& d = o.doctor;
    if (raw.close_wait) d.close_wait = parse_doctor_count("--close-wait", *raw.close_wait);
    if (raw.syn_recv) d.syn_recv = parse_doctor_count("--syn-recv", *raw.syn_recv);
    if (raw.fin_wait2) d.fin_wait2 = parse_doctor_count("--fin-wait2", *raw.fin_wait2);
    if (raw.time_wait_percent)
        d.time_wait_percent = parse_doctor_percent("--time-wait-percent", *raw.time_wait_percent);
    if (raw.orphan_percent) d.orphan_percent = parse_doctor_percent("--orphan-percent", *raw.orphan_percent);
    const Filter& f = o.filter;
    if (!f.tcp) throw UsageError("doctor diagnoses TCP sockets: -u/--udp does not apply (drop it)");
    const Format format = o.render.format;
    if (format != Format::Table && format != Format::Json && format != Format::Jsonl)
        throw UsageError(fmt::format("doctor prints -f table, json or jsonl, not '{}'", format_name(format)));
    d.whole_host = f.states.is_all() && !f.listening && f.ipv4 && f.ipv6 && f.ports.empty() && f.sports.empty() &&
                   f.dports.empty() && f.src.empty() && f.dst.empty() && f.uids.empty() && f.pids.empty() &&
                   f.process_names.empty() && o.user_names.empty();
    o.request.extended = true;
}

// Without --netns/--all-netns no socket carries a namespace: grouping by it would print one "-".
void require_netns_flags(const RawFlags& raw, const std::vector<GroupKey>& keys, std::string_view option) {
    if (raw.netns || raw.all_netns || std::find(keys.begin(), keys.end(), GroupKey::Netns) == keys.end()) return;
    throw UsageError(fmt::format("{} netns needs --all-netns (every namespace) or --netns NAME|PATH|PID: without "
                                 "them every socket is in tcpstat's own namespace",
                                 option));
}

// --netns, --all-netns: which namespaces; the NETNS column joins the default listing.
void apply_netns_flags(const RawFlags& raw, Options& o) {
    if (!raw.netns && !raw.all_netns) return;
    if (raw.netns && raw.all_netns)
        throw UsageError("--netns and --all-netns cannot be combined: --netns reads one namespace, --all-netns every one");
    if (raw.netns && raw.netns->empty())
        throw UsageError("empty --netns: expected an `ip netns` name, a path to a network namespace file, or a pid");
    if (raw.proc_root)
        throw UsageError(fmt::format("{} reads live namespaces and cannot be combined with --proc-root, which reads a "
                                     "recorded /proc tree",
                                     raw.all_netns ? "--all-netns" : "--netns"));
    o.request.netns = raw.netns;
    o.request.all_netns = raw.all_netns;
    if (!o.fields_given && std::find(o.render.fields.begin(), o.render.fields.end(), Field::Netns) == o.render.fields.end())
        o.render.fields.push_back(Field::Netns);
}

}  // namespace

std::vector<Field> default_fields_for(Format f, bool extended) {
    if (f == Format::Table) return default_fields(extended);
    std::vector<Field> out = {Field::Proto,  Field::Family, Field::State,  Field::Laddr,
                              Field::Lport,  Field::Raddr,  Field::Rport,  Field::RecvQ,
                              Field::SendQ,  Field::Uid,    Field::User,   Field::Inode,
                              Field::Timer,  Field::TimerMs, Field::Retrans, Field::Pid,
                              Field::Process, Field::Owners};
    if (extended) {
        for (Field x : {Field::Rtt, Field::Rttvar, Field::Cwnd, Field::Ssthresh, Field::Mss,
                        Field::RetransTotal, Field::BytesSent, Field::BytesReceived,
                        Field::LastSendMs, Field::LastRecvMs, Field::IdleMs})
            out.push_back(x);
    }
    return out;
}

bool Options::needs_owners() const {
    if (filter.needs_owners()) return true;
    switch (command) {
        case Command::List:
            if (count) return false;
            if (!group_by.empty())
                return std::any_of(group_by.begin(), group_by.end(), group_key_needs_owners);
            return has_owner_field(render.fields);
        case Command::Check:
            return std::any_of(check.per.begin(), check.per.end(), group_key_needs_owners);
        case Command::Doctor:
            return true;  // findings name the process
        case Command::Summary:
        case Command::Explain:
        case Command::Trace:  // transitions carry their owner from the kernel
            return false;
    }
    return false;
}

Options to_options(const RawFlags& raw) {
    refuse_inapplicable_options(raw);
    Options o;
    o.command = raw.command;
    Filter& f = o.filter;

    f.tcp = raw.tcp || !raw.udp;
    f.udp = raw.udp;
    f.ipv4 = raw.ipv4 || !raw.ipv6;
    f.ipv6 = raw.ipv6 || !raw.ipv4;
    f.listening = raw.listening;

    if (!raw.states.empty()) {
        std::string joined;
        for (const auto& s : raw.states) {
            require_items(s, "--state", "-s close_wait,time_wait");
            if (!joined.empty()) joined += ',';
            joined += s;
        }
        f.states = parse_state_list(joined);
    }
    for_each_item(raw.pids, "--pid", "-p 1234,5678", [&](std::string_view t) { f.pids.push_back(parse_pid(t)); });
    for_each_item(raw.processes, "--process", "-c nginx,java",
                  [&](std::string_view t) { f.process_names.emplace_back(t); });
    for_each_item(raw.users, "--user", "--user root,33", [&](std::string_view t) {
        if (auto uid = parse_uid(t)) f.uids.push_back(*uid);
        else o.user_names.emplace_back(t);
    });
    auto ports = [&](const std::vector<std::string>& raw_list, const char* option, std::vector<PortRange>& into) {
        for_each_item(raw_list, option, fmt::format("{} 80,8000-8100", option),
                      [&](std::string_view t) { into.push_back(parse_port_range(t)); });
    };
    ports(raw.ports, "--port", f.ports);
    ports(raw.sports, "--sport", f.sports);
    ports(raw.dports, "--dport", f.dports);
    for_each_item(raw.src, "--src", "--src 10.0.0.0/8,::1", [&](std::string_view t) { f.src.push_back(parse_cidr(t)); });
    for_each_item(raw.dst, "--dst", "--dst 10.0.0.0/8,::1", [&](std::string_view t) { f.dst.push_back(parse_cidr(t)); });

    o.count = raw.count;
    o.extended = raw.extended;
    if (raw.group_by) {
        require_items(*raw.group_by, "--group-by", "-g pid,process or -g state (see --help)");
        o.group_by = parse_group_keys(*raw.group_by);
    }

    o.render.format = parse_format(raw.format);
    o.render.header = !raw.no_header;
    o.color = parse_color(raw.color);
    if (raw.fields) require_items(*raw.fields, "--fields", "--fields state,local,remote,pid (see docs/formats.md)");
    o.fields_given = raw.fields.has_value();
    o.render.fields = o.fields_given ? parse_field_list(*raw.fields)
                                     : default_fields_for(o.render.format, raw.extended);

    if (raw.sort) {
        auto key = field_by_name(*raw.sort);
        if (!key || *key == Field::Owners) {
            std::string names;
            for (const FieldInfo& fi : all_fields()) {
                if (fi.field == Field::Owners) continue;
                if (!names.empty()) names += ", ";
                names += fi.name;
            }
            throw UsageError(fmt::format("invalid --sort '{}': expected one of {}", *raw.sort, names));
        }
        o.sort_key = key;
    }

    // Combinations that cannot mean anything.
    require_netns_flags(raw, o.group_by, "-g");
    if (o.count && !o.group_by.empty())
        throw UsageError("--count and --group-by cannot be combined: --group-by already counts per group");
    if (o.sort_key && !o.group_by.empty())
        throw UsageError("--sort applies to listings; groups are always ordered by count");
    if (o.fields_given && (!o.group_by.empty() || o.count))
        throw UsageError("--fields applies to listings; with --group-by or --count the columns are fixed");
    if (o.render.format == Format::Prometheus && o.command == Command::List && o.group_by.empty())
        throw UsageError("-f prometheus needs --group-by (e.g. -g state,process) or the summary command");
    if (o.render.format == Format::Prometheus && o.count)
        throw UsageError("-f prometheus cannot be combined with --count: use --group-by");

    // Where to read from.
    CollectRequest& r = o.request;
    r.source = parse_source(raw.source);
    if (raw.proc_root) {
        if (raw.proc_root->empty())
            throw UsageError("empty --proc-root: expected a directory laid out like /proc, e.g. a copy of its net/ tables");
        if (r.source == SourceKind::Netlink)
            throw UsageError("--proc-root reads a recorded /proc tree and cannot be combined with --source netlink");
        r.source = SourceKind::Proc;
        r.proc_root = raw.proc_root;
    }
    apply_netns_flags(raw, o);
    r.tcp = f.tcp;
    r.udp = f.udp;
    r.ipv4 = f.ipv4;
    r.ipv6 = f.ipv6;
    r.states = f.states;
    if (f.listening) {
        StateMask listen_like = StateMask::of(TcpState::Listen);
        listen_like.add(TcpState::Close);
        r.states = StateMask(r.states.bits() & listen_like.bits());
    }
    r.sports = f.sports;
    r.dports = f.dports;
    r.any_ports = f.ports;
    r.extended = o.extended || std::any_of(o.render.fields.begin(), o.render.fields.end(),
                                           [](Field x) { return field_info(x).extended_only; });

    if (o.command == Command::Check) {
        o.check = {raw.warn, raw.crit, parse_check_per(raw.per)};
        require_netns_flags(raw, o.check.per, "--per");
    }
    if (o.command == Command::Doctor) apply_doctor_flags(raw, o);
    if (o.command == Command::Trace) apply_trace_flags(raw, o);
    apply_monitoring_flags(raw, o);
    if (o.command == Command::Explain) {
        explain_word_text(raw.explain_state);  // an unknown word fails here, like every other value
        o.explain_word = raw.explain_state;
    }
    return o;
}

}  // namespace tcpstat::app
