// Owns the libFuzzer target for procfs::parse_table and TableParser (/proc/net/{tcp,tcp6,udp,udp6} text, whole or in pieces).
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
            // The same text in three pieces, cut where its first bytes say, parses the same.
            std::vector<Socket> pieces;
            procfs::TableParser parser(proto, family, pieces);
            const std::size_t a = size ? data[0] % (size + 1) : 0;
            const std::size_t b = a + (size > 1 ? data[1] % (size - a + 1) : 0);
            parser.feed(text.substr(0, a));
            parser.feed(text.substr(a, b - a));
            parser.feed(text.substr(b));
            const auto again = parser.finish();
            FUZZ_CHECK(again.rows == stats.rows && again.malformed == stats.malformed);
            FUZZ_CHECK(again.first_malformed_line == stats.first_malformed_line);
            FUZZ_CHECK(pieces.size() == stats.rows);
            for (std::size_t i = 0; i < pieces.size(); ++i) {
                FUZZ_CHECK(pieces[i].local == out[i + 1].local && pieces[i].remote == out[i + 1].remote);
                FUZZ_CHECK(pieces[i].state == out[i + 1].state && pieces[i].uid == out[i + 1].uid);
                FUZZ_CHECK(pieces[i].inode == out[i + 1].inode && pieces[i].tx_queue == out[i + 1].tx_queue);
            }
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
