// Owns the row/column view the text writers walk, over a socket listing or a result Table.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cell.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/result_table.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/packed_sockets.hpp"

namespace tcpstat {

struct ColumnMeta {
    std::string_view name;    // machine name: tsv/csv header, json key
    std::string_view header;  // table header
    bool right_align = false;
    bool is_state = false;    // coloured by state in the table
};

// Lets the table, tsv and csv writers serve listings and tables with one implementation.
class Grid {
public:
    virtual ~Grid() = default;
    virtual std::size_t row_count() const = 0;
    const std::vector<ColumnMeta>& columns() const { return columns_; }
    // Valid until the next call.
    virtual Cell cell(std::size_t row, std::size_t col) = 0;

protected:
    std::vector<ColumnMeta> columns_;
};

class SocketGrid final : public Grid {
public:
    SocketGrid(const Snapshot& snap, const std::vector<Field>& fields, OwnerStyle style = OwnerStyle::Joined);
    std::size_t row_count() const override { return snap_.sockets.size(); }
    Cell cell(std::size_t row, std::size_t col) override {
        return source_.get(snap_.sockets[row], fields_[col]);
    }

private:
    const Snapshot& snap_;
    const std::vector<Field>& fields_;
    CellSource source_;
};

// Rows decoded one at a time (the writers walk them in order), each into the same Socket.
class PackedGrid final : public Grid {
public:
    PackedGrid(const PackedSockets& rows, const Snapshot& context, const std::vector<Field>& fields,
               OwnerStyle style = OwnerStyle::Joined);
    std::size_t row_count() const override { return rows_.size(); }
    Cell cell(std::size_t row, std::size_t col) override {
        if (row != decoded_) {
            rows_.decode(row, socket_);
            decoded_ = row;
        }
        return source_.get(socket_, fields_[col]);
    }

private:
    const PackedSockets& rows_;
    const std::vector<Field>& fields_;
    CellSource source_;
    Socket socket_;
    std::size_t decoded_ = static_cast<std::size_t>(-1);
};

class TableGrid final : public Grid {
public:
    // `for_people`: measurements (ColumnUnit) as "3h12m" and "+40/min", for the aligned table.
    explicit TableGrid(const Table& table, bool for_people = false);
    std::size_t row_count() const override { return table_.rows.size(); }
    Cell cell(std::size_t row, std::size_t col) override;

private:
    const Table& table_;
    bool for_people_;
    std::string text_;  // the last measurement's words
};

}  // namespace tcpstat
