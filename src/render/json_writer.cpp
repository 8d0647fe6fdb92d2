// Owns JsonWriter's separators and scalars.
#include "json_writer.hpp"

#include <cmath>

#include <fmt/format.h>

#include "escape.hpp"

namespace tcpstat {

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (has_member_.empty()) return;
    if (has_member_.back() && !comma_written_) out_.put(',');
    has_member_.back() = true;
    comma_written_ = false;
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_.put('{');
    has_member_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    has_member_.pop_back();
    comma_written_ = false;
    out_.put('}');
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_.put('[');
    has_member_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    has_member_.pop_back();
    comma_written_ = false;
    out_.put(']');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    write_json_string(name, out_);
    out_.put(':');
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
    before_value();
    write_json_string(s, out_);
    return *this;
}

JsonWriter& JsonWriter::plain_string(std::string_view s) {
    before_value();
    out_.put('"');
    out_.write(s);
    out_.put('"');
    return *this;
}

JsonWriter& JsonWriter::number(std::uint64_t v) {
    before_value();
    fmt::format_int f(v);
    out_.write(std::string_view(f.data(), f.size()));
    return *this;
}

JsonWriter& JsonWriter::number(std::int64_t v) {
    before_value();
    fmt::format_int f(v);
    out_.write(std::string_view(f.data(), f.size()));
    return *this;
}

JsonWriter& JsonWriter::number(double v) {
    before_value();
    // JSON has no NaN or infinity: such a value is unknown.
    if (std::isfinite(v)) out_.write(fmt::format("{}", v));
    else out_.write("null");
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_.write("null");
    return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
    before_value();
    out_.write(v ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::newline() {
    out_.put('\n');
    return *this;
}

JsonWriter& JsonWriter::next_line() {
    if (!has_member_.empty() && has_member_.back() && !comma_written_) {
        out_.put(',');
        comma_written_ = true;
    }
    out_.put('\n');
    return *this;
}

JsonWriter& JsonWriter::raw_value(std::string_view json) {
    before_value();
    out_.write(json);
    return *this;
}

}  // namespace tcpstat
