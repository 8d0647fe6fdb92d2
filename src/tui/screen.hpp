// Owns the curses terminal session of `tcpstat top`: set up, keys, colours, and restoring the terminal.
#pragma once

#include <string_view>

namespace tcpstat::tui {

// Colour pairs; on a monochrome terminal (or NO_COLOR) they are plain text and the marker
// column and attributes carry the meaning.
enum class Paint { Plain, New, Changed, Gone, Header, Error, Selected };

// The whole terminal for the lifetime of the object: alternate screen, no echo, keypad, cursor
// hidden. The destructor (and restore(), idempotent) leaves the alternate screen and shows the
// cursor again, so every way out (return, exception) gives the shell a sane terminal back.
class Screen {
public:
    explicit Screen(bool color);
    ~Screen();
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    void restore();
    // The next key, or -1 after `timeout_ms` (or a signal). KEY_RESIZE after a resize.
    int key(int timeout_ms);
    int rows() const;
    int cols() const;

    void clear();
    // Text at (row, col), cut at the right edge, in a paint; `bold`/`reverse` work without colour.
    void text(int row, int col, std::string_view s, Paint paint = Paint::Plain, bool reverse = false);
    // Fills the rest of the row with the paint (for a selected or header row).
    void fill(int row, int col, Paint paint, bool reverse);
    void show();

private:
    bool color_ = false;
    bool open_ = false;
};

}  // namespace tcpstat::tui
