// Owns the UTF-8 command line and the Windows console's code page and escape processing.
#include "app/console.hpp"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <shellapi.h>

#include <cstdlib>

#include "platform/windows/process_names.hpp"
#endif

namespace tcpstat::app {

#ifdef _WIN32
namespace {

bool g_colour_ok = true;
UINT g_old_output_cp = 0;

void restore_code_page() {
    if (g_old_output_cp != 0) SetConsoleOutputCP(g_old_output_cp);
}

// A console handle takes escape sequences only with ENABLE_VIRTUAL_TERMINAL_PROCESSING (Windows
// 10 1511 and later); a redirected handle is no console and is left alone.
bool enable_escapes(DWORD which) {
    HANDLE h = GetStdHandle(which);
    DWORD mode = 0;
    if (h == INVALID_HANDLE_VALUE || h == nullptr || !GetConsoleMode(h, &mode)) return true;
    constexpr DWORD kVirtualTerminal = 0x0004;  // ENABLE_VIRTUAL_TERMINAL_PROCESSING
    if (mode & kVirtualTerminal) return true;
    return SetConsoleMode(h, mode | kVirtualTerminal) != 0;
}

}  // namespace

Utf8Args::Utf8Args(int argc, char** argv) {
    int n = 0;
    LPWSTR* wide = CommandLineToArgvW(GetCommandLineW(), &n);
    if (wide != nullptr && n == argc) {
        for (int i = 0; i < n; ++i) args_.push_back(win::utf8_from_wide(wide[i]));
    } else {
        // Should not happen; the narrow argv is still better than none.
        for (int i = 0; i < argc; ++i) args_.emplace_back(argv[i]);
    }
    if (wide != nullptr) LocalFree(wide);
    for (std::string& a : args_) ptrs_.push_back(a.data());
    ptrs_.push_back(nullptr);
}

void setup_console() {
    const UINT cp = GetConsoleOutputCP();
    if (cp != 0 && cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8)) {
        // The code page belongs to the console, shared with the shell that started tcpstat.
        g_old_output_cp = cp;
        std::atexit(restore_code_page);
    }
    g_colour_ok = enable_escapes(STD_OUTPUT_HANDLE);
    enable_escapes(STD_ERROR_HANDLE);
}

bool terminal_can_colour() { return g_colour_ok; }

#else

Utf8Args::Utf8Args(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) args_.emplace_back(argv[i]);
    for (std::string& a : args_) ptrs_.push_back(a.data());
    ptrs_.push_back(nullptr);
}

void setup_console() {}

bool terminal_can_colour() { return true; }

#endif

}  // namespace tcpstat::app
