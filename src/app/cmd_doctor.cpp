// Owns `tcpstat doctor`: gathers sockets with owners and TCP internals plus the kernel's limits
// (each namespace's own with --netns/--all-netns), diagnoses, prints findings (text, json,
// jsonl) and exits 1 when any warning or worse is found.
#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "render/escape.hpp"
#include "tcpstat/doctor.hpp"

namespace tcpstat::app {
namespace {

std::string_view severity_label(Severity s, bool color) {
    switch (s) {
        case Severity::Critical: return color ? "\x1b[1;31mCRITICAL\x1b[0m" : "CRITICAL";
        case Severity::Warning: return color ? "\x1b[33mWARNING\x1b[0m" : "WARNING";
        case Severity::Info: return "NOTE";
    }
    return "NOTE";
}

// The namespace a finding is about, as the netns field of listings names it: `ip netns` name,
// else a hint, else the inode.
std::optional<std::string> netns_label(const Finding& f, const Snapshot& snap) {
    if (!f.netns) return std::nullopt;
    auto it = snap.netns_names.find(*f.netns);
    return it != snap.netns_names.end() ? it->second : std::to_string(*f.netns);
}

// Messages carry process names, which are attacker-controlled: everything goes through escaping.
void write_text(const std::vector<Finding>& findings, std::size_t sockets, const Snapshot& snap, bool color,
                Output& out) {
    std::size_t crit = 0, warn = 0, notes = 0;
    for (const Finding& f : findings) {
        (f.severity == Severity::Critical ? crit : f.severity == Severity::Warning ? warn : notes) += 1;
        out.write(severity_label(f.severity, color));
        out.write(fmt::format(" {}", finding_kind_name(f.kind)));
        if (auto ns = netns_label(f, snap)) {
            out.write(" in netns ");
            write_escaped_text(*ns, out);
        }
        out.write(": ");
        write_escaped_text(f.message, out);
        out.put('\n');
        for (const std::string& e : f.evidence) {
            out.write("  - ");
            write_escaped_text(e, out);
            out.put('\n');
        }
        out.write("  what to do: ");
        write_escaped_text(f.advice, out);
        out.write("\n\n");
    }
    std::string verdict;
    if (crit + warn == 0) verdict = "no problems found";
    else verdict = fmt::format("{} critical, {} warning{}", crit, warn, warn == 1 ? "" : "s");
    if (notes > 0) verdict += fmt::format(", {} note{}", notes, notes == 1 ? "" : "s");
    out.write(fmt::format("tcpstat doctor: {} among {} TCP socket{} (", verdict, sockets, sockets == 1 ? "" : "s"));
    write_escaped_text(snap.source, out);
    out.write(")\n");
}

template <typename T>
void write_json_optional(const std::optional<T>& v, Output& out) {
    if (!v) out.write("null");
    else if constexpr (std::is_same_v<T, std::string>) write_json_string(*v, out);
    else out.write(fmt::format("{}", *v));
}

void write_json_finding(const Finding& f, const Snapshot& snap, Output& out) {
    out.write(fmt::format("{{\"kind\":\"{}\",\"severity\":\"{}\",\"netns\":", finding_kind_name(f.kind),
                          severity_name(f.severity)));
    // As the listings' netns field: the name, else the inode as a number.
    if (f.netns && !snap.netns_names.count(*f.netns)) write_json_optional(f.netns, out);
    else write_json_optional(netns_label(f, snap), out);
    out.write(",\"pid\":");
    write_json_optional(f.pid, out);
    out.write(",\"process\":");
    write_json_optional(f.process, out);
    out.write(",\"pids\":[");
    for (std::size_t i = 0; i < f.pids.size(); ++i) out.write(fmt::format("{}{}", i ? "," : "", f.pids[i]));
    out.put(']');
    out.write(",\"port\":");
    write_json_optional(f.port, out);
    out.write(",\"peer\":");
    write_json_optional(f.peer, out);
    out.write(fmt::format(",\"count\":{},\"message\":", f.count));
    write_json_string(f.message, out);
    out.write(",\"evidence\":[");
    for (std::size_t i = 0; i < f.evidence.size(); ++i) {
        if (i) out.put(',');
        write_json_string(f.evidence[i], out);
    }
    out.write("],\"advice\":");
    write_json_string(f.advice, out);
    out.put('}');
}

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

    switch (options.render.format) {
        case Format::Json:
            out.write("{\"findings\":[");
            for (std::size_t i = 0; i < findings.size(); ++i) {
                if (i) out.put(',');
                write_json_finding(findings[i], snap, out);
            }
            out.write(fmt::format("],\"sockets\":{},\"source\":", tcp));
            write_json_string(snap.source, out);
            out.write("}\n");
            break;
        case Format::Jsonl:
            for (const Finding& f : findings) {
                write_json_finding(f, snap, out);
                out.put('\n');
            }
            break;
        default:
            write_text(findings, tcp, snap, use_color(options.color, out), out);
            break;
    }
    out.flush();
    print_warnings(snap);
    warn_unread_facts(snap, own);
    for (const Finding& f : findings)
        if (f.severity != Severity::Info) return 1;
    return 0;
}

}  // namespace tcpstat::app
