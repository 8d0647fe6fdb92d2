// Owns `tcpstat doctor`: gathers sockets with owners and TCP internals plus the kernel's limits
// (each namespace's own with --netns/--all-netns), diagnoses, prints findings (text, json,
// jsonl) and exits 1 when any warning or worse is found.
#include <algorithm>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/stop_signals.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat/doctor.hpp"
#include "tcpstat/growth.hpp"

namespace tcpstat::app {
namespace {

// The stderr note for namespaces judged without their limits (a recorded tree, a container).
void warn_unread_facts(const Snapshot& snap, const std::optional<KernelFacts>& own) {
#ifdef _WIN32
    // Windows has none of these limits to read (no sysctls); saying so on every run is noise.
    (void)snap;
    (void)own;
    return;
#endif
    auto unread = [](const KernelFacts& f) { return !f.ephemeral_count() && !f.max_orphans && !f.max_tw_buckets; };
    std::size_t missing = own && unread(*own);
    for (const auto& [inode, facts] : snap.netns_facts) missing += unread(facts);
    if (missing == 0) return;
    const std::string where = own ? std::string("here")
                                  : fmt::format("in {} network namespace{}", missing, missing == 1 ? "" : "s");
    std::fprintf(stderr, "tcpstat: warning: the kernel's TCP limits are not readable %s: "
                         "TIME_WAIT, orphan and bucket limits were not checked\n", where.c_str());
}

// doctor --for: samples over the duration (about ten, 1 to 10 s apart), remembering when each
// selected socket was first seen; returns the last snapshot and its sockets' first-seen times.
// Ctrl-C (or kill) ends the watch early with a report on the time watched so far, since that
// is what someone who stops a 10-minute watch after 3 minutes wants to see.
Snapshot watch_growth(Options& options, Backend& backend, std::vector<std::int64_t>& first_seen,
                      std::int64_t& started, std::int64_t& now) {
    using Clock = std::chrono::steady_clock;
    const auto ms_of = [](Clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    };
    GrowthTracker growth;
    Snapshot snap = gather(options, backend);
    const auto first = Clock::now();  // what this sample shows was there before the watch
    started = now = ms_of(first);
    first_seen = growth.observe(snap, now);
    // The duration runs from the first sample to the last, so the rate's span is exactly it.
    const auto end = first + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*options.doctor_seconds));
    const auto step = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::clamp(*options.doctor_seconds / 10, 1.0, 10.0)));
    for (auto due = std::min(first + step, end);; due = std::min(due + step, end)) {
        const bool stopped = !wait_until(due);
        snap = gather(options, backend);  // stopped: one last sample, so growth covers the time watched
        now = ms_of(Clock::now());
        first_seen = growth.observe(snap, now);
        if (stopped) {
            snap.warnings.push_back(fmt::format("stopped after {} of the {} asked for: growth is measured over the "
                                                "time watched",
                                                format_age((now - started) / 1000),
                                                format_age(static_cast<std::int64_t>(*options.doctor_seconds))));
            return snap;
        }
        if (due >= end) return snap;
    }
}

}  // namespace

int run_doctor(Options& options, Output& out) {
    // Each namespace is judged against its own sysctls and counters, read from inside it.
    const bool namespaces = options.request.netns || options.request.all_netns;
    options.request.kernel_facts = namespaces;
    auto backend = make_system_backend(options.request);
    std::vector<std::int64_t> first_seen;
    std::int64_t started = 0, now = 0;
    std::optional<StopSignals> stop_signals;
    if (options.doctor_seconds) stop_signals.emplace();
    Snapshot snap = options.doctor_seconds ? watch_growth(options, *backend, first_seen, started, now)
                                           : gather(options, *backend);
    std::optional<KernelFacts> own;
    if (!namespaces) own = backend->kernel_facts();
    std::vector<Finding> findings =
        own ? diagnose(snap, *own, options.doctor) : diagnose_each_netns(snap, options.doctor);
    if (options.doctor_seconds) add_growth(findings, first_seen, started, now);
    std::size_t tcp = 0;
    for (const Socket& s : snap.sockets) tcp += s.protocol == Protocol::Tcp;

    RenderOptions render = options.render;
    render.color = use_color(options.color, out);
    render_findings(findings, tcp, snap, render, out);
    out.flush();
    print_warnings(snap);
    warn_unread_facts(snap, own);
    for (const Finding& f : findings)
        if (f.severity != Severity::Info) return 1;
    return 0;
}

}  // namespace tcpstat::app
