// Owns buffered writing to stdout or a file: large batches, honest write errors, quiet EPIPE.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tcpstat {

// Thrown when the reader went away (EPIPE): the app exits quietly, like `yes | head -1`.
class BrokenPipe : public std::runtime_error {
public:
    BrokenPipe() : std::runtime_error("broken pipe") {}
};

// A byte sink with a 64 KiB buffer and one write(2) per full buffer. Write errors other than
// EPIPE throw RuntimeError naming the destination and the errno text (e.g. /dev/full).
class Output {
public:
    explicit Output(int fd, std::string name = "standard output");
    // Appends everything to *sink instead of a file descriptor (tests, in-memory rendering).
    explicit Output(std::string* sink);
    ~Output();  // flushes, swallowing errors (call flush() to see them)
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    void write(std::string_view s) {
        if (s.size() > kCapacity - used_) {
            spill(s);
            return;
        }
        s.copy(buf_ + used_, s.size());
        used_ += s.size();
    }
    void put(char c) {
        if (used_ == kCapacity) flush();
        buf_[used_++] = c;
    }
    void flush();
    bool is_tty() const { return tty_; }

private:
    static constexpr std::size_t kCapacity = 1 << 16;
    void spill(std::string_view s);
    void write_all(const char* p, std::size_t n);
    int fd_;
    std::string* sink_ = nullptr;
    std::string name_;
    bool tty_ = false;
    std::size_t used_ = 0;
    char buf_[kCapacity];
};

}  // namespace tcpstat
