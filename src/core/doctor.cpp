// Owns doctor's entry point and shared vocabulary: names, ordering, durations, threshold flags.
#include "tcpstat/doctor.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "doctor_checks.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat {

std::string_view severity_name(Severity s) {
    switch (s) {
        case Severity::Info: return "info";
        case Severity::Warning: return "warning";
        case Severity::Critical: return "critical";
    }
    return "info";
}

std::string_view finding_kind_name(FindingKind k) {
    switch (k) {
        case FindingKind::AcceptQueueFull: return "accept_queue_full";
        case FindingKind::CloseWaitLeak: return "close_wait_leak";
        case FindingKind::SynRecvPileUp: return "syn_recv_pile_up";
        case FindingKind::TimeWaitPressure: return "time_wait_pressure";
        case FindingKind::TimeWaitBuckets: return "time_wait_buckets";
        case FindingKind::OrphanPressure: return "orphan_pressure";
        case FindingKind::FinWait2PileUp: return "fin_wait2_pile_up";
        case FindingKind::ListenCounters: return "listen_counters";
        case FindingKind::SyncookiesOff: return "syncookies_off";
    }
    return "unknown";
}

std::vector<Finding> diagnose(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set) {
    std::vector<Finding> out;
    doctor_detail::check_listeners(snap, facts, set, out);
    doctor_detail::check_close_wait(snap, set, out);
    doctor_detail::check_time_wait(snap, facts, set, out);
    doctor_detail::check_closing(snap, facts, set, out);
    if (set.whole_host) doctor_detail::check_host_counters(facts, set, out);
    doctor_detail::sort_findings(out);
    return out;
}

std::string format_duration_ms(std::uint64_t ms) {
    constexpr std::uint64_t kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;
    if (ms >= kDay) return fmt::format("{} d", ms / kDay);
    if (ms >= kHour) return fmt::format("{} h", ms / kHour);
    if (ms >= kMin) return fmt::format("{} min", ms / kMin);
    if (ms >= kSec) return fmt::format("{} s", ms / kSec);
    return fmt::format("{} ms", ms);
}

double parse_doctor_duration(std::string_view flag, std::string_view text) {
    std::string_view digits = text;
    double unit = 1;
    if (!digits.empty() && (digits.back() == 's' || digits.back() == 'm' || digits.back() == 'h')) {
        unit = digits.back() == 'h' ? 3600 : digits.back() == 'm' ? 60 : 1;
        digits.remove_suffix(1);
    }
    double v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, std::chars_format::fixed);
    const double seconds = v * unit;
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v) ||
        seconds < 1 || seconds > 86400)
        throw UsageError(fmt::format("invalid {} '{}': expected how long to watch, from 1s to 24h, as seconds or "
                                     "with a unit s, m or h, e.g. {} 30s or {} 5m",
                                     flag, text, flag, flag));
    return seconds;
}

std::uint64_t parse_doctor_count(std::string_view flag, std::string_view text) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v == 0)
        throw UsageError(fmt::format("invalid {} '{}': expected a whole number of sockets, 1 or more, e.g. {} 10",
                                     flag, text, flag));
    return v;
}

double parse_doctor_percent(std::string_view flag, std::string_view text) {
    std::string_view digits = text;
    if (!digits.empty() && digits.back() == '%') digits.remove_suffix(1);
    double v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, std::chars_format::fixed);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v) ||
        v <= 0 || v > 100)
        throw UsageError(fmt::format("invalid {} '{}': expected a percentage above 0 and at most 100, e.g. {} 50 or 0.5",
                                     flag, text, flag));
    return v;
}

namespace doctor_detail {

void sort_findings(std::vector<Finding>& out) {
    std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
        if (a.severity != b.severity) return a.severity > b.severity;
        if (a.kind != b.kind) return a.kind < b.kind;
        return a.count > b.count;
    });
}

namespace {

std::string_view basename_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The script an interpreter runs: three python services are all "python3" by name, and only
// the first non-option argument of the command line tells them apart ("python3 orders.py",
// "python3 http.server" for -m). Only when argv[0] is the named program itself (so a process
// that rewrote its argv, "nginx: worker process", is left alone) and the word looks like a file
// or module name.
std::optional<std::string_view> script_of(const Process& p) {
    if (!p.cmdline || p.name.empty()) return std::nullopt;
    std::string_view cmd = *p.cmdline;
    auto next_word = [&]() {
        while (cmd.starts_with(' ')) cmd.remove_prefix(1);
        const auto end = cmd.find(' ');
        std::string_view w = cmd.substr(0, end);
        cmd.remove_prefix(end == std::string_view::npos ? cmd.size() : end);
        return w;
    };
    if (!basename_of(next_word()).starts_with(p.name)) return std::nullopt;
    for (std::string_view w = next_word(); !w.empty(); w = next_word()) {
        if (w.starts_with('-')) continue;
        if (w.find_first_of("./") == std::string_view::npos) return std::nullopt;
        return basename_of(w);
    }
    return std::nullopt;
}

}  // namespace

