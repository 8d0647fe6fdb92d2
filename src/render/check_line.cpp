// Owns the text of the `check` plugin line: "TCPSTAT STATUS - summary | perfdata", one line of
// valid UTF-8 whose names (process, user, netns) are escaped as in the text formats.
#include <string>

#include <fmt/format.h>

#include "escape.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {

namespace {

// The terminal-safe escaping of the text formats; '|' would end the summary and start perfdata.
std::string summary_text(std::string_view s) {
    std::string escaped;
    {
        Output sink(&escaped);
        write_escaped_text(s, sink);
        sink.flush();
    }
    std::string out;
    for (char c : escaped) {
        if (c == '|') out += "\\x7c";
        else out += c;
    }
    return out;
}

std::string value_text(const Value& v) {
    if (std::holds_alternative<std::int64_t>(v)) return fmt::format("{}", std::get<std::int64_t>(v));
    if (std::holds_alternative<std::string>(v)) return summary_text(std::get<std::string>(v));
    return "-";
}

// "pid 4321 (oracle)", "process oracle", "port 6800", "client ports", "peer 10.0.0.5".
std::string describe(const CheckGroup& g) {
    std::string out;
    GroupKey previous = GroupKey::Netns;
    for (std::size_t i = 0; i < g.keys.size(); ++i) {
        const auto& [key, value] = g.keys[i];
        const std::string v = value_text(value);
        std::string part;
        switch (key) {
            case GroupKey::Process:
                part = i > 0 && previous == GroupKey::Pid ? fmt::format("({})", v) : "process " + v;
                break;
            case GroupKey::Lport:
                part = value == Value{std::string(kClientPortsGroup)} ? std::string("client ports") : "port " + v;
                break;
            case GroupKey::Rport: part = "remote port " + v; break;
            case GroupKey::Laddr: part = "address " + v; break;
            case GroupKey::Raddr: part = "peer " + v; break;
            default: part = fmt::format("{} {}", group_key_name(key), v); break;
        }
        if (!out.empty()) out += ' ';
        out += part;
        previous = key;
    }
    return out;
}

// Perfdata labels are quoted: a quote, '=' or '|' inside would end the label, the value or the
// perfdata, so they become '_'; everything else is the summary's escaped text.
std::string perf_label(const std::string& described) {
    std::string out = described;
    for (char& c : out)
        if (c == '\'' || c == '=' || c == '|') c = '_';
    return out;
}

void perf_item(std::string_view label, std::uint64_t value, const CheckResult& r, Output& out) {
    out.write(fmt::format("'{}'={};{};{};0;", label, value, r.warn_text, r.crit_text));
}

}  // namespace

void write_check_line(const CheckResult& r, Output& out) {
    out.write(fmt::format("TCPSTAT {} - {} {}", check_status_name(r.status), r.total, r.what));
    if (!r.worst.empty()) {
        out.write("; worst ");
        for (std::size_t i = 0; i < r.worst.size(); ++i)
            out.write(fmt::format("{}{} {}", i ? ", " : "", describe(r.worst[i]), r.worst[i].count));
    } else if (r.largest) {
        out.write(fmt::format("; largest {} {}", describe(*r.largest), r.largest->count));
    }
    out.write(" | ");
    perf_item("total", r.total, r, out);
    for (const CheckGroup& g : r.perf) {
        out.put(' ');
        perf_item(perf_label(describe(g)), g.count, r, out);
    }
    out.put('\n');
}

}  // namespace tcpstat
