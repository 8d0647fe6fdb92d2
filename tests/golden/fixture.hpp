// Owns the fixed snapshot and tables every golden test renders, and the test's own oracle of
// what each field must read as (written from the contract, independent of the renderers).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tcpstat/fields.hpp"
#include "tcpstat/result_table.hpp"
#include "tcpstat/model.hpp"
#include "render/escape.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::golden {

// A process name an attacker chose, with what each format must show for it.
struct HostileName {
    std::string raw;   // bytes as the kernel reports them
    std::string text;  // after text escaping (table, tsv, csv before quoting)
    std::string json;  // the string a JSON parser decodes
};
const std::vector<HostileName>& hostile_names();

Snapshot make_snapshot();
Table make_groups_table();
Table make_summary_table();

// The field sets rendered in every format.
struct FieldSet {
    std::string name;  // part of the golden file name
    std::vector<Field> fields;
};
std::vector<FieldSet> field_sets();
// Lets gtest name a parameter instead of dumping its bytes.
inline void PrintTo(const FieldSet& set, std::ostream* os) { *os << set.name; }

// Renders into a string through the real Output class.
std::string render_listing(const Snapshot& snap, Format format, const std::vector<Field>& fields,
                           bool header = true, bool color = false);
std::string render(const Table& table, Format format, bool header = true, bool color = false);
// One string through the real escapers: the text rules (with a format's quoting) and JSON.
std::string escaped_text(std::string_view s, TextQuoting q = TextQuoting::None);
std::string json_text(std::string_view s);

// What a text format (tsv/csv; table shows "-" for nullopt) must show for one field.
std::optional<std::string> expected_text(const Snapshot& snap, const Socket& s, Field f);
// What a JSON object must hold under the field's key.
nlohmann::json expected_json(const Snapshot& snap, const Socket& s, Field f);

}  // namespace tcpstat::golden
