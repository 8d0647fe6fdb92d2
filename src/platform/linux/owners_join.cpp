// Owns putting found owners in place: sorted per socket, and for packed rows laid out by row.
#include "owners_join.hpp"

#include <algorithm>

namespace tcpstat::procfs {
namespace {

bool by_pid_fd(const Owner& a, const Owner& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.fd < b.fd;
}

}  // namespace

void SnapshotJoin::done() {
    if (!shared_) return;
    for (Socket& s : snap_.sockets)
        if (s.owners.size() > 1) std::sort(s.owners.begin(), s.owners.end(), by_pid_fd);
}

void PackedJoin::done() {
    // A counting sort by row: linear, and no second copy of the pairs.
    std::vector<std::uint32_t> begin(rows_.size() + 1, 0);
    for (const auto& [row, owner] : found_) ++begin[row + 1];
    for (std::size_t i = 1; i < begin.size(); ++i) begin[i] += begin[i - 1];
    std::vector<Owner> owners(found_.size());
    {
        std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
        for (const auto& [row, owner] : found_) owners[next[row]++] = owner;
    }
    std::vector<std::pair<std::uint32_t, Owner>>().swap(found_);
    for (std::size_t i = 0; i + 1 < begin.size(); ++i)
        if (begin[i + 1] - begin[i] > 1) std::sort(owners.begin() + begin[i], owners.begin() + begin[i + 1], by_pid_fd);
    rows_.set_owners(std::move(owners), std::move(begin));
}

}  // namespace tcpstat::procfs
