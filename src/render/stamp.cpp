// Owns how --watch stamps a sample in a stream: a "time" member first in each JSON Lines object,
// a "# <time>" line before a text block; and the one spelling of a UTC time.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "tcpstat/render.hpp"

namespace tcpstat {

std::string format_utc(std::int64_t unix_ms) {
    const auto t = static_cast<std::time_t>(unix_ms / 1000);
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(t));
}

std::string add_time_field(std::string_view jsonl, std::string_view stamp) {
    std::string out;
    out.reserve(jsonl.size() + jsonl.size() / 8);
    const std::string member = fmt::format("{{\"time\":\"{}\"", stamp);
    std::size_t pos = 0;
    while (pos < jsonl.size()) {
        auto nl = jsonl.find('\n', pos);
        std::string_view line = jsonl.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? jsonl.size() : nl + 1;
        if (line.empty()) continue;
        if (line.front() != '{') {
            out.append(line);
        } else {
            out += member;
            std::string_view rest = line.substr(1);
            if (!rest.empty() && rest.front() != '}') out += ',';
            out.append(rest);
        }
        out += '\n';
    }
    return out;
}

void write_stamped(std::string_view sample, std::string_view stamp, const RenderOptions& opt, Output& out) {
    if (opt.format == Format::Jsonl) {
        out.write(add_time_field(sample, stamp));
        return;
    }
    out.write(fmt::format("# {}\n", stamp));
    out.write(sample);
}

void render_count(std::size_t n, const RenderOptions& opt, Output& out) {
    const bool json = opt.format == Format::Json || opt.format == Format::Jsonl;
    out.write(json ? fmt::format("{{\"count\":{}}}\n", n) : fmt::format("{}\n", n));
}

}  // namespace tcpstat
