// Owns stage two of flag handling: raw strings -> validated Options, with one-line errors.
#include "app/options.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include "app/names.hpp"
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
        throw UsageError("--watch repeats listings, groupings and summary, not doctor: use doctor --for DURATION "
                         "(e.g. --for 30s) to watch how each finding grows");
    if (o.command != Command::List && o.command != Command::Summary)
        throw UsageError("--watch repeats listings, groupings and summary; for check, let the monitoring "
                         "system schedule it");
    if (o.render.format == Format::Json)
        throw UsageError("--watch cannot repeat -f json (documents would run together): use -f jsonl, "
                         "one object per row with a time field");
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

// ss's column sets -o (timers), -i (TCP internals, as -e's) and -m (socket memory) join the
// default columns: in the table before the owner, in machine formats at the end.
void add_column_sets(const RawFlags& raw, Format format, std::vector<Field>& fields) {
    std::vector<Field> more;
    if (raw.timers) more.insert(more.end(), {Field::Timer, Field::TimerMs});
    if (raw.info && format == Format::Table)
        more.insert(more.end(), {Field::Rtt, Field::Rttvar, Field::Cwnd, Field::Ssthresh, Field::Mss, Field::RetransTotal,
                                 Field::BytesSent, Field::BytesReceived, Field::LastSendMs, Field::LastRecvMs,
                                 Field::IdleMs});
    if (raw.memory)
        for (std::size_t i = 0; i < SocketMemory::kCount; ++i)
            more.push_back(static_cast<Field>(static_cast<std::size_t>(Field::RmemAlloc) + i));
    auto at = format == Format::Table ? std::find(fields.begin(), fields.end(), Field::Pid) : fields.end();
    for (Field f : more) {
        if (std::find(fields.begin(), fields.end(), f) != fields.end()) continue;
        at = std::next(fields.insert(at, f));
    }
}

// --sort and --reverse: fields of the listing, or the columns of a -g grouping.
void apply_sort_flags(const RawFlags& raw, Options& o) {
    if (raw.sort && !raw.sort->empty())
        require_items(*raw.sort, "--sort", "--sort state,-idle_ms");
    if (!o.group_by.empty()) {
        if (raw.sort) o.group_sort = parse_group_sort(*raw.sort, o.group_by);
        if (raw.reverse && o.group_sort.empty()) o.group_sort.push_back(GroupSortKey{std::nullopt, false});
        else if (raw.reverse)
            for (GroupSortKey& k : o.group_sort) k.descending = !k.descending;
        return;
    }
    if (raw.sort) o.sort_keys = parse_sort_keys(*raw.sort);
    if (!raw.reverse) return;
    if (o.sort_keys.empty())
        throw UsageError("--reverse flips the order of --sort (or of -g's counts): give --sort too, "
                         "e.g. --sort idle_ms --reverse");
    for (SortKey& k : o.sort_keys) k.descending = !k.descending;
}

// The filter options of `raw` as command-line words ("-s", "close_wait", "--port", "6800").
std::vector<std::string> filter_words_of(const RawFlags& raw) {
    std::vector<std::string> w;
    for (const FilterFlagOption& f : kFilterFlags)
        if (raw.*f.member) w.emplace_back(f.word);
    std::vector<std::string> positional;
    for (const FilterListOption& l : kFilterLists) {
        for (const std::string& item : raw.*l.member) {
            if (l.word == nullptr) {
                positional.push_back(item);
                continue;
            }
            w.emplace_back(l.word);
            w.push_back(item);
        }
    }
    w.insert(w.end(), positional.begin(), positional.end());
    return w;
}

}  // namespace

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
#ifdef _WIN32
    f.fold_name_case = true;  // image names are case-insensitive there
    // Windows sockets carry no owning user (a process's token does), so no --user could match.
    if (!raw.users.empty())
        throw UsageError("--user is only available on Linux: Windows sockets have no owning user; "
                         "select by process instead (-c NAME or -p PID)");
