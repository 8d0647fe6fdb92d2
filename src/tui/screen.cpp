// Owns the curses terminal session of `tcpstat top`: set up, keys, colours, and restoring the terminal.
#include "tui/screen.hpp"

#include <curses.h>

#include <clocale>
#include <string>

#include "tcpstat/error.hpp"

namespace tcpstat::tui {
namespace {

short pair_of(Paint p) { return static_cast<short>(p) + 1; }

}  // namespace

Screen::Screen(bool color) {
    std::setlocale(LC_ALL, "");
    if (!initscr()) throw RuntimeError("cannot start the terminal view (curses initscr failed; is TERM set?)");
    open_ = true;
    cbreak();  // Ctrl-C stays a signal, handled like SIGTERM
    noecho();
    keypad(stdscr, TRUE);
    nonl();
    curs_set(0);
    set_escdelay(25);  // Esc goes back at once instead of after a second
    color_ = color && has_colors();
    if (color_) {
        start_color();
        use_default_colors();
        init_pair(pair_of(Paint::Plain), -1, -1);
        init_pair(pair_of(Paint::New), COLOR_GREEN, -1);
        init_pair(pair_of(Paint::Changed), COLOR_YELLOW, -1);
        init_pair(pair_of(Paint::Gone), COLOR_RED, -1);
        init_pair(pair_of(Paint::Header), COLOR_CYAN, -1);
        init_pair(pair_of(Paint::Error), COLOR_RED, -1);
        init_pair(pair_of(Paint::Selected), -1, -1);
    }
}

Screen::~Screen() { restore(); }

void Screen::restore() {
    if (!open_) return;
    open_ = false;
    curs_set(1);
    endwin();
}

int Screen::key(int timeout_ms) {
    timeout(timeout_ms);
    const int k = getch();
    return k == ERR ? -1 : k;
}

int Screen::rows() const { return LINES; }
int Screen::cols() const { return COLS; }

void Screen::clear() { erase(); }

void Screen::text(int row, int col, std::string_view s, Paint paint, bool reverse) {
    if (row < 0 || row >= LINES || col >= COLS) return;
    attr_t a = A_NORMAL;
    if (color_) a |= COLOR_PAIR(pair_of(paint));
    if (paint == Paint::Header || paint == Paint::Error) a |= A_BOLD;
    if (reverse) a |= A_REVERSE;
    attrset(a);
    const std::size_t room = static_cast<std::size_t>(COLS - col);
    const std::string cut(s.substr(0, room));
    mvaddnstr(row, col, cut.c_str(), static_cast<int>(cut.size()));
    attrset(A_NORMAL);
}

void Screen::fill(int row, int col, Paint paint, bool reverse) {
    if (row < 0 || row >= LINES || col >= COLS) return;
    text(row, col, std::string(static_cast<std::size_t>(COLS - col), ' '), paint, reverse);
}

void Screen::show() { refresh(); }

}  // namespace tcpstat::tui
