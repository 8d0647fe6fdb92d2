// Owns the column descriptions of listings (from the field catalogue) and of result Tables.
#include "grid.hpp"

#include "tcpstat/growth.hpp"

namespace tcpstat {

namespace {

std::vector<ColumnMeta> listing_columns(const std::vector<Field>& fields) {
    std::vector<ColumnMeta> columns;
    columns.reserve(fields.size());
    for (Field f : fields) {
        const FieldInfo& info = field_info(f);
        columns.push_back({info.name, info.header, info.right_align, f == Field::State});
    }
    return columns;
}

}  // namespace

SocketGrid::SocketGrid(const Snapshot& snap, const std::vector<Field>& fields, OwnerStyle style)
    : snap_(snap), fields_(fields), source_(snap, style) {
    columns_ = listing_columns(fields);
}

PackedGrid::PackedGrid(const PackedSockets& rows, const Snapshot& context, const std::vector<Field>& fields,
                       OwnerStyle style)
    : rows_(rows), fields_(fields), source_(context, style) {
    columns_ = listing_columns(fields);
}

TableGrid::TableGrid(const Table& table, bool for_people) : table_(table), for_people_(for_people) {
    columns_.reserve(table.columns.size());
    for (const Column& c : table.columns) {
        columns_.push_back({c.name, c.header, c.type == FieldType::Number, c.name == "state"});
    }
}

Cell TableGrid::cell(std::size_t row, std::size_t col) {
    const auto& r = table_.rows[row];
    // A short row (a producer bug) renders as missing values rather than reading past the end.
    if (col >= r.size()) return Cell::null();
    const ColumnUnit unit = table_.columns[col].unit;
    const auto* n = std::get_if<std::int64_t>(&r[col]);
    if (!for_people_ || unit == ColumnUnit::None || n == nullptr) return value_cell(r[col]);
    text_ = unit == ColumnUnit::Seconds ? format_age(*n) : format_rate(*n);
    return Cell::plain_string(text_);
}

}  // namespace tcpstat
