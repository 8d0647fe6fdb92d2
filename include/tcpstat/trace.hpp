// Owns the platform-free model of `tcpstat trace`: one TCP state transition, the source that yields them, the end summary.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tcpstat/result_table.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

// Who sent the first FIN: this side (active close, ends in TIME_WAIT) or the peer (passive
// close: CLOSE_WAIT until the program calls close()).
enum class CloseKind : std::uint8_t { None, Active, Passive };

struct Transition {
    std::int64_t time_ns = 0;  // wall clock, ns since the Unix epoch
    // Addresses, family, netns; state is the new state; owners holds the owning pid when known.
    Socket socket;
    TcpState old_state = TcpState::Close;
    std::optional<std::uint64_t> in_old_state_ns;  // absent when the old state's start was not seen
    std::optional<std::string> process;            // the owner's name (comm), with the pid
    CloseKind close = CloseKind::None;
    std::uint64_t cookie = 0;                      // the kernel's socket cookie
};

struct TraceRequest {
    bool all_netns = false;  // else only tcpstat's own network namespace
};

// A live stream of transitions; the platform defines open_transition_source().
class TransitionSource {
public:
    virtual ~TransitionSource() = default;
    // Waits up to timeout_ms for transitions and hands each to `sink`.
    virtual void poll(int timeout_ms, const std::function<void(const Transition&)>& sink) = 0;
    virtual std::uint64_t lost() const = 0;       // dropped because the kernel's buffer was full
    virtual std::uint64_t untracked() const = 0;  // sockets whose owner/durations could not be kept
};

// Throws RuntimeError with one line naming what is missing (privilege, kernel BTF, a build
// without the toolchain, the OS) and what would enable it.
std::unique_ptr<TransitionSource> open_transition_source(const TraceRequest& request);

std::string_view close_kind_name(CloseKind k);  // "active", "passive", "" for None

// The columns of one transition row and its values (null where unknown).
std::vector<Column> transition_columns();
std::vector<Value> transition_row(const Transition& t);

// Counts per state pair and per owning process, for the end of a trace.
class TraceSummary {
public:
    void add(const Transition& t);
    std::uint64_t total() const { return total_; }
    Table pairs() const;      // name "pairs": from, to, count; largest first
    Table processes() const;  // name "processes": pid, process, count; largest first

private:
    std::uint64_t total_ = 0;
    std::map<std::pair<TcpState, TcpState>, std::uint64_t> pairs_;
    std::map<std::pair<std::optional<Pid>, std::string>, std::uint64_t> processes_;
};

}  // namespace tcpstat
