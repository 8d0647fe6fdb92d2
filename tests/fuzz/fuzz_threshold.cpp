// Owns the libFuzzer target for parse_threshold (Monitoring Plugins ranges of `check --warn/--crit`).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "tcpstat/check.hpp"
#include "tcpstat/error.hpp"

using namespace tcpstat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ThresholdRange r;
    try {
        r = parse_threshold(text);
    } catch (const UsageError& e) {
        FUZZ_CHECK(std::string_view(e.what()).find("invalid threshold") == 0);
        return 0;
    }
    // The text is echoed into perfdata ('label'=value;warn;crit;...): it must not be able to
    // break that line or its fields.
    FUZZ_CHECK(r.text == text);
    for (unsigned char c : r.text) FUZZ_CHECK(c > 0x20 && c < 0x7f && c != ';' && c != '|' && c != '\'');
    FUZZ_CHECK(r.inside == (!text.empty() && text.front() == '@'));
    if (r.start) FUZZ_CHECK(std::isfinite(*r.start));
    if (r.end) FUZZ_CHECK(std::isfinite(*r.end));
    if (r.start && r.end) FUZZ_CHECK(*r.start <= *r.end);
    // The documented meaning: alert outside [start, end], or inside it with '@'.
    for (double v : {-1e300, -1.0, 0.0, 0.5, 1.0, 10.0, 1e300}) {
        const bool within = (!r.start || v >= *r.start) && (!r.end || v <= *r.end);
        FUZZ_CHECK(r.alerts(v) == (r.inside ? within : !within));
    }
    if (r.start) FUZZ_CHECK(r.alerts(*r.start) == r.inside);
    if (r.end) FUZZ_CHECK(r.alerts(*r.end) == r.inside);
    return 0;
}
