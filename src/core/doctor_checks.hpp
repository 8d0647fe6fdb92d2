// Owns the interface between doctor.cpp and the individual checks (doctor_*.cpp); core-private.
#pragma once

#include <string>
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

// "pid 4321 (oracle)", or "pid 4321" when its name is unknown. Raw: the caller's output escapes.
std::string describe_pid(const Snapshot& snap, Pid pid);
// Fills pid and process of a finding.
void set_owner(Finding& f, const Snapshot& snap, Pid pid);
// "0.7", "50", "12.5": one decimal unless whole.
std::string percent_text(double pct);

}  // namespace tcpstat::doctor_detail
