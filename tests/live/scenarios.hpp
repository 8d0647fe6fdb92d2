// Owns the socket populations live tests build in child processes: a leaky server, an
// established pair, a TIME_WAIT, a UDP socket.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "live/support.hpp"

namespace tcpstat::testing {

// A server that accepts `n` connections and never closes them; the clients (in the same child)
// close, so the server holds `n` CLOSE_WAIT sockets and the orphaned clients sit in FIN_WAIT2.
struct LeakyServer {
    std::unique_ptr<Child> child;
    std::uint16_t port = 0;
    LeakyServer(bool v6, int n, const std::string& name = "leaky-srv");
};

// A leak that grows at a known pace: the child leaks `per_batch` CLOSE_WAIT sockets at once,
// then (a thread of the same child, on an absolute schedule) `per_batch` more every
// `interval_ms`, `batches` times in all; the server side is held, the clients close.
struct GrowingLeak {
    std::unique_ptr<Child> child;
    std::uint16_t port = 0;
    GrowingLeak(int per_batch, int interval_ms, int batches, const std::string& name);
};

// A listener with one accepted, open connection: LISTEN + two ESTABLISHED ends, one process.
struct EstablishedPair {
    std::unique_ptr<Child> child;
    std::uint16_t port = 0;         // listener
    std::uint16_t client_port = 0;  // the client's ephemeral port
    EstablishedPair(bool v6, const std::string& name = "estab-pair");
};

// `n` half-open handshakes on one listener: TCP_DEFER_ACCEPT makes the listener drop the bare
// final ACK, so each connection stays a request socket (SYN_RECV) while its client, in the
// same child, is ESTABLISHED and sends nothing.
struct HalfOpenHandshakes {
    std::unique_ptr<Child> child;
    std::uint16_t port = 0;
    HalfOpenHandshakes(bool v6, int n);
};

// Waits (bounded, 3 s) until `n` clients of the listener on `port` have reached FIN_WAIT2 in this
// process's network namespace: after close() the peer may delay its ACK of the FIN.
void wait_for_orphaned_clients(bool v6, std::uint16_t port, int n);
// Likewise (bounded, 3 s) until `n` clients of the listener on `port` have reached TIME_WAIT.
void wait_for_time_wait(bool v6, std::uint16_t port, int n);

// Closes a connection client-first so the client side is left in TIME_WAIT (no owner).
// Returns the listener port whose peer sits in TIME_WAIT; done in this process.
std::uint16_t make_time_wait(bool v6);

// For a Child body: opens a loopback listener and `pairs` connections to it, all held by this
// process (raising its fd limit), and returns the listener's port as the ready line, or
// "no-fds" / "connect-failed".
std::string hold_loopback_pairs(int pairs);

}  // namespace tcpstat::testing
