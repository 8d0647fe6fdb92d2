// Owns the validation of the flags of trace, doctor and kill: durations and counts, doctor's
// thresholds and formats, kill's refusal of a filter that selects everything.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "app/options.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::app {

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
    if (raw.doctor_for) o.doctor_seconds = parse_doctor_duration("--for", *raw.doctor_for);
    const Filter& f = o.filter;
    if (!f.tcp) throw UsageError("doctor diagnoses TCP sockets: -u/--udp does not apply (drop it)");
    const Format format = o.render.format;
    if (format != Format::Table && format != Format::Json && format != Format::Jsonl)
        throw UsageError(fmt::format("doctor prints -f table, json or jsonl, not '{}'", format_name(format)));
    d.whole_host = f.states.is_all() && !f.listening && f.ipv4 && f.ipv6 && f.ports.empty() && f.sports.empty() &&
                   f.dports.empty() && f.src.empty() && f.dst.empty() && f.addrs.empty() && f.uids.empty() && f.pids.empty() && f.expression.empty() &&
                   f.process_names.empty() && o.user_names.empty() && o.names.empty();
    o.request.extended = true;
}

// kill: a filter that selects something, the live tables of one namespace, a listing format.
void apply_kill_flags(const RawFlags& raw, Options& o) {
    const Filter& f = o.filter;
    const bool selects = !f.states.is_all() || f.listening || !f.ports.empty() || !f.sports.empty() ||
                         !f.dports.empty() || !f.src.empty() || !f.dst.empty() || !f.uids.empty() ||
                         !o.user_names.empty() || !f.pids.empty() || !f.process_names.empty() ||
                         !f.addrs.empty() || !f.expression.empty() || !o.names.empty();
    if (!selects)
        throw UsageError("kill needs a filter naming the sockets to close, e.g. tcpstat kill -s close_wait --sport "
                         "6800 (without one it would close every connection)");
    if (raw.all_netns)
        throw UsageError("kill closes sockets in one network namespace: use --netns NAME|PATH|PID, not --all-netns");
    if (raw.proc_root || o.request.source == SourceKind::Proc)
        throw UsageError(fmt::format("kill closes live sockets by their netlink identity; {} does not apply",
                                     raw.proc_root ? "--proc-root" : "--source proc"));
    if (o.render.format == Format::Prometheus)
        throw UsageError("kill prints -f table, tsv, csv, json or jsonl, not prometheus");
    o.kill_yes = raw.yes;
    o.kill_listeners = f.listening || (!f.states.is_all() && (f.states.has(TcpState::Listen) ||
                                                               (f.udp && f.states.has(TcpState::Close))));
    o.args = raw.args;
}

}  // namespace tcpstat::app
