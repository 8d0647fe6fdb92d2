// Owns JsonWriter, the one streaming JSON writer: every JSON document or line tcpstat prints is written through it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tcpstat/output.hpp"

namespace tcpstat {

// Writes JSON straight to an Output as it is produced (nothing is held), placing the commas
// and colons itself. Strings go through write_json_string (escape.hpp), so every string the
// program prints follows the one rule of docs/formats.md.
class JsonWriter {
public:
    explicit JsonWriter(Output& out) : out_(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& string(std::string_view s);
    // A string known to need no escaping (fixed ASCII names: states, kinds, results).
    JsonWriter& plain_string(std::string_view s);
    JsonWriter& number(std::uint64_t v);
    JsonWriter& number(std::int64_t v);
    JsonWriter& number(double v);
    JsonWriter& null();
    JsonWriter& boolean(bool v);  // by name: value() refuses bool so that no flag becomes a number
    template <typename T>
    JsonWriter& value(const std::optional<T>& v) {
        if (!v) return null();
        return value(*v);
    }
    JsonWriter& value(std::string_view s) { return string(s); }
    template <typename T>
        requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
    JsonWriter& value(T v) {
        if constexpr (std::is_floating_point_v<T>) return number(static_cast<double>(v));
        else if constexpr (std::is_signed_v<T>) return number(static_cast<std::int64_t>(v));
        else return number(static_cast<std::uint64_t>(v));
    }
    // A line break before the next element, after its comma: the documents put one socket or
    // transition on a line. newline() is a bare one (before a closing bracket; after each value
    // of JSON Lines).
    JsonWriter& next_line();
    JsonWriter& newline();
    // A value written by another renderer that took the same Output (still JSON).
    JsonWriter& raw_value(std::string_view json);
    Output& output() { return out_; }

private:
    void before_value();

    Output& out_;
    std::vector<bool> has_member_;  // per open container: a member or element written already
    bool after_key_ = false;
    bool comma_written_ = false;
};

}  // namespace tcpstat
