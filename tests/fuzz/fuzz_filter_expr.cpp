// Owns the libFuzzer target for ss-style filter expressions: parsing, evaluation and the state superset.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/expression.hpp"

using namespace tcpstat;

namespace {

Socket probe(std::string_view laddr, std::uint16_t lport, std::string_view raddr, std::uint16_t rport, TcpState st) {
    Socket s;
    s.local = {*parse_address(laddr), lport};
    s.remote = {*parse_address(raddr), rport};
    s.family = s.local.addr.family;
    s.state = st;
    return s;
}

}  // namespace

// The input is the command line's positional words, separated by NUL bytes.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> words(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0) words.emplace_back();
        else words.back().push_back(static_cast<char>(data[i]));
    }
    try {
        const Expression e = parse_expression(words);
        static const Socket probes[] = {
            probe("127.0.0.1", 6800, "10.1.2.3", 40000, TcpState::CloseWait),
            probe("::1", 22, "::", 0, TcpState::Listen),
            probe("::ffff:127.0.0.1", 8080, "::ffff:10.9.9.9", 1, TcpState::Established),
            probe("0.0.0.0", 0, "0.0.0.0", 65535, TcpState::TimeWait),
        };
        const StateMask superset = e.state_superset();
        for (const Socket& s : probes) {
            // A socket the tree accepts has a state the kernel's bitmask lets through.
            if (e.matches(s)) FUZZ_CHECK(superset.has(s.state));
        }
        for (const ExprNode& n : e.nodes()) {
            FUZZ_CHECK(n.left < static_cast<std::int32_t>(e.nodes().size()));
            FUZZ_CHECK(n.right < static_cast<std::int32_t>(e.nodes().size()));
        }
    } catch (const UsageError& e) {
        // Bad input is one line naming what was wrong; anything else escapes and libFuzzer reports it.
        const std::string_view msg = e.what();
        FUZZ_CHECK(msg.find("invalid filter expression") != std::string_view::npos ||
                   msg.find("too long") != std::string_view::npos);
    }
    return 0;
}
