// Owns the validation of `tcpstat serve`'s flags: where to listen, the cardinality guards, and the
// minimum interval between collections.
#include <charconv>

#include <fmt/format.h>

#include "app/options.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::app {
namespace {

constexpr const char* kListenHelp =
    "expected ADDR:PORT with an IP address, e.g. 127.0.0.1:29100, [::1]:29100, 0.0.0.0:29100, or :PORT for "
    "every address";

// "127.0.0.1:29100", "[::1]:29100", ":29100" (every IPv4 address); port 0: the kernel picks.
void parse_listen(const std::string& text, ServeOptions& s) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw UsageError(fmt::format("invalid --listen '{}': {}", text, kListenHelp));
    std::string host = text.substr(0, colon);
    const std::string port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        const auto a = parse_address(host);
        if (!a || a->family != Family::Inet6) throw UsageError(fmt::format("invalid --listen '{}': {}", text, kListenHelp));
    } else if (host.empty()) {
        host = "0.0.0.0";
    } else {
        const auto a = parse_address(host);
        if (!a || a->family != Family::Inet) throw UsageError(fmt::format("invalid --listen '{}': {}", text, kListenHelp));
    }
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p > 65535)
        throw UsageError(fmt::format("invalid --listen '{}': the port must be 0..65535; {}", text, kListenHelp));
    s.host = host;
    s.port = static_cast<std::uint16_t>(p);
}

std::size_t parse_count(const std::string& text, const char* option, std::size_t min, const char* example) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < min || n > 1000000)
        throw UsageError(fmt::format("invalid {} '{}': expected a whole number from {} to 1000000, e.g. {} {}", option,
                                     text, min, option, example));
    return n;
}

}  // namespace

void apply_serve_flags(const RawFlags& raw, Options& o) {
    ServeOptions& s = o.serve;
    if (raw.listen) parse_listen(*raw.listen, s);
    if (raw.top) s.limits.top = parse_count(*raw.top, "--top", 0, "20");
    if (raw.max_series) s.limits.max_series = parse_count(*raw.max_series, "--max-series", kMinMaxSeries, "1000");
    if (raw.min_interval) {
        const auto v = parse_seconds(*raw.min_interval);
        if (!v || *v > 3600)
            throw UsageError(fmt::format("invalid --min-interval '{}': expected seconds from 0 to 3600, such as 1 or 0.5",
                                         *raw.min_interval));
        s.min_interval = *v;
    }
}

}  // namespace tcpstat::app
