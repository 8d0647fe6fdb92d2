// Owns the two error kinds every layer may throw: a usage error (bad input) and a runtime error.
#pragma once

#include <stdexcept>
#include <string>

namespace tcpstat {

// Thrown for bad command-line input or bad values inside it; the app prints the message on one
// line and exits 2. The message names what was wrong and what is accepted.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown when the data cannot be obtained at all (no table readable, output failed). Data that is
// only partly unreadable is a warning in the Snapshot, never this.
class RuntimeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tcpstat
