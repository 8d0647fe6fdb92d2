// Owns judging each network namespace alone: splitting a multi-namespace snapshot into one
// snapshot per namespace, diagnosing each against its own kernel facts, tagging the findings.
#include <map>
#include <optional>
#include <utility>

#include "doctor_checks.hpp"

namespace tcpstat {

std::vector<Finding> diagnose_each_netns(const Snapshot& snap, const DoctorSettings& set) {
    // A namespace with facts but no socket still has counters and settings to report.
    // Each part with the index in `snap` of each of its sockets, so findings point into `snap`.
    std::map<std::optional<std::uint64_t>, std::pair<Snapshot, std::vector<std::size_t>>> parts;
    for (const auto& [inode, facts] : snap.netns_facts) parts[inode];
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) {
        const Socket& s = snap.sockets[i];
        auto& [part, origin] = parts[s.netns];
        part.sockets.push_back(s);
        origin.push_back(i);
        for (const Owner& o : s.owners)
            if (const Process* p = snap.process(o.pid)) part.processes.emplace(o.pid, *p);
    }
    std::vector<Finding> out;
    for (const auto& [inode, split] : parts) {
        const auto& [part, origin] = split;
        const auto facts = inode ? snap.netns_facts.find(*inode) : snap.netns_facts.end();
        std::vector<Finding> found =
            diagnose(part, facts == snap.netns_facts.end() ? KernelFacts{} : facts->second, set);
        for (Finding& f : found) {
            f.netns = inode;
            for (std::size_t& i : f.sockets) i = origin[i];
            out.push_back(std::move(f));
        }
    }
    doctor_detail::sort_findings(out);
    return out;
}

}  // namespace tcpstat
