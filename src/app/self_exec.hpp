// Owns running this same binary again (/proc/self/exe) with arguments, its output captured.
#pragma once

#include <string>
#include <vector>

namespace tcpstat::app {

struct SelfExecResult {
    int exit_code = -1;  // 128+N when killed by signal N; -1 when it could not start
    std::string output;  // stdout and stderr together
};

// Runs `tcpstat ARGS...` with stdin from /dev/null, bounded by `timeout_seconds` (then killed).
SelfExecResult run_self(const std::vector<std::string>& args, int timeout_seconds = 30);

}  // namespace tcpstat::app
