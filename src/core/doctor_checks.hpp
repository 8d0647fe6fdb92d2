// Owns the interface between doctor.cpp and the individual checks (doctor_*.cpp); core-private.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/doctor.hpp"

namespace tcpstat::doctor_detail {

// Each check appends its findings in any order; diagnose() sorts them.
void check_close_wait(const Snapshot& snap, const DoctorSettings& set, std::vector<Finding>& out);
void check_closing(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                   std::vector<Finding>& out);
void check_time_wait(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                     std::vector<Finding>& out);
void check_listeners(const Snapshot& snap, const KernelFacts& facts, const DoctorSettings& set,
                     std::vector<Finding>& out);
void check_host_counters(const KernelFacts& facts, const DoctorSettings& set, std::vector<Finding>& out);

// Words that depend on the OS a snapshot came from (Snapshot::platform): Windows has
// Administrators instead of root, no sock_diag and no net.* sysctls.
bool from_windows(const Snapshot& snap);
std::string_view superuser(const Snapshot& snap);  // "root" or "Administrator"

// The oldest Socket::age_ms among `group` as words for a finding, nullopt when none has an age.
// The platforms mean different things by it (docs/formats.md, `age`): Linux's recorder the time
// in the current state, Windows the time since the connection's context bind, which bounds the
// time in the state from above. Hence {"in CLOSE_WAIT for up to 3 h", "..."} or
// {"opened up to 3 h ago", "..."}: the message's words and one line of evidence.
struct AgeWords {
    std::string message;
    std::string evidence;
};
std::optional<AgeWords> oldest_age(const Snapshot& snap, const std::vector<const Socket*>& group, TcpState state);

// Worst first: severity, then kind (the enum order), then count descending; stable.
void sort_findings(std::vector<Finding>& out);

// "pid 4321 (oracle)", or "pid 4321" when its name is unknown. Raw: the caller's output escapes.
std::string describe_pid(const Snapshot& snap, Pid pid);
// Several holders of the same sockets in one phrase: "pid 4321 (oracle)" for one,
// "16 srv processes (pids 100, 101, 102, 103 and 12 more)", "2 processes (pids 1 (a), 2 (b))".
// pids ascending, not empty.
std::string describe_owners(const Snapshot& snap, const std::vector<Pid>& pids);
// Fills Finding::sockets from the sockets behind it (pointers into snap.sockets).
void set_sockets(Finding& f, const Snapshot& snap, const std::vector<const Socket*>& group);
// Fills pid, process and pids of a finding (pids: any order, duplicates allowed).
void set_owners(Finding& f, const Snapshot& snap, std::vector<Pid> pids);
// "0.7", "50", "12.5": one decimal unless whole.
std::string percent_text(double pct);
// The advice's last sentence: the exact `tcpstat kill FILTER` closing a finding's sockets (those
// like `sample`, in its namespace), or empty when no command can name that namespace.
std::string kill_stopgap(const Snapshot& snap, const Socket& sample, std::string_view filter);

}  // namespace tcpstat::doctor_detail