bool from_windows(const Snapshot& snap) { return snap.platform == Platform::Windows; }

std::string_view superuser(const Snapshot& snap) { return from_windows(snap) ? "Administrator" : "root"; }

std::optional<AgeWords> oldest_age(const Snapshot& snap, const std::vector<const Socket*>& group, TcpState state) {
    std::optional<std::uint64_t> oldest;
    std::size_t aged = 0;
    for (const Socket* s : group)
        if (s->age_ms) {
            oldest = std::max(oldest.value_or(0), *s->age_ms);
            ++aged;
        }
    if (!oldest) return std::nullopt;
    const std::string age = format_duration_ms(*oldest);
    const std::string of = aged == group.size() ? fmt::format("all {}", aged) : fmt::format("{} of the {}", aged, group.size());
    if (from_windows(snap))
        return AgeWords{fmt::format("opened up to {} ago", age),
                        fmt::format("the oldest was opened {} ago (Windows' creation time, known for {} sockets): in "
                                    "{} for at most that long",
                                    age, of, state_name(state))};
    return AgeWords{fmt::format("in {} for up to {}", state_name(state), age),
                    fmt::format("the oldest has been in {} for {} (tcpstat record saw {} sockets enter it)",
                                state_name(state), age, of)};
}

std::string describe_pid(const Snapshot& snap, Pid pid) {
    const Process* p = snap.process(pid);
    if (p == nullptr) return fmt::format("pid {}", pid);
    if (auto script = script_of(*p)) return fmt::format("pid {} ({} {})", pid, p->name, *script);
    return fmt::format("pid {} ({})", pid, p->name);
}

std::string describe_owners(const Snapshot& snap, const std::vector<Pid>& pids) {
    constexpr std::size_t kNamed = 4;  // a pre-fork server's 64 workers do not fit one line
    if (pids.size() == 1) return describe_pid(snap, pids.front());
    std::optional<std::string> common;
    bool same = true;
    for (Pid p : pids) {
        const Process* proc = snap.process(p);
        if (!proc || (common && *common != proc->name)) same = false;
        else if (!common) common = proc->name;
    }
    std::string list;
    for (std::size_t i = 0; i < pids.size() && i < kNamed; ++i) {
        if (i) list += ", ";
        list += same ? std::to_string(pids[i]) : describe_pid(snap, pids[i]).substr(4);
    }
    if (pids.size() > kNamed) list += fmt::format(" and {} more", pids.size() - kNamed);
    return same ? fmt::format("{} {} processes (pids {})", pids.size(), *common, list)
                : fmt::format("{} processes (pids {})", pids.size(), list);
}

void set_sockets(Finding& f, const Snapshot& snap, const std::vector<const Socket*>& group) {
    f.sockets.clear();
    f.sockets.reserve(group.size());
    for (const Socket* s : group) f.sockets.push_back(static_cast<std::size_t>(s - snap.sockets.data()));
}

void set_owners(Finding& f, const Snapshot& snap, std::vector<Pid> pids) {
    if (pids.empty()) return;
    std::sort(pids.begin(), pids.end());
    pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
    f.pid = pids.front();
    if (const Process* p = snap.process(pids.front())) f.process = p->name;
    f.pids = std::move(pids);
}

std::string percent_text(double pct) {
    if (pct > 0 && pct < 0.1) return "<0.1";
    double tenths = std::floor(pct * 10 + 0.5) / 10;
    if (tenths == std::floor(tenths)) return fmt::format("{:.0f}", tenths);
    return fmt::format("{:.1f}", tenths);
}

std::string kill_stopgap(const Snapshot& snap, const Socket& sample, std::string_view filter) {
    std::string netns;
    if (sample.netns) {
        const auto it = snap.netns_names.find(*sample.netns);
        // A hint such as "nginx:4026532301" is no --netns argument: better no command than a wrong one.
        if (it == snap.netns_names.end() || it->second.find(':') != std::string::npos) return {};
        netns = " --netns " + it->second;
    }
    return fmt::format(". Until the fix ships, a stopgap that keeps the process running: close only these sockets "
                       "with tcpstat kill{} {} (a dry run that lists them; add --yes to close them)",
                       netns, filter);
}

}  // namespace doctor_detail
}  // namespace tcpstat
