// Owns the interface of `tcpstat record`: the platform keeps each socket's time of its last state change between runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcpstat {

enum class RecordAction { Start, Stop, Status };

struct RecordStatus {
    bool recording = false;          // after the action
    bool changed = false;            // start started it, stop stopped it (false: it already was so)
    std::string where;               // where it is kept (Linux: the bpffs pin directory)
    std::vector<std::string> notes;  // one line each for people, e.g. "mounted bpffs at /sys/fs/bpf"
    std::optional<std::int64_t> since_unix_ms;  // when recording started
    std::uint64_t sockets = 0;       // sockets with a recorded transition
    std::uint64_t capacity = 0;      // sockets it can hold
    std::uint64_t transitions = 0;   // transitions recorded since start
    std::uint64_t refused = 0;       // transitions the map could not take
};

// Starts, stops or reports the recorder. Throws RuntimeError with one line naming what is
// missing (privilege, kernel BTF, a build without the toolchain, another OS).
RecordStatus control_recorder(RecordAction action);

}  // namespace tcpstat
