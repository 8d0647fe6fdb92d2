// Owns the small result table (groups, summary) that the core computes and render prints.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tcpstat/fields.hpp"

namespace tcpstat {

// A typed cell: null (missing), a number, or text.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

// What a number column measures, so the human table can write it for people ("3h12m",
// "+40/min") while machine formats keep the plain number.
enum class ColumnUnit : std::uint8_t { None, Seconds, PerMinute };

// Few rows, so plain values are fine here.
struct Column {
    std::string name;    // machine name ("state", "pid", "count")
    std::string header;  // table header ("STATE", "PID", "COUNT")
    FieldType type = FieldType::Text;
    ColumnUnit unit = ColumnUnit::None;  // a measurement, never part of a row's identity
};
struct Table {
    std::string name = "groups";  // JSON top-level key: "groups" or "summary"
    std::vector<Column> columns;
    std::vector<std::vector<Value>> rows;
};

}  // namespace tcpstat
