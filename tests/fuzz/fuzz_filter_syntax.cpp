// Owns the libFuzzer target for the command-line value parsers: states, ports, CIDR, addresses, fields, group keys.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "tcpstat/endpoint.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/tcp_state.hpp"

using namespace tcpstat;

namespace {

void states(std::string_view text) {
    const StateMask m = parse_state_list(text);
    FUZZ_CHECK(m.bits() != 0);
    FUZZ_CHECK((m.bits() & ~StateMask::all().bits()) == 0);
}

void ports(std::string_view text) {
    const PortRange r = parse_port_range(text);
    FUZZ_CHECK(r.lo <= r.hi);
    const PortRange again = parse_port_range(std::to_string(r.lo) + "-" + std::to_string(r.hi));
    FUZZ_CHECK(again.lo == r.lo && again.hi == r.hi);
    FUZZ_CHECK(r.contains(r.lo) && r.contains(r.hi));
}

void cidr(std::string_view text) {
    const Cidr c = parse_cidr(text);
    FUZZ_CHECK(c.prefix_len <= (c.base.family == Family::Inet ? 32u : 128u));
    FUZZ_CHECK(c.contains(c.base));
    // The printed prefix parses back to the same prefix.
    const Cidr again = parse_cidr(format_address(c.base) + "/" + std::to_string(c.prefix_len));
    FUZZ_CHECK(again.base == c.base && again.prefix_len == c.prefix_len);
}

void address(std::string_view text) {
    const auto a = parse_address(text);
    if (!a) return;
    FUZZ_CHECK(a->scope_id == 0);  // zones are not accepted on the command line
    const auto again = parse_address(format_address(*a));
    FUZZ_CHECK(again && *again == *a);
}

void fields(std::string_view text) {
    const auto list = parse_field_list(text);
    FUZZ_CHECK(!list.empty());
    for (Field f : list) {
        const auto back = field_by_name(field_info(f).name);
        FUZZ_CHECK(back && *back == f);
    }
}

void group_keys(std::string_view text) {
    const auto keys = parse_group_keys(text);
    FUZZ_CHECK(!keys.empty());
    for (GroupKey k : keys) {
        const auto back = parse_group_keys(group_key_name(k));
        FUZZ_CHECK(back.size() == 1 && back[0] == k);
    }
}

}  // namespace

// The first byte picks the parser ('0'..'5' in the seeds), the rest is the value as typed.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 6) {
            case 0: states(text); break;
            case 1: ports(text); break;
            case 2: cidr(text); break;
            case 3: address(text); break;
            case 4: fields(text); break;
            case 5: group_keys(text); break;
        }
    } catch (const UsageError& e) {
        // Bad input is a UsageError with a message; anything else escapes and libFuzzer reports it.
        FUZZ_CHECK(std::string_view(e.what()).size() > 0);
    }
    return 0;
}
