// Owns the Windows text environment: the UTF-16 command line as UTF-8, the console's code page and escape processing.
#include "windows_headers.hpp"
#include <shellapi.h>

#include <cstdlib>

#include "process_names.hpp"
#include "tcpstat/console.hpp"

namespace tcpstat {

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

}  // namespace tcpstat
