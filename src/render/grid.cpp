// Owns the column descriptions of listings (from the field catalogue) and of result Tables.
#include "grid.hpp"

namespace tcpstat {

SocketGrid::SocketGrid(const Snapshot& snap, const std::vector<Field>& fields, OwnerStyle style)
    : snap_(snap), fields_(fields), source_(snap, style) {
    columns_.reserve(fields.size());
    for (Field f : fields) {
        const FieldInfo& info = field_info(f);
        columns_.push_back({info.name, info.header, info.right_align, f == Field::State});
    }
}

TableGrid::TableGrid(const Table& table) : table_(table) {
    columns_.reserve(table.columns.size());
    for (const Column& c : table.columns) {
        columns_.push_back({c.name, c.header, c.type == FieldType::Number, c.name == "state"});
    }
}

Cell TableGrid::cell(std::size_t row, std::size_t col) {
    const auto& r = table_.rows[row];
    // A short row (a producer bug) renders as missing values rather than reading past the end.
    return col < r.size() ? value_cell(r[col]) : Cell::null();
}

}  // namespace tcpstat
