// Tests that half-open handshakes are found by every spelling of their state, on both sources.
#include <gtest/gtest.h>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

// Linux's own name for a half-open handshake is NEW_SYN_RECV, but both sources report it as
// SYN_RECV: `-s new_syn_recv` once matched nothing at all.
TEST(SynRecv, NewSynRecvIsAnAliasOnBothSources) {
    constexpr int kHalfOpen = 5;
    HalfOpenHandshakes h(false, kHalfOpen);
    const std::string port = std::to_string(h.port);
    for (const char* source : {"netlink", "proc"}) {
        for (const char* word : {"syn_recv", "new_syn_recv", "NEW-SYN-RECV"}) {
            auto r = run_tcpstat({"--source", source, "-s", word, "--sport", port, "--count"});
            EXPECT_EQ(r.exit_code, 0) << source << " " << word << "\n" << r.err;
            EXPECT_EQ(r.out, std::to_string(kHalfOpen) + "\n") << source << " " << word;
        }
        auto rows = run_tcpstat({"--source", source, "-s", "new_syn_recv", "--sport", port, "-H", "-f", "tsv",
                                 "--fields", "state"});
        for (const auto& line : lines_of(rows.out)) EXPECT_EQ(line, "SYN_RECV") << source;
    }
}
