// Owns the output of `tcpstat doctor`: findings as text for people (verdict line last), or as json / jsonl.
#include <fmt/format.h>

#include "escape.hpp"
#include "json_writer.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {
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

void write_json_finding(const Finding& f, const Snapshot& snap, JsonWriter& w) {
    w.begin_object();
    w.key("kind").plain_string(finding_kind_name(f.kind));
    w.key("severity").plain_string(severity_name(f.severity));
    // As the listings' netns field: the name, else the inode as a number.
    w.key("netns");
    if (f.netns && !snap.netns_names.count(*f.netns)) w.value(f.netns);
    else w.value(netns_label(f, snap));
    w.key("pid").value(f.pid);
    w.key("process").value(f.process);
    w.key("pids").begin_array();
    for (const auto pid : f.pids) w.value(pid);
    w.end_array();
    w.key("port").value(f.port);
    w.key("peer").value(f.peer);
    w.key("count").value(f.count);
    w.key("message").string(f.message);
    w.key("evidence").begin_array();
    for (const std::string& e : f.evidence) w.string(e);
    w.end_array();
    w.key("advice").string(f.advice);
    w.key("growth");  // doctor --for
    if (!f.growth) {
        w.null();
    } else {
        w.begin_object();
        w.key("watched_s").value(f.growth->watched_s);
        w.key("new_sockets").value(f.growth->new_sockets);
        w.key("per_minute").value(f.growth->per_minute);
        w.key("oldest_s").value(f.growth->oldest_s);
        w.key("oldest_before_watch").boolean(f.growth->oldest_before);
        w.end_object();
    }
    w.end_object();
}

}  // namespace

void render_findings(const std::vector<Finding>& findings, std::size_t tcp_sockets, const Snapshot& snap,
                     const RenderOptions& opt, Output& out) {
    switch (opt.format) {
        case Format::Json: {
            JsonWriter w(out);
            w.begin_object().key("findings").begin_array();
            for (const Finding& f : findings) write_json_finding(f, snap, w);
            w.end_array();
            w.key("sockets").value(tcp_sockets);
            w.key("source").string(snap.source);
            w.end_object().newline();
            break;
        }
        case Format::Jsonl: {
            JsonWriter w(out);
            for (const Finding& f : findings) {
                write_json_finding(f, snap, w);
                w.newline();
            }
            break;
        }
        default:
            write_text(findings, tcp_sockets, snap, opt.color, out);
            break;
    }
}

}  // namespace tcpstat
