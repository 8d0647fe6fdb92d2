// Owns the platform's text environment interface: the command line as UTF-8 and a console that shows UTF-8 and
// colour (implemented per platform in src/platform/*/console.cpp).
#pragma once

#include <string>
#include <vector>

namespace tcpstat {

// argv as UTF-8. On Windows the narrow argv is in the ANSI code page (a name outside it arrives
// as '?'), so the UTF-16 command line is converted instead; elsewhere argv is used as given.
class Utf8Args {
public:
    Utf8Args(int argc, char** argv);
    int argc() const { return static_cast<int>(ptrs_.size()) - 1; }
    char** argv() { return ptrs_.data(); }

private:
    std::vector<std::string> args_;
    std::vector<char*> ptrs_;  // into args_, ending in nullptr like argv
};

// Windows: makes the console show the UTF-8 that tcpstat writes (whatever its code page; the old
// code page is restored at exit) and turns on its escape-sequence (virtual terminal) processing
// for colour. Does nothing elsewhere, and nothing to files or pipes, which get the bytes as they are.
void setup_console();

// Whether a terminal on stdout can show colour escapes: false on a Windows console that refused
// virtual-terminal processing (--color auto then prints none); true elsewhere.
bool terminal_can_colour();

}  // namespace tcpstat
