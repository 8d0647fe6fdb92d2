// Owns how every list option is split: comma-separated items, blanks around each item trimmed.
#pragma once

#include <string_view>

namespace tcpstat {

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// Calls f(item) for each trimmed item of "a, b,c", empty items included: whether "a,,b" or
// a lone "" is an error differs per option, so the caller decides.
template <class F>
void for_each_comma_item(std::string_view list, F&& f) {
    while (true) {
        const auto comma = list.find(',');
        f(trim_blanks(list.substr(0, comma)));
        if (comma == std::string_view::npos) return;
        list.remove_prefix(comma + 1);
    }
}

}  // namespace tcpstat
