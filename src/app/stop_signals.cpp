// Owns the stop signals of repeating commands: the handlers, the flag, and a sleep that a signal cuts short.
#include "app/stop_signals.hpp"

#include <csignal>
#include <cstdlib>
#include <iterator>

#ifdef _WIN32
#include <io.h>
#include <algorithm>
#include <thread>
#else
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#endif

namespace tcpstat::app {
namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_cursor_hidden = 0;

constexpr char kShowCursor[] = "\x1b[?25h";

extern "C" void on_stop_signal(int) {
    if (g_stop) {
        show_cursor_if_hidden();
        std::_Exit(0);
    }
    g_stop = 1;
}

#ifndef _WIN32
// Every catchable way a terminal user or a supervisor ends the loop: Ctrl-C, kill, Ctrl-\, the
// terminal closing.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
#endif

}  // namespace

struct StopSignals::Saved {
#ifdef _WIN32
    void (*old_int)(int) = nullptr;
    void (*old_term)(int) = nullptr;
#else
    struct sigaction old[std::size(kStopSignals)]{};
#endif
};

StopSignals::StopSignals() : saved_(new Saved) {
    g_stop = 0;
#ifdef _WIN32
    saved_->old_int = std::signal(SIGINT, on_stop_signal);
    saved_->old_term = std::signal(SIGTERM, on_stop_signal);
#else
    struct sigaction sa{};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    // Restart interrupted reads and writes so a signal never turns into a spurious I/O error;
    // the sleep (ppoll) is never restarted, so it still wakes at once.
    sa.sa_flags = SA_RESTART;
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &sa, &saved_->old[i]);
#endif
}

StopSignals::~StopSignals() {
#ifdef _WIN32
    std::signal(SIGINT, saved_->old_int);
    std::signal(SIGTERM, saved_->old_term);
#else
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &saved_->old[i], nullptr);
#endif
    delete saved_;
}

bool stop_requested() { return g_stop != 0; }

bool wait_until(Clock::time_point when) {
#ifdef _WIN32
    while (!g_stop && Clock::now() < when)
        std::this_thread::sleep_for(std::min<Clock::duration>(when - Clock::now(), std::chrono::milliseconds(50)));
#else
    // Signals stay blocked except inside ppoll, so one arriving between the check of g_stop and
    // the sleep is not lost until the next step.
    sigset_t stop_set, old;
    sigemptyset(&stop_set);
    for (int sig : kStopSignals) sigaddset(&stop_set, sig);
    sigprocmask(SIG_BLOCK, &stop_set, &old);
    sigset_t during = old;
    for (int sig : kStopSignals) sigdelset(&during, sig);
    while (!g_stop) {
        auto left = when - Clock::now();
        if (left <= Clock::duration::zero()) break;
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
        ppoll(nullptr, 0, &ts, &during);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
#endif
    return !g_stop;
}

void set_cursor_hidden(bool hidden) { g_cursor_hidden = hidden ? 1 : 0; }

void show_cursor_if_hidden() {
    // Async-signal-safe: a plain write(2) of a constant, result deliberately ignored.
    if (g_cursor_hidden) (void)!::write(1, kShowCursor, sizeof kShowCursor - 1);
}

}  // namespace tcpstat::app
