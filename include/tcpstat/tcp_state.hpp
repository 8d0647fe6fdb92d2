// Owns the one socket-state enum shared by every backend, its names, and the parsing of state lists.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tcpstat/types.hpp"

namespace tcpstat {

// Values 1..12 are Linux's TCP_* numbers (src/platform/linux/kernel_state.cpp maps them, and
// the netlink request pushes a mask down unchanged); Windows translates (mib_convert.cpp). UDP sockets reuse Established (connected) and Close
// (unconnected) exactly as the kernel stores them; they are *named* ESTAB/UNCONN for UDP.
enum class TcpState : std::uint8_t {
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    Close = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
    NewSynRecv = 12,
    DeleteTcb = 13,  // Windows only: the TCB is being deleted
};

inline constexpr int kStateCount = 14;  // index range of StateMask bits (0 unused)

// A set of states as a bitmask (bit n = state with value n); Linux's inet_diag idiag_states
// uses the same layout, which lets the netlink backend push it down unchanged.
class StateMask {
public:
    constexpr StateMask() = default;
    constexpr explicit StateMask(std::uint32_t bits) : bits_(bits) {}
    static constexpr StateMask all() { return StateMask(((1u << kStateCount) - 1u) & ~1u); }
    static constexpr StateMask of(TcpState s) { return StateMask(1u << static_cast<unsigned>(s)); }

    constexpr bool has(TcpState s) const { return (bits_ >> static_cast<unsigned>(s)) & 1u; }
    constexpr void add(TcpState s) { bits_ |= 1u << static_cast<unsigned>(s); }
    constexpr void add(StateMask m) { bits_ |= m.bits_; }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr bool is_all() const { return (bits_ & all().bits_) == all().bits_; }
    constexpr std::uint32_t bits() const { return bits_; }
    constexpr bool operator==(const StateMask&) const = default;

private:
    std::uint32_t bits_ = 0;
};

// Canonical upper-case name: "ESTABLISHED", "CLOSE_WAIT", ... For UDP, Established prints as
// "ESTAB" and Close as "UNCONN" (as ss does), because UDP has no TCP state machine.
std::string_view state_name(TcpState s, Protocol proto = Protocol::Tcp);

// Lower-case name used in machine formats and metrics labels: "close_wait", "unconn", ...
std::string_view state_key(TcpState s, Protocol proto = Protocol::Tcp);

// Parses one state or group name in any common spelling: close_wait, CLOSE-WAIT, closewait,
// CloseWait, "close wait"; groups: all, connected, synchronized, listening, bucket, big,
// unconn. Returns nullopt when unknown.
std::optional<StateMask> parse_state_word(std::string_view word);

// True when `given` is the normalised word `norm` ("closewait") in any of the spellings above.
bool state_word_is(std::string_view given, std::string_view norm);

// The group words (all, connected, synchronized, listening, bucket, big), normalised.
std::span<const std::string_view> state_group_words();

// Parses a comma-separated list (OR). Throws UsageError naming the bad word and listing the
// accepted names.
StateMask parse_state_list(std::string_view list);

// The accepted spellings, for error messages and completion: "established, syn_sent, ...".
std::string accepted_state_names();

}  // namespace tcpstat
