// Owns judging each network namespace alone: splitting a multi-namespace snapshot into one
// snapshot per namespace, diagnosing each against its own kernel facts, tagging the findings.
#include <map>
#include <optional>
#include <utility>

#include "doctor_checks.hpp"

namespace tcpstat {

std::vector<Finding> diagnose_each_netns(const Snapshot& snap, const DoctorSettings& set) {
    // A namespace with facts but no socket still has counters and settings to report.
    std::map<std::optional<std::uint64_t>, Snapshot> parts;
    for (const auto& [inode, facts] : snap.netns_facts) parts[inode];
    for (const Socket& s : snap.sockets) {
        Snapshot& part = parts[s.netns];
        part.sockets.push_back(s);
        for (const Owner& o : s.owners)
            if (const Process* p = snap.process(o.pid)) part.processes.emplace(o.pid, *p);
    }
    std::vector<Finding> out;
    for (const auto& [inode, part] : parts) {
        const auto facts = inode ? snap.netns_facts.find(*inode) : snap.netns_facts.end();
        std::vector<Finding> found =
            diagnose(part, facts == snap.netns_facts.end() ? KernelFacts{} : facts->second, set);
        for (Finding& f : found) {
            f.netns = inode;
            out.push_back(std::move(f));
        }
    }
    doctor_detail::sort_findings(out);
    return out;
}

}  // namespace tcpstat
