// Owns "the value of field F of socket S": the one accessor that sort, group, check --per,
// filters and render all read, so "user = name else uid", "process = first owner" and
// "netns = name else inode" are each said once.
#pragma once

#include <cstdint>
#include <string_view>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/result_table.hpp"

namespace tcpstat {

// One typed value. Text points into the snapshot or static tables, so a value never allocates
// and lives as long as the snapshot.
struct FieldValue {
    enum class Kind : std::uint8_t {
        Null,      // missing: null / empty / -
        Number,    // num
        Text,      // text; `order` ranks it before the text itself (states in their machine order)
        Endpoint,  // endpoint (address and port)
        Address,   // endpoint.addr
        Uid,       // a uid with no user name: shown as text, ordered after every name, by number
    };
    Endpoint endpoint;
    std::string_view text;
    std::uint64_t num = 0;
    std::uint64_t order = 0;
    Kind kind = Kind::Null;
    // Text tcpstat made itself from a fixed alphabet (state, protocol, timer names): no escaping.
    bool plain = false;

    static FieldValue null() { return {}; }
    static FieldValue number(std::uint64_t v) {
        FieldValue f;
        f.kind = Kind::Number;
        f.num = v;
        return f;
    }
    static FieldValue string(std::string_view t, bool plain = false, std::uint64_t order = 0) {
        FieldValue f;
        f.kind = Kind::Text;
        f.text = t;
        f.plain = plain;
        f.order = order;
        return f;
    }
    bool is_null() const { return kind == Kind::Null; }
    // Grouping identity: what is shown. Text ignores `order` (two TIME_WAIT timers with
    // different time left are one "time_wait" group).
    bool operator==(const FieldValue& o) const;
};

// The value of `f` for socket `s`. Owner fields (pid, process, cmdline, exe) take the value of
// `owner`, or of the socket's first owner when `owner` is null; `owners` (a list) is null here,
// only render spells it out. Fields an owner does not have, or a socket does not report, are null.
FieldValue field_value(const Snapshot& snap, const Socket& s, Field f, const Owner* owner = nullptr);

// Whether the value of `f` depends on which owner is asked (the fields that need owners).
bool per_owner(Field f);

// Ascending order, null last: numbers numerically, addresses by value, texts by `order` then
// bytes, user names before bare uids. Returns <0, 0, >0.
int compare_values(const FieldValue& a, const FieldValue& b);

// A hash consistent with operator==.
std::uint64_t hash_value(const FieldValue& v);

// The value as a Table cell (groups): numbers stay numbers, everything else is its text.
Value to_value(const FieldValue& v);

// "retransmit", "keepalive", "time_wait", "zero_window_probe", "other".
std::string_view timer_name(TimerKind k);

}  // namespace tcpstat
