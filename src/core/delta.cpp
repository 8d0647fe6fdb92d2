// Owns the change between two samples of a grouped or summary table (the --watch CHANGE column).
#include "tcpstat/delta.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace tcpstat {
namespace {

std::optional<std::size_t> find_column(const Table& t, std::string_view name) {
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (t.columns[c].name == name) return c;
    return std::nullopt;
}

std::vector<Value> key_of(const std::vector<Value>& row, const std::vector<std::size_t>& keys) {
    std::vector<Value> k;
    k.reserve(keys.size());
    for (std::size_t c : keys) k.push_back(c < row.size() ? row[c] : Value{});
    return k;
}

std::int64_t number_at(const std::vector<Value>& row, std::size_t c) {
    if (c >= row.size()) return 0;
    if (const auto* n = std::get_if<std::int64_t>(&row[c])) return *n;
    return 0;
}

std::string signed_text(std::int64_t d) {
    if (d > 0) return fmt::format("+{}", d);
    return fmt::format("{}", d);  // "0" or "-3"
}

}  // namespace

DeltaColumns delta_columns(const Table& t) {
    DeltaColumns d;
    if (t.name == "summary") {
        auto total = find_column(t, "total");
        if (!total) throw UsageError("a summary table without a total column cannot be compared");
        d.value = *total;
        for (std::string_view k : {"proto", "state"})
            if (auto c = find_column(t, k)) d.keys.push_back(*c);
        return d;
    }
    auto count = find_column(t, "count");
    if (!count) throw UsageError("a table without a count column cannot be compared");
    d.value = *count;
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        if (c != *count && t.columns[c].unit == ColumnUnit::None) d.keys.push_back(c);  // not oldest, rate
    return d;
}

Table with_change(const Table& now, const Table* before) {
    const DeltaColumns cols = delta_columns(now);
    Table out = now;
    out.columns.push_back(Column{"change", "CHANGE", FieldType::Text});
    if (before == nullptr) {
        for (auto& row : out.rows) row.emplace_back();
        return out;
    }
    // The previous table may come from a different layout only if the caller mixed commands.
    const DeltaColumns old_cols = delta_columns(*before);
    std::map<std::vector<Value>, std::int64_t> previous;
    for (const auto& row : before->rows) previous[key_of(row, old_cols.keys)] += number_at(row, old_cols.value);

    std::set<std::vector<Value>> seen;
    for (auto& row : out.rows) {
        auto key = key_of(row, cols.keys);
        seen.insert(key);
        auto it = previous.find(key);
        if (it == previous.end())
            row.emplace_back(std::string("new"));
        else
            row.emplace_back(signed_text(number_at(row, cols.value) - it->second));
    }
    for (const auto& row : before->rows) {
        auto key = key_of(row, old_cols.keys);
        if (!seen.insert(key).second) continue;
        std::vector<Value> gone(now.columns.size());
        for (std::size_t i = 0; i < cols.keys.size(); ++i) gone[cols.keys[i]] = key[i];
        for (std::size_t c = 0; c < now.columns.size(); ++c)
            if (now.columns[c].type == FieldType::Number && now.columns[c].unit == ColumnUnit::None &&
                std::holds_alternative<std::monostate>(gone[c]) &&
                std::find(cols.keys.begin(), cols.keys.end(), c) == cols.keys.end())
                gone[c] = std::int64_t{0};
        gone.emplace_back(signed_text(-previous[key]));
        out.rows.push_back(std::move(gone));
    }
    return out;
}

}  // namespace tcpstat