#endif
    for_each_item(raw.users, "--user", "--user root,33", [&](std::string_view t) {
        if (auto uid = parse_uid(t)) f.uids.push_back(*uid);
        else o.user_names.emplace_back(t);
    });
    // Names (ssh, db1, fe80::1%lo) wait for resolve_filter_names(); numbers are checked now.
    auto ports = [&](const std::vector<std::string>& raw_list, const char* option, std::vector<PortRange>& into,
                     std::vector<std::string>& names) {
        for_each_item(raw_list, option, fmt::format("{} 80,8000-8100,ssh", option), [&](std::string_view t) {
            if (is_service_name(t)) names.emplace_back(t);
            else into.push_back(parse_port_range(t));
        });
    };
    ports(raw.ports, "--port", f.ports, o.names.ports);
    ports(raw.sports, "--sport", f.sports, o.names.sports);
    ports(raw.dports, "--dport", f.dports, o.names.dports);
    auto addresses = [&](const std::vector<std::string>& raw_list, const char* option, std::vector<Cidr>& into,
                         std::vector<std::string>& names) {
        for_each_item(raw_list, option, fmt::format("{} 10.0.0.0/8,::1,db1", option), [&](std::string_view t) {
            if (is_host_name(t) || has_named_zone(t)) names.emplace_back(t);
            else into.push_back(parse_cidr(t));
        });
    };
    addresses(raw.src, "--src", f.src, o.names.src);
    addresses(raw.dst, "--dst", f.dst, o.names.dst);
    o.resolve = raw.resolve;
    f.expression = parse_expression(raw.expression);
    for_each_item(raw.addrs, "--addr", "--addr 10.0.0.5,::1", [&](std::string_view t) { f.addrs.push_back(parse_cidr(t)); });

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
                                     : default_fields(raw.extended || (raw.info && o.render.format != Format::Table),
                                                      o.render.format != Format::Table);
    if (!o.fields_given) add_column_sets(raw, o.render.format, o.render.fields);

    apply_sort_flags(raw, o);

    // Combinations that cannot mean anything.
    require_netns_flags(raw, o.group_by, "-g");
    if (o.count && !o.group_by.empty())
        throw UsageError("--count and --group-by cannot be combined: --group-by already counts per group");
    if (o.resolve && (!o.group_by.empty() || o.count))
        throw UsageError("-r/--resolve names the addresses of a listing; --group-by and --count print them as numbers");
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
    // The expression's states (`state close-wait ...`) narrow the kernel's state bitmask too.
    r.states = StateMask(f.states.bits() & f.expression.state_superset().bits());
    if (f.listening) {
        StateMask listen_like = StateMask::of(TcpState::Listen);
        listen_like.add(TcpState::Close);
        r.states = StateMask(r.states.bits() & listen_like.bits());
    }
    r.sports = f.sports;
    r.dports = f.dports;
    r.any_ports = f.ports;
    r.expression = f.expression;
    r.extended = o.extended || raw.info || std::any_of(o.render.fields.begin(), o.render.fields.end(),
                                                       [](Field x) { return field_info(x).extended_only; });
    r.memory = std::any_of(o.render.fields.begin(), o.render.fields.end(),
                           [](Field x) { return memory_index(x).has_value(); });

    if (o.command == Command::Check) {
        o.check = {raw.warn, raw.crit, parse_check_per(raw.per)};
        require_netns_flags(raw, o.check.per, "--per");
    }
    if (o.command == Command::Doctor) apply_doctor_flags(raw, o);
    if (o.command == Command::Kill) apply_kill_flags(raw, o);
    if (o.command == Command::Serve) {
        for_each_item(raw.serve_ports, "--ports", "--ports 80,8000-8100",
                      [&](std::string_view t) { o.serve.limits.ports.push_back(parse_port_range(t)); });
        apply_serve_flags(raw, o);
    }
    if (o.command == Command::Top) o.filter_words = filter_words_of(raw);
    if (raw.interval) {
        auto s = parse_seconds(*raw.interval);
        if (!s || *s < 0.1 || *s > 3600)
            throw UsageError(fmt::format("invalid --interval '{}': expected seconds between refreshes, from 0.1 to "
                                         "3600, such as 2 or 0.5",
                                         *raw.interval));
        o.top_interval = *s;
    }
    if (o.command == Command::Trace) apply_trace_flags(raw, o);
    if (o.command == Command::Record) {
        if (raw.record_action == "start") o.record_action = RecordAction::Start;
        else if (raw.record_action == "stop") o.record_action = RecordAction::Stop;
        else if (raw.record_action == "status" || raw.record_action.empty()) o.record_action = RecordAction::Status;
        else
            throw UsageError(fmt::format("invalid record action '{}': expected start, stop or status", raw.record_action));
        if (raw.format != "table" && raw.format != "json")
            throw UsageError(fmt::format("record reports in -f table or json, not '{}'", raw.format));
    }
    apply_monitoring_flags(raw, o);
    if (o.command == Command::Explain) {
        explain_word_text(raw.explain_state);  // an unknown word fails here, like every other value
        o.explain_word = raw.explain_state;
    }
    return o;
}

}  // namespace tcpstat::app
