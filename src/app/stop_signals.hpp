// Owns ending a repeating command (--watch, doctor --for) by Ctrl-C, kill, Ctrl-\ or a closed terminal.
#pragma once

#include <chrono>

namespace tcpstat::app {

// Installs the stop handlers for its lifetime. The first signal asks the loop to stop after the
// step in progress; a second one means the loop is stuck (a reader that stopped reading) and
// leaves at once, exit 0, showing the terminal's cursor again if the caller hid it.
class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct Saved;
    Saved* saved_;
};

// Whether a stop signal arrived since the StopSignals was installed.
bool stop_requested();

// Sleeps until `when` or a stop signal; false when stopped.
bool wait_until(std::chrono::steady_clock::time_point when);

// Tells the forced exit that standard output's terminal cursor is hidden (so it shows it).
void set_cursor_hidden(bool hidden);

// Writes the show-cursor sequence to standard output if set_cursor_hidden(true) is in effect.
void show_cursor_if_hidden();

}  // namespace tcpstat::app
