// Owns `tcpstat doctor`: gathers sockets with owners and TCP internals plus the kernel's limits
// (each namespace's own with --netns/--all-netns), diagnoses, prints findings (text, json,
// jsonl) and exits 1 when any warning or worse is found.
#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat/doctor.hpp"

namespace tcpstat::app {
namespace {

// The stderr note for namespaces judged without their limits (a recorded tree, a container).
void warn_unread_facts(const Snapshot& snap, const std::optional<KernelFacts>& own) {
    auto unread = [](const KernelFacts& f) { return !f.ephemeral_count() && !f.max_orphans && !f.max_tw_buckets; };
    std::size_t missing = own && unread(*own);
    for (const auto& [inode, facts] : snap.netns_facts) missing += unread(facts);
    if (missing == 0) return;
    const std::string where = own ? std::string("here")
                                  : fmt::format("in {} network namespace{}", missing, missing == 1 ? "" : "s");
    std::fprintf(stderr, "tcpstat: warning: the kernel's TCP limits are not readable %s: "
                         "TIME_WAIT, orphan and bucket limits were not checked\n", where.c_str());
}

}  // namespace

int run_doctor(Options& options, Output& out) {
    // Each namespace is judged against its own sysctls and counters, read from inside it.
    const bool namespaces = options.request.netns || options.request.all_netns;
    options.request.kernel_facts = namespaces;
    auto backend = make_system_backend(options.request);
    Snapshot snap = gather(options, *backend);
    std::optional<KernelFacts> own;
    if (!namespaces) own = backend->kernel_facts();
    const std::vector<Finding> findings =
        own ? diagnose(snap, *own, options.doctor) : diagnose_each_netns(snap, options.doctor);
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
