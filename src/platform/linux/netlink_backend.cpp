// Owns netlink::read_tables: one inet_diag dump per requested (protocol, family), with push-down.
#include <cerrno>
#include <string>

#include "netlink.hpp"
#include "netlink_dump.hpp"
#include "netlink_parse.hpp"
#include "netlink_request.hpp"
#include "users.hpp"

namespace tcpstat::netlink {

namespace {

// Appends one table's sockets to `out`; a retried dump rolls back to where this table began.
class TableConsumer : public DumpConsumer {
public:
    TableConsumer(Protocol proto, std::vector<Socket>& out) : proto_(proto), out_(out), base_(out.size()) {}

    void restart() override {
        out_.erase(out_.begin() + static_cast<std::ptrdiff_t>(base_), out_.end());
        stats_ = ParseStats{};
    }

    BufferResult consume(std::span<const std::uint8_t> buffer, std::uint32_t seq, std::uint32_t portid) override {
        const ParseContext ctx{proto_, seq, portid};
        const BufferStatus st = parse_buffer(buffer, ctx, out_, stats_);
        return BufferResult{st, stats_.error};
    }

    const ParseStats& stats() const { return stats_; }

private:
    Protocol proto_;
    std::vector<Socket>& out_;
    std::size_t base_;
    ParseStats stats_;
};

std::string table_name(Protocol p, Family f) {
    return std::string(protocol_name(p)) + "/" + std::string(family_name(f));
}

void add_warnings(Snapshot& snap, const std::string& table, const ParseStats& st) {
    if (st.unknown_state)
        snap.warnings.push_back("netlink " + table + ": skipped " + std::to_string(st.unknown_state) +
                                " sockets in an unknown state (first: " + std::to_string(st.first_unknown_state) + ")");
    if (st.malformed)
        snap.warnings.push_back("netlink " + table + ": skipped " + std::to_string(st.malformed) +
                                " malformed messages");
}

void dump_table(const DumpSpec& spec, const std::vector<std::uint8_t>& bytecode, std::vector<std::uint8_t>& rx,
                Snapshot& snap, int socket_fd) {
    const std::string what = table_name(spec.protocol, spec.family);
    TableConsumer consumer(spec.protocol, snap.sockets);
    try {
        run_dump(build_request(spec, bytecode, 0), consumer, rx, what, socket_fd);
    } catch (const DumpFailed& e) {
        // A kernel whose bytecode auditor rejects our program: the unfiltered dump is a
        // superset, and the core filter still runs, so the answer stays the same.
        if (e.error() != EINVAL || bytecode.empty()) throw;
        run_dump(build_request(spec, {}, 0), consumer, rx, what, socket_fd);
    }
    add_warnings(snap, what, consumer.stats());
}

}  // namespace

Snapshot read_tables(const CollectRequest& request) { return read_tables(request, -1); }

Snapshot read_tables(const CollectRequest& request, int socket_fd) {
    Snapshot snap;
    snap.source = "netlink";
    const std::vector<std::uint8_t> bytecode =
        build_port_bytecode(request.sports, request.dports, request.any_ports);
    std::vector<std::uint8_t> rx;  // one receive buffer for every dump

    for (Protocol proto : {Protocol::Tcp, Protocol::Udp}) {
        if (!(proto == Protocol::Tcp ? request.tcp : request.udp)) continue;
        const std::uint32_t states = kernel_state_mask(request.states, proto);
        if (states == 0) continue;  // no socket of this protocol could pass the filter
        for (Family family : {Family::Inet, Family::Inet6}) {
            if (!(family == Family::Inet ? request.ipv4 : request.ipv6)) continue;
            const DumpSpec spec{proto, family, states, request.extended && proto == Protocol::Tcp};
            dump_table(spec, bytecode, rx, snap, socket_fd);
        }
    }

    procfs::UserNames names;
    procfs::fill_socket_users(snap, names);
    return snap;
}

}  // namespace tcpstat::netlink
