// Owns the one-line messages tcpstat writes for people (errors, warnings): escaped like the text formats.
#include <cstdio>

#include "escape.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {

std::string diagnostic_line(std::string_view prefix, std::string_view message) {
    std::string line;
    {
        Output out(&line);
        out.write(prefix);
        write_escaped_text(message, out);
        out.put('\n');
        out.flush();
    }
    return line;
}

void print_diagnostic(std::FILE* where, std::string_view prefix, std::string_view message) {
    const std::string line = diagnostic_line(prefix, message);
    std::fwrite(line.data(), 1, line.size(), where);
    std::fflush(where);
}

}  // namespace tcpstat
