// Owns the libFuzzer target for the check plugin line: any process name, user or netns name
// leaves one line of valid UTF-8 with no control byte, one '|', and well-formed perfdata labels.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text_oracle.hpp"
#include "fuzz/fuzz_check.hpp"
#include "render/escape.hpp"
#include "tcpstat/render.hpp"

using namespace tcpstat;
using tcpstat::testing::valid_utf8;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Two names from one input: before and after the first NUL (comm holds none, user names may).
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    const auto cut = all.find('\0');
    const std::string first(all.substr(0, cut));
    const std::string second(cut == std::string_view::npos ? std::string_view{} : all.substr(cut + 1));

    Table t;
    t.columns = {{"pid", "PID", FieldType::Number}, {"process", "PROCESS", FieldType::Text},
                 {"user", "USER", FieldType::Text}, {"count", "COUNT", FieldType::Number}};
    t.rows.push_back({std::int64_t{42}, first, second, std::int64_t{7}});
    t.rows.push_back({std::int64_t{43}, second, std::monostate{}, std::int64_t{3}});
    CheckInput in;
    in.warn = parse_threshold("2");
    in.crit = parse_threshold("5");
    in.per = {GroupKey::Pid, GroupKey::User};
    in.total = 10;
    in.groups = &t;

    std::string line;
    {
        Output out(&line);
        write_check_line(evaluate_check(in), out);
        out.flush();
    }
    FUZZ_CHECK(!line.empty() && line.back() == '\n');
    const std::string_view body(line.data(), line.size() - 1);
    FUZZ_CHECK(valid_utf8(body));
    for (std::size_t i = 0; i < body.size(); ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        FUZZ_CHECK(c >= 0x20 && c != 0x7f);
        FUZZ_CHECK(!(c == 0xC2 && i + 1 < body.size() && static_cast<unsigned char>(body[i + 1]) < 0xA0));
    }
    const auto bar = body.find('|');
    FUZZ_CHECK(bar != std::string_view::npos && bar == body.rfind('|'));
    // Perfdata: 'label'=value;warn;crit;0; items, a label holding no quote and no '='.
    std::string_view perf = body.substr(bar + 1);
    int items = 0;
    while (!perf.empty()) {
        FUZZ_CHECK(perf.front() == ' ');
        FUZZ_CHECK(perf.size() > 1 && perf[1] == '\'');
        const auto close = perf.find("'=", 2);
        FUZZ_CHECK(close != std::string_view::npos);
        const std::string_view label = perf.substr(2, close - 2);
        FUZZ_CHECK(label.find('\'') == std::string_view::npos && label.find('=') == std::string_view::npos);
        const auto next = perf.find(' ', close);
        perf = next == std::string_view::npos ? std::string_view{} : perf.substr(next);
        ++items;
    }
    FUZZ_CHECK(items == 3);  // total and both groups
    return 0;
}
