// Owns the libFuzzer target for netlink::parse_buffer (received NETLINK_SOCK_DIAG buffers).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "netlink_parse.hpp"

using namespace tcpstat;
using netlink::BufferStatus;

namespace {

// Feeds the parser as the dump loop does: buffer after buffer until it stops asking for more.
void run(std::span<const std::uint8_t> bytes, Protocol proto, std::size_t split) {
    netlink::ParseContext ctx;
    ctx.protocol = proto;
    // The recorded seeds carry their request's sequence number; take the first message's, so
    // mutations reach the decoding instead of being ignored as foreign.
    if (bytes.size() >= 12) std::memcpy(&ctx.seq, bytes.data() + 8, 4);
    std::vector<Socket> out;
    netlink::ParseStats stats;
    std::size_t before = 0;
    for (auto piece : {bytes.first(split), bytes.subspan(split)}) {
        const auto status = netlink::parse_buffer(piece, ctx, out, stats);
        FUZZ_CHECK(out.size() == stats.sockets);
        FUZZ_CHECK(out.size() >= before);
        before = out.size();
        if (status == BufferStatus::Failed) FUZZ_CHECK(stats.error > 0);
        if (status != BufferStatus::More) break;
    }
    for (const Socket& s : out) {
        FUZZ_CHECK(s.protocol == proto);
        FUZZ_CHECK(s.family == Family::Inet || s.family == Family::Inet6);
        FUZZ_CHECK(s.local.addr.family == s.family && s.remote.addr.family == s.family);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A fresh copy at an odd address: the parser promises no alignment needs.
    std::vector<std::uint8_t> storage(size + 1);
    if (size) std::memcpy(storage.data() + 1, data, size);
    std::span<const std::uint8_t> bytes(storage.data() + 1, size);
    run(bytes, Protocol::Tcp, size);
    run(bytes, Protocol::Udp, size);
    // Split at an input-chosen point too: a message cut across two buffers must not be misread.
    if (size > 0) run(bytes, Protocol::Tcp, data[size - 1] % (size + 1));
    return 0;
}
