// Owns `tcpstat kill`: the listing's selection with kill's safety rules, a dry run unless --yes, one result per socket, exit codes.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/sorting.hpp"
#include "tcpstat/kill.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {

namespace {

constexpr int kNothingMatched = 1;
constexpr int kSomeNotClosed = 3;
constexpr std::string_view kPrefix = "tcpstat: kill: ";

std::string plural(std::size_t n, std::string_view one) { return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s"); }

// As a POSIX shell reads it back: bare when only safe characters, else single-quoted.
std::string shell_word(std::string_view w) {
    constexpr std::string_view kSafe =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    if (!w.empty() && w.find_first_not_of(kSafe) == std::string_view::npos) return std::string(w);
    std::string q = "'";
    for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// The command as typed, with --yes after the subcommand word.
std::string acting_command(const std::vector<std::string>& args) {
    std::string cmd = "tcpstat";
    bool added = false;
    for (const std::string& a : args) {
        cmd += ' ' + shell_word(a);
        if (!added && a == "kill") {
            cmd += " --yes";
            added = true;
        }
    }
    return cmd;
}

std::string describe(const Socket& s) {
    return fmt::format("{} {} {} -> {}", protocol_name(s.protocol), state_name(s.state, s.protocol), format_endpoint(s.local),
                       format_endpoint(s.remote));
}

void note(const std::string& text) { print_diagnostic(stderr, kPrefix, text); }

void report_listeners(const KillPlan& plan) {
    if (plan.skipped_listeners > 0)
        note(fmt::format("left out {} (LISTEN, or unconnected UDP): name them with -l or -s listen to close them",
                         plural(plan.skipped_listeners, "listening socket")));
}

// Says what the safety rules kept out of a dry run's listing, after it.
void report_kept(const Snapshot& snap, const KillPlan& plan) {
    report_listeners(plan);
    for (std::size_t i = 0; i < snap.sockets.size(); ++i)
        if (plan.keep_reason[i]) note(fmt::format("never closing {}: {}", describe(snap.sockets[i]), *plan.keep_reason[i]));
}

int dry_run(Snapshot& snap, const KillPlan& plan, Options& options, Output& out) {
    const std::size_t n = plan.to_close();
    Snapshot kept_out;  // the protected sockets, for the notes; the listing shows what would be closed
    KillPlan kept_plan{plan.skipped_listeners, {}};
    std::vector<Socket> closable;
    closable.reserve(n);
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) {
        if (plan.keep_reason[i]) {
            kept_out.sockets.push_back(std::move(snap.sockets[i]));
            kept_plan.keep_reason.push_back(plan.keep_reason[i]);
        } else {
            closable.push_back(std::move(snap.sockets[i]));
        }
    }
    snap.sockets = std::move(closable);
    if (n > 0) render_sockets(snap, options.render, out);
    out.flush();
    report_kept(kept_out, kept_plan);
    if (n == 0) {
        note(kept_out.sockets.empty() && plan.skipped_listeners == 0 ? "no socket matched the filter; nothing to close"
                                                                       : "nothing left to close");
        return kNothingMatched;
    }
    note(fmt::format("dry run, nothing was closed: {} would be closed; to close them: {}", plural(n, "socket"),
                     acting_command(options.args)));
    return 0;
}

int act(Snapshot& snap, const KillPlan& plan, Options& options, Backend& backend, Output& out) {
    if (snap.sockets.empty()) {
        report_listeners(plan);
        note(plan.skipped_listeners == 0 ? "no socket matched the filter; nothing was closed" : "nothing was closed");
        return kNothingMatched;
    }
    std::vector<Socket> closable;
    for (std::size_t i = 0; i < snap.sockets.size(); ++i)
        if (!plan.keep_reason[i]) closable.push_back(snap.sockets[i]);
    const std::vector<CloseResult> attempted = backend.close_sockets(closable, options.request);

    std::vector<CloseResult> results;
    results.reserve(snap.sockets.size());
    std::size_t next = 0, closed = 0, gone = 0;
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) {
        if (plan.keep_reason[i]) {
            results.push_back({CloseOutcome::Protected, *plan.keep_reason[i]});
            continue;
        }
        results.push_back(next < attempted.size() ? attempted[next] : CloseResult{CloseOutcome::Refused, "no answer"});
        ++next;
        closed += results.back().outcome == CloseOutcome::Closed;
        gone += results.back().outcome == CloseOutcome::Gone;
    }
    render_close_results(snap, results, options.render, out);  // protected rows carry their reason
    out.flush();
    report_listeners(plan);
    const std::size_t total = snap.sockets.size();
    const std::size_t failed = total - closed - gone;
    note(fmt::format("closed {} of {}; {} already gone, {} not closed", closed, plural(total, "selected socket"), gone,
                     failed));
    return failed > 0 ? kSomeNotClosed : 0;
}

}  // namespace

int run_kill(Options& options, Output& out) {
    auto backend = make_system_backend(options.request);
    Snapshot snap = gather(options, *backend);
    options.render.color = use_color(options.color, out);
    if (!options.sort_keys.empty()) sort_sockets(snap, options.sort_keys);

    KillSafety safety;
    if (const char* ssh = std::getenv("SSH_CONNECTION")) take_ssh_connection(ssh, safety);
    safety.own_pids = backend->own_session_pids();
    safety.listeners_asked = options.kill_listeners;
    const KillPlan plan = plan_kill(snap, safety);

    const int code = options.kill_yes ? act(snap, plan, options, *backend, out) : dry_run(snap, plan, options, out);
    print_warnings(snap);
    return code;
}

}  // namespace tcpstat::app
