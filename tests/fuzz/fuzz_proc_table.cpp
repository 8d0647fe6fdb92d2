// Owns the libFuzzer target for procfs::parse_table (/proc/net/{tcp,tcp6,udp,udp6} text).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "procfs.hpp"

using namespace tcpstat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t lines = 0;
    for (char c : text) lines += c == '\n';
    ++lines;  // a last line without '\n'
    for (Family family : {Family::Inet, Family::Inet6}) {
        for (Protocol proto : {Protocol::Tcp, Protocol::Udp}) {
            std::vector<Socket> out(1);  // parse_table appends: what was there must stay
            out[0].local.port = 4242;
            const auto stats = procfs::parse_table(text, proto, family, out);
            FUZZ_CHECK(out.size() == 1 + stats.rows);
            FUZZ_CHECK(out[0].local.port == 4242);
            FUZZ_CHECK(stats.rows + stats.malformed <= lines);
            FUZZ_CHECK((stats.malformed == 0) == (stats.first_malformed_line == 0));
            FUZZ_CHECK(stats.first_malformed_line <= lines);
            for (std::size_t i = 1; i < out.size(); ++i) {
                const Socket& s = out[i];
                FUZZ_CHECK(s.protocol == proto && s.family == family);
                FUZZ_CHECK(s.local.addr.family == family && s.remote.addr.family == family);
                FUZZ_CHECK(!s.inode || *s.inode != 0);
                FUZZ_CHECK(!s.retransmits || proto == Protocol::Tcp);
            }
        }
    }
    return 0;
}
