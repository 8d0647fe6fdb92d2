// Owns netlink::read_tables: the inet_diag dumps of the requested tables (TCP's two families in one), with push-down.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kernel_facts_read.hpp"
#include "netlink.hpp"
#include "netlink_consumer.hpp"
#include "netlink_dump.hpp"
#include "netlink_parse.hpp"
#include "netlink_request.hpp"
#include "proc_file.hpp"
#include "users.hpp"

namespace tcpstat::netlink {

namespace {

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
                Snapshot& snap, int socket_fd, Streamer* streamer) {
    const std::string what = table_name(spec.protocol, spec.family);
    TableConsumer consumer(spec.protocol, snap.sockets, false, streamer);
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

// TCP over both families in one legacy dump; on a kernel that refuses that request type, the
// two per-family dumps. The rows come in the kernel's hash order with the families interleaved,
// as they arrive: moving them IPv4-first cost ~10 ms of 90 at 100k sockets (random-access swaps
// of the whole array) for an order nothing promises; --sort gives a defined one.
void dump_tcp_both_families(DumpSpec spec, const std::vector<std::uint8_t>& bytecode,
                            std::vector<std::uint8_t>& rx, Snapshot& snap, int socket_fd, Streamer* streamer) {
    spec.both_families = true;
    const std::string what = "tcp";
    TableConsumer consumer(Protocol::Tcp, snap.sockets, true, streamer);
    bool done = false;
    try {
        try {
            run_dump(build_request(spec, bytecode, 0), consumer, rx, what, socket_fd);
        } catch (const DumpFailed& e) {
            if (e.error() != EINVAL || bytecode.empty()) throw;
            run_dump(build_request(spec, {}, 0), consumer, rx, what, socket_fd);
        }
        done = true;
    } catch (const DumpFailed&) {
    } catch (const Unavailable&) {
        // Either only the legacy request type is refused, or netlink altogether: the
        // per-family dumps below tell which, with their own errors.
    }
    if (done) {
        add_warnings(snap, what, consumer.stats());
        return;
    }
    consumer.restart();
    spec.both_families = false;
    for (Family family : {Family::Inet, Family::Inet6}) {
        spec.family = family;
        dump_table(spec, bytecode, rx, snap, socket_fd, streamer);
    }
}

}  // namespace

// Reserves room for n sockets and asks for transparent huge pages on it. Filling 100k sockets
// page by page took ~4,500 page faults, which cost more than parsing them (measured: 20 MiB
// written in 4 KiB pages 80 ms, in huge pages 12 ms, on a paravirtualised guest). Pages never
// written stay unallocated either way, so a generous reservation costs no resident memory.
void reserve_sockets(std::vector<Socket>& v, std::size_t n) {
    if (n <= v.capacity()) return;
    v.reserve(n);
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t end = begin + v.capacity() * sizeof(Socket);
    const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
    if (end > first && end - first >= kHuge)
        ::madvise(reinterpret_cast<void*>(first), (end - first) & ~(kHuge - 1), MADV_HUGEPAGE);  // a hint
}

// Sizes the socket vector so it is allocated once: growing it by doubling copied every socket
// about twice and touched twice the memory. Reserving more than is used costs address space,
// not resident memory.
std::size_t expected_sockets(const CollectRequest& request) {
    std::uint64_t total = 0;
    const auto sockstat = procfs::read_proc_file("/proc/net/sockstat");
    const auto sockstat6 = procfs::read_proc_file("/proc/net/sockstat6");
    auto add = [&](const std::optional<std::string>& text, std::string_view protocol, std::string_view key) {
        if (text) total += procfs::sockstat_value(*text, protocol, key).value_or(0);
    };
    if (request.tcp) {
        add(sockstat, "TCP", "inuse");
        add(sockstat, "TCP", "tw");
        add(sockstat6, "TCP6", "inuse");
    }
    if (request.udp) {
        add(sockstat, "UDP", "inuse");
        add(sockstat6, "UDP6", "inuse");
    }
    return total == 0 ? 0 : total + total / 8 + 64;  // sockets opened meanwhile
}

Snapshot read_tables(const CollectRequest& request) { return read_tables(request, -1); }

namespace {

Snapshot read_tables(const CollectRequest& request, int socket_fd, SocketSink* sink) {
    Snapshot snap;
    snap.source = "netlink";
    const std::vector<std::uint8_t> bytecode = build_bytecode(request);
    std::vector<std::uint8_t> rx;  // one receive buffer for every dump
    // /proc/net/sockstat counts this process's namespace: no hint for a socket from another one.
    if (socket_fd < 0 && !sink) reserve_sockets(snap.sockets, expected_sockets(request));
    std::optional<Streamer> streamer;
    if (sink) {
        snap.sockets.reserve(kStreamBatch + 512);
        streamer.emplace(*sink, snap, request.user_names);
    }
    Streamer* const stream = streamer ? &*streamer : nullptr;

    for (Protocol proto : {Protocol::Tcp, Protocol::Udp}) {
        if (!(proto == Protocol::Tcp ? request.tcp : request.udp)) continue;
        const std::uint32_t states = kernel_state_mask(request.states, proto);
        if (states == 0) continue;  // no socket of this protocol could pass the filter
        if (proto == Protocol::Tcp && request.ipv4 && request.ipv6) {
            DumpSpec spec{proto, Family::Inet, states, request.extended};
            spec.want_memory = request.memory;
            dump_tcp_both_families(spec, bytecode, rx, snap, socket_fd, stream);
            continue;
        }
        for (Family family : {Family::Inet, Family::Inet6}) {
            if (!(family == Family::Inet ? request.ipv4 : request.ipv6)) continue;
            DumpSpec spec{proto, family, states, request.extended && proto == Protocol::Tcp};
            spec.want_memory = request.memory;
            dump_table(spec, bytecode, rx, snap, socket_fd, stream);
        }
    }
    if (stream) {
        stream->flush();
        return snap;
    }

    if (request.user_names) {
        procfs::UserNames names;
        procfs::fill_socket_users(snap, names);
    }
    return snap;
}

}  // namespace

Snapshot read_tables(const CollectRequest& request, int socket_fd) { return read_tables(request, socket_fd, nullptr); }

Snapshot read_tables(const CollectRequest& request, SocketSink& sink) { return read_tables(request, -1, &sink); }

}  // namespace tcpstat::netlink
