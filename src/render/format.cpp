// Owns the names of the output formats and their parsing from -f.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "tcpstat/error.hpp"
#include "tcpstat/suggest.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {

namespace {

constexpr std::array<std::pair<Format, std::string_view>, 6> kFormats{{
    {Format::Table, "table"},
    {Format::Tsv, "tsv"},
    {Format::Json, "json"},
    {Format::Jsonl, "jsonl"},
    {Format::Csv, "csv"},
    {Format::Prometheus, "prometheus"},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != b[i]) return false;
    }
    return true;
}

}  // namespace

Format parse_format(std::string_view name) {
    for (const auto& [format, text] : kFormats)
        if (equals_ignoring_case(name, text)) return format;
    // "ndjson" is the other common name for JSON Lines; accepting it costs nothing.
    if (equals_ignoring_case(name, "ndjson")) return Format::Jsonl;
    std::string accepted;
    for (const auto& [format, text] : kFormats) {
        if (!accepted.empty()) accepted += ", ";
        accepted += text;
    }
    std::vector<std::string_view> names;
    for (const auto& [format, text] : kFormats) names.push_back(text);
    throw UsageError(fmt::format("unknown format '{}'{}: expected one of {}", name, did_you_mean(name, names), accepted));
}

std::string_view format_name(Format f) {
    for (const auto& [format, text] : kFormats)
        if (format == f) return text;
    return "table";
}

}  // namespace tcpstat
