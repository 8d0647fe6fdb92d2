// Owns the Linux text environment: argv is already the bytes the user typed, and a terminal takes escapes as they are.
#include "tcpstat/console.hpp"

namespace tcpstat {

Utf8Args::Utf8Args(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) args_.emplace_back(argv[i]);
    for (std::string& a : args_) ptrs_.push_back(a.data());
    ptrs_.push_back(nullptr);
}

void setup_console() {}

bool terminal_can_colour() { return true; }

}  // namespace tcpstat
