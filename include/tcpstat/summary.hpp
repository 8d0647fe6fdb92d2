// Owns the per-protocol, per-state summary (tcpstat summary).
#pragma once

#include <array>
#include <cstdint>

#include "tcpstat/model.hpp"
#include "tcpstat/result_table.hpp"

namespace tcpstat {

// Counts per protocol x state, one row each, with columns proto, state, ipv4, ipv6, total
// (name "summary"). Every state of each requested protocol appears, zero counts included, in
// state-machine order (TCP: LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2,
// CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSE, then NEW_SYN_RECV/DELETE_TCB only if
// non-zero; UDP: UNCONN, ESTAB), followed by one "total" row per protocol (state = "total").
Table summarize(const Snapshot& snap, bool tcp, bool udp);

// The counts summarize() tabulates, fed one socket at a time, so a summary read as the dump
// arrives never holds the sockets.
class SummaryCounts {
public:
    void add(const Socket& s);
    Table table(bool tcp, bool udp) const;

private:
    // [protocol][state][family]
    std::array<std::array<std::array<std::int64_t, 2>, kStateCount>, 2> counts_{};
};

}  // namespace tcpstat
