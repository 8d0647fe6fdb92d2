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

// Few rows, so plain values are fine here.
struct Column {
    std::string name;    // machine name ("state", "pid", "count")
    std::string header;  // table header ("STATE", "PID", "COUNT")
    FieldType type = FieldType::Text;
};
struct Table {
    std::string name = "groups";  // JSON top-level key: "groups" or "summary"
    std::vector<Column> columns;
    std::vector<std::vector<Value>> rows;
};

}  // namespace tcpstat
