// Owns `tcpstat check`: counts matching sockets (per group when asked), applies the thresholds,
// prints one Monitoring Plugins line and returns its status as the exit code.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/check.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {
namespace {

// "close_wait" or "close_wait,time_wait"; empty when every state is asked.
std::string states_text(const Filter& f) {
    if (f.states.is_all() && !f.listening) return f.udp && !f.tcp ? "udp" : "";
    std::string out;
    for (int v = 1; v < kStateCount; ++v) {
        auto s = static_cast<TcpState>(v);
        bool in = f.states.has(s) && (!f.listening || s == TcpState::Listen || s == TcpState::Close);
        if (!in) continue;
        if (!out.empty()) out += ',';
        out += state_key(s, f.tcp ? Protocol::Tcp : Protocol::Udp);
    }
    return out;
}

}  // namespace

int run_check(Options& options, Output& out) {
    CheckInput in;
    if (!options.check.warn.empty()) in.warn = parse_threshold(options.check.warn);
    if (!options.check.crit.empty()) in.crit = parse_threshold(options.check.crit);
    if (!in.warn && !in.crit)
        throw UsageError("check needs --warn and/or --crit, e.g. --warn 50 --crit 200");
    in.per = options.check.per;
    in.what = states_text(options.filter);

    auto backend = make_system_backend(options.request);
    Snapshot snap = gather(options, *backend);
    in.total = snap.sockets.size();
    Table groups;
    if (!in.per.empty()) {
        std::optional<ServerPorts> fold;
        if (std::find(in.per.begin(), in.per.end(), GroupKey::Lport) != in.per.end())
            fold = server_ports(*backend, options.request);
        groups = group_sockets(snap, check_group_keys(in.per), fold ? &*fold : nullptr);
        in.groups = &groups;
    }
    CheckResult r = evaluate_check(in);
    write_check_line(r, out);
    out.flush();
    print_warnings(snap);
    return static_cast<int>(r.status);
}

}  // namespace tcpstat::app
