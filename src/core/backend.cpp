// Owns what a Backend does unless it does better: owners for packed rows by unpacking them.
#include "tcpstat/backend.hpp"

namespace tcpstat {

void Backend::attach_packed_owners(PackedSockets& rows, Snapshot& context, const OwnerRequest& request) {
    context.sockets.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows.decode(i, context.sockets[i]);
    attach_owners(context, request);
    std::vector<Owner> owners;
    std::vector<std::uint32_t> begin;
    begin.reserve(rows.size() + 1);
    for (const Socket& s : context.sockets) {
        begin.push_back(static_cast<std::uint32_t>(owners.size()));
        owners.insert(owners.end(), s.owners.begin(), s.owners.end());
    }
    begin.push_back(static_cast<std::uint32_t>(owners.size()));
    rows.set_owners(std::move(owners), std::move(begin));
    std::vector<Socket>().swap(context.sockets);
}

}  // namespace tcpstat
