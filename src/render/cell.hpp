// Owns one output value of one socket field (a typed cell) and its text form, without heap churn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/field_value.hpp"
#include "tcpstat/result_table.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/output.hpp"

namespace tcpstat {

struct Cell {
    enum class Kind : std::uint8_t { Null, Unsigned, Signed, Text };
    Kind kind = Kind::Null;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    std::string_view text;  // untrusted: always escaped by the writer, unless plain
    // Text tcpstat made itself from a fixed alphabet (addresses, ports, state and protocol names):
    // printable ASCII with nothing any format escapes or quotes, so writers copy it as it is and
    // its width is its length. Measuring and escaping addresses was ~5 % of a 100k listing.
    bool plain = false;

    static Cell null() { return {}; }
    static Cell unsigned_number(std::uint64_t v) {
        Cell c;
        c.kind = Kind::Unsigned;
        c.u = v;
        return c;
    }
    static Cell signed_number(std::int64_t v) {
        Cell c;
        c.kind = Kind::Signed;
        c.i = v;
        return c;
    }
    static Cell string(std::string_view t) {
        Cell c;
        c.kind = Kind::Text;
        c.text = t;
        return c;
    }
    static Cell plain_string(std::string_view t) {
        Cell c = string(t);
        c.plain = true;
        return c;
    }
    bool is_null() const { return kind == Kind::Null; }
    bool is_number() const { return kind == Kind::Unsigned || kind == Kind::Signed; }
};

// Text formats list every owner ("812,813"); JSON keeps one scalar per key (the first owner)
// and carries the full list in "owners". The table caps each list at kOwnerCap entries and a
// count of the rest ("589,1231,+50"), so a pre-fork server's 64 workers keep the row readable.
enum class OwnerStyle : std::uint8_t { Joined, First, Capped };
inline constexpr std::size_t kOwnerCap = 2;

// Turns (socket, field) into a Cell. Text cells may point into this object's buffers, so a
// cell is valid only until the next call; lists reuse one string whose capacity is kept.
class CellSource {
public:
    CellSource(const Snapshot& snap, OwnerStyle style)
        : snap_(snap),
          style_(style),
          named_(!snap.interface_names.empty() || !snap.host_names.empty() || !snap.service_names.empty()) {}
    Cell get(const Socket& s, Field f);

private:
    Cell endpoint(const Endpoint& e, Protocol proto);
    Cell address(const IpAddress& a);
    // The slow path of both when the snapshot carries names: host, zone and service names.
    void append_named_address(const IpAddress& a);
    Cell named_endpoint(const Endpoint& e, Protocol proto);
    Cell cell_of(const FieldValue& v, Protocol proto);
    // The distinct values of a per-owner field over every owner, as one list.
    Cell owner_values(const Socket& s, Field f);
    Cell owner_list(const Socket& s);
    // Appends one list item, or once past the cap counts it; finish_list() writes "+N".
    void list_item(std::string_view item);
    Cell finish_list();

    const Snapshot& snap_;
    OwnerStyle style_;
    bool named_;
    char buf_[kMaxAddressText + 16];
    std::string list_;
    std::size_t listed_ = 0, over_cap_ = 0;
    std::vector<FieldValue> seen_;
};

// A Table value (groups, summary) as a Cell.
Cell value_cell(const Value& v);

// Text form of a non-null cell after terminal-safe escaping, and its width in columns.
void write_cell_text(const Cell& c, Output& out);
std::size_t cell_width(const Cell& c);
void write_number(const Cell& c, Output& out);

}  // namespace tcpstat
