// Owns `tcpstat trace`: the live transition stream through the listing filters, bounded by --duration, --count or a signal.
#include <chrono>
#include <csignal>

#include "app/commands.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/filter.hpp"
#include "tcpstat/trace.hpp"
#include "tcpstat/trace_render.hpp"

namespace tcpstat::app {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void request_stop(int) { g_stop = 1; }

// A state filter matches a transition that leaves or enters one of the states.
bool matches(const Filter& filter, Transition t, Snapshot& owners) {
    if (!filter.matches_socket(t.socket)) {
        t.socket.state = t.old_state;
        if (!filter.matches_socket(t.socket)) return false;
    }
    return filter.matches_owners(t.socket, owners);
}

}  // namespace

int run_trace(Options& options, Output& out) {
    if (!options.user_names.empty())
        throw UsageError("trace cannot filter by --user: transitions carry the owning pid, not the socket's uid "
                         "(use --pid or --process)");
    if (options.filter.udp && !options.filter.tcp)
        throw UsageError("trace follows TCP state transitions only: drop -u/--udp");
    options.filter.udp = false;

    TraceRequest request;
    request.all_netns = options.request.all_netns;
    auto source = open_transition_source(request);

    options.render.color = use_color(options.color, out);
    Output people(2, "standard error");
    TraceWriter writer(options.render, out, people);
    TraceSummary summary;
    Snapshot owners;  // pid -> name of every owner seen, for --process

    g_stop = 0;
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    using Clock = std::chrono::steady_clock;
    const auto deadline = options.trace_seconds
                              ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(*options.trace_seconds))
                              : Clock::time_point::max();
    bool full = false;
    const std::function<void(const Transition&)> sink = [&](const Transition& t) {
        if (full) return;
        if (!t.socket.owners.empty() && t.process) owners.processes[t.socket.owners.front().pid].name = *t.process;
        if (!matches(options.filter, t, owners)) return;
        writer.transition(t);
        summary.add(t);
        if (options.trace_count && summary.total() >= *options.trace_count) full = true;
    };
    while (!g_stop && !full) {
        const auto left = deadline - Clock::now();
        if (left <= Clock::duration::zero()) break;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
        source->poll(static_cast<int>(std::min<long long>(ms + 1, 100)), sink);
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    TraceTotals totals{summary.total(), source->lost(), source->untracked()};
    writer.finish(summary, totals);
    if (totals.lost > 0)
        print_diagnostic(stderr, "tcpstat: warning: ",
                         std::to_string(totals.lost) + " transitions were lost: the kernel's ring buffer was full");
    if (totals.untracked > 0)
        print_diagnostic(stderr, "tcpstat: warning: ",
                         std::to_string(totals.untracked) +
                             " sockets could not be tracked (map full): their owners and durations are missing");
    return 0;
}

}  // namespace tcpstat::app
