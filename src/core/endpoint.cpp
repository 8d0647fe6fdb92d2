// Owns IpAddress construction and the text forms of addresses and endpoints (RFC 5952 for IPv6).
#include "tcpstat/endpoint.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace tcpstat {

namespace {

// Decimal without allocation; returns chars written (at most 10 for 32 bits).
std::size_t write_decimal(std::uint32_t v, char* out) {
    char tmp[10];
    std::size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
    return n;
}

std::size_t write_dotted(const std::uint8_t* four, char* out) {
    std::size_t n = 0;
    for (int i = 0; i < 4; ++i) {
        if (i) out[n++] = '.';
        n += write_decimal(four[i], out + n);
    }
    return n;
}

// One IPv6 group in lower-case hex with leading zeros dropped (RFC 5952 4.1, 4.3).
std::size_t write_group(unsigned w, char* out) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t n = 0;
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (w >> shift) & 0xF;
        if (d == 0 && !started && shift != 0) continue;
        started = true;
        out[n++] = kHex[d];
    }
    return n;
}

std::size_t write_v6(const IpAddress& a, char* out) {
    std::size_t n = 0;
    if (a.is_v4_mapped()) {
        static constexpr std::string_view kPrefix = "::ffff:";
        std::memcpy(out, kPrefix.data(), kPrefix.size());
        n = kPrefix.size();
        n += write_dotted(a.bytes.data() + 12, out + n);
    } else {
        std::array<unsigned, 8> w{};
        for (int i = 0; i < 8; ++i) w[i] = (unsigned{a.bytes[2 * i]} << 8) | a.bytes[2 * i + 1];

        // Longest run of zero groups, at least two long; the first wins a tie (RFC 5952 4.2).
        int best_start = -1, best_len = 0;
        for (int i = 0; i < 8;) {
            if (w[i] != 0) {
                ++i;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) ++j;
            if (j - i > best_len) {
                best_start = i;
                best_len = j - i;
            }
            i = j;
        }
        if (best_len < 2) best_start = -1;

        for (int i = 0; i < 8;) {
            if (i == best_start) {
                out[n++] = ':';
                out[n++] = ':';
                i += best_len;
                continue;
            }
            if (i != 0 && i != best_start + best_len) out[n++] = ':';
            n += write_group(w[i], out + n);
            ++i;
        }
    }
    if (a.scope_id != 0) {
        out[n++] = '%';
        n += write_decimal(a.scope_id, out + n);
    }
    return n;
}

}  // namespace

IpAddress IpAddress::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress r;
    r.family = Family::Inet;
    r.bytes[0] = a;
    r.bytes[1] = b;
    r.bytes[2] = c;
    r.bytes[3] = d;
    return r;
}

IpAddress IpAddress::from_v4_bytes(const std::uint8_t* four) {
    return v4(four[0], four[1], four[2], four[3]);
}

IpAddress IpAddress::from_v6_bytes(const std::uint8_t* sixteen, std::uint32_t scope) {
    IpAddress r;
    r.family = Family::Inet6;
    std::copy_n(sixteen, 16, r.bytes.begin());
    r.scope_id = scope;
    return r;
}

bool IpAddress::is_v4_mapped() const {
    if (family != Family::Inet6) return false;
    for (int i = 0; i < 10; ++i)
        if (bytes[i] != 0) return false;
    return bytes[10] == 0xFF && bytes[11] == 0xFF;
}

bool IpAddress::is_unspecified() const {
    std::size_t len = family == Family::Inet ? 4 : 16;
    return std::all_of(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len),
                       [](std::uint8_t b) { return b == 0; });
}

IpAddress IpAddress::unmapped() const {
    return is_v4_mapped() ? from_v4_bytes(bytes.data() + 12) : *this;
}

std::size_t format_address_to(const IpAddress& a, char* out) {
    return a.family == Family::Inet ? write_dotted(a.bytes.data(), out) : write_v6(a, out);
}

std::string format_address(const IpAddress& a) {
    char buf[kMaxAddressText];
    return std::string(buf, format_address_to(a, buf));
}

std::string format_endpoint(const Endpoint& e) {
    char buf[kMaxAddressText + 8];
    std::size_t n = 0;
    bool v6 = e.addr.family == Family::Inet6;
    if (v6) buf[n++] = '[';
    n += format_address_to(e.addr, buf + n);
    if (v6) buf[n++] = ']';
    buf[n++] = ':';
    if (e.port == 0)
        buf[n++] = '*';
    else
        n += write_decimal(e.port, buf + n);
    return std::string(buf, n);
}

}  // namespace tcpstat
