// Owns `tcpstat doctor`'s diagnosis: findings (leaks, port exhaustion, queue overflow, orphans)
// computed from a Snapshot and each network namespace's KernelFacts, worst first. Pure: no I/O, no printing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/kernel_facts.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

// Info is context (cumulative counters, settings) and does not make doctor's exit status 1.
enum class Severity : std::uint8_t { Info, Warning, Critical };
std::string_view severity_name(Severity s);  // "info", "warning", "critical"

// Declared in the order findings of equal severity are listed.
enum class FindingKind : std::uint8_t {
    AcceptQueueFull,
    CloseWaitLeak,
    SynRecvPileUp,
    TimeWaitPressure,
    TimeWaitBuckets,
    OrphanPressure,
    FinWait2PileUp,
    ListenCounters,
    SyncookiesOff,
};
std::string_view finding_kind_name(FindingKind k);  // "close_wait_leak", ...

struct DoctorSettings {
    std::uint64_t close_wait = 10;       // CLOSE_WAIT sockets per process and port
    double time_wait_percent = 50;       // TIME_WAIT per destination, % of the ephemeral range
    std::uint64_t syn_recv = 100;        // SYN_RECV entries per listening port
    std::uint64_t fin_wait2 = 100;       // FIN_WAIT2 sockets per remote peer
    double orphan_percent = 50;          // orphaned sockets, % of tcp_max_orphans
    // Whether the snapshot is the whole host, or the whole namespace (no filter): only then are
    // namespace-wide counters (ListenOverflows, the kernel's orphan count, syncookies) reported,
    // since they cannot be attributed to the sockets a filter selected.
    bool whole_host = true;
};

struct Finding {
    FindingKind kind = FindingKind::CloseWaitLeak;
    Severity severity = Severity::Warning;
    std::optional<Pid> pid;              // the lowest of pids
    std::optional<std::string> process;  // pid's name; attacker-controlled: escape when printing
    std::vector<Pid> pids;               // every process holding the sockets, ascending (pre-fork workers)
    std::optional<std::uint64_t> netns;  // the namespace judged (inode), with --netns / --all-netns
    std::optional<std::uint16_t> port;   // the port the finding is about (local or the peer's)
    std::optional<std::string> peer;     // "10.0.0.9:5432" when it is about one remote endpoint
    std::uint64_t count = 0;             // sockets (or counter value) behind the finding
    std::string message;                 // one sentence: who, how many, where
    std::vector<std::string> evidence;   // supporting facts, one line each
    std::string advice;                  // what to do
    // Indices into the diagnosed Snapshot's sockets behind a finding about a pile of sockets
    // (CLOSE_WAIT, FIN_WAIT2, SYN_RECV); empty for counters and settings.
    std::vector<std::size_t> sockets;
    // doctor --for: how the pile grew while watched.
    struct Growth {
        std::int64_t watched_s = 0;      // how long
        std::uint64_t new_sockets = 0;   // of `sockets`, those that appeared while watched
        std::int64_t per_minute = 0;     // new_sockets per minute watched
        std::int64_t oldest_s = 0;       // since the oldest of them was first seen
        bool oldest_before = false;      // it was there when the watch began: older than oldest_s
    };
    std::optional<Growth> growth;
};

// Every finding, worst first: by severity, then kind (the enum order), then count descending.
// Only TCP sockets are looked at, all as one namespace judged against facts.
std::vector<Finding> diagnose(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& settings);

// A snapshot read from namespaces (--netns, --all-netns): each namespace judged alone, against
// its own Snapshot::netns_facts (none known: the checks needing them are skipped), so sockets,
// listeners and addresses of different namespaces never meet in one finding. Every finding
// carries Finding::netns; worst first across all namespaces.
std::vector<Finding> diagnose_each_netns(const Snapshot& snap, const DoctorSettings& settings);

// doctor --for: fills Finding::growth of each finding about sockets, from their first-seen times
// (GrowthTracker::observe of the diagnosed snapshot, parallel to its sockets) and the watch's
// start, and says it in the message ("growing +40/min, oldest 3h12m") and the evidence. A leak
// never closes its sockets, so the sockets that appeared while watched are its growth.
void add_growth(std::vector<Finding>& findings, std::span<const std::int64_t> first_seen, std::int64_t started,
                std::int64_t now);

// "3 h", "12 min", "45 s", "800 ms": the coarsest unit, rounded down.
std::string format_duration_ms(std::uint64_t ms);

// doctor --for: "30", "30s", "5m", "2h" (a number, a unit s, m or h; seconds without one), from 1 s
// to 24 h, as seconds. Throws UsageError naming the flag, the value and the accepted forms.
double parse_doctor_duration(std::string_view flag, std::string_view text);

// Threshold flag values: a positive whole number, or a percentage in (0, 100]. Throw UsageError
// naming the flag, the value and what is accepted.
std::uint64_t parse_doctor_count(std::string_view flag, std::string_view text);
double parse_doctor_percent(std::string_view flag, std::string_view text);

}  // namespace tcpstat
