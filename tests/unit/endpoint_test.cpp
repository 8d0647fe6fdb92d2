// Tests address formatting (RFC 5952), endpoint text, and address parsing with round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tcpstat/endpoint.hpp"

using namespace tcpstat;

namespace {

IpAddress v6(std::initializer_list<unsigned> words, std::uint32_t scope = 0) {
    std::uint8_t b[16] = {};
    int i = 0;
    for (unsigned w : words) {
        b[2 * i] = static_cast<std::uint8_t>(w >> 8);
        b[2 * i + 1] = static_cast<std::uint8_t>(w);
        ++i;
    }
    return IpAddress::from_v6_bytes(b, scope);
}

std::string fmt6(std::initializer_list<unsigned> words) { return format_address(v6(words)); }

std::string roundtrip(std::string_view text) {
    auto a = parse_address(text);
    return a ? format_address(*a) : "(invalid)";
}

}  // namespace

TEST(FormatAddress, V4) {
    EXPECT_EQ(format_address(IpAddress::v4(127, 0, 0, 1)), "127.0.0.1");
    EXPECT_EQ(format_address(IpAddress::v4(0, 0, 0, 0)), "0.0.0.0");
    EXPECT_EQ(format_address(IpAddress::v4(255, 255, 255, 255)), "255.255.255.255");
    EXPECT_EQ(format_address(IpAddress::v4(10, 20, 100, 9)), "10.20.100.9");
}

TEST(FormatAddress, Rfc5952) {
    EXPECT_EQ(fmt6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), "2001:db8::1");
    EXPECT_EQ(fmt6({0, 0, 0, 0, 0, 0, 0, 0}), "::");
    EXPECT_EQ(fmt6({0, 0, 0, 0, 0, 0, 0, 1}), "::1");
    EXPECT_EQ(fmt6({1, 0, 0, 0, 0, 0, 0, 0}), "1::");
    // Longest run wins; on a tie the first one.
    EXPECT_EQ(fmt6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}), "2001:db8::1:0:0:1");
    EXPECT_EQ(fmt6({0x2001, 0, 0, 1, 0, 0, 0, 1}), "2001:0:0:1::1");
    // A single zero group is not compressed.
    EXPECT_EQ(fmt6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}), "2001:db8:0:1:1:1:1:1");
    // Lower case, leading zeros dropped.
    EXPECT_EQ(fmt6({0x2001, 0x0DB8, 0xABCD, 0x00EF, 0x000A, 0xFFFF, 0x0100, 0x1000}),
              "2001:db8:abcd:ef:a:ffff:100:1000");
    EXPECT_EQ(fmt6({0xfe80, 0, 0, 0, 0x1, 0x2, 0x3, 0x4}), "fe80::1:2:3:4");
}

TEST(FormatAddress, MappedAndScope) {
    EXPECT_EQ(fmt6({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}), "::ffff:1.2.3.4");
    EXPECT_EQ(fmt6({0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001}), "::ffff:127.0.0.1");
    EXPECT_EQ(format_address(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}, 3)), "fe80::1%3");
    EXPECT_EQ(format_address(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}, 4294967295u)), "fe80::1%4294967295");
}

TEST(FormatAddress, ToBufferMatchesAndFitsTheWorstCase) {
    IpAddress worst = v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xfffe, 0xffff}, 4294967295u);
    char buf[kMaxAddressText];
    std::size_t n = format_address_to(worst, buf);
    EXPECT_LE(n, kMaxAddressText);
    EXPECT_EQ(std::string(buf, n), "ffff:ffff:ffff:ffff:ffff:ffff:fffe:ffff%4294967295");
    n = format_address_to(IpAddress::v4(1, 2, 3, 4), buf);
    EXPECT_EQ(std::string(buf, n), "1.2.3.4");
}

TEST(FormatEndpoint, PortAndBrackets) {
    EXPECT_EQ(format_endpoint({IpAddress::v4(127, 0, 0, 1), 80}), "127.0.0.1:80");
    EXPECT_EQ(format_endpoint({v6({0, 0, 0, 0, 0, 0, 0, 1}), 80}), "[::1]:80");
    EXPECT_EQ(format_endpoint({IpAddress::v4(0, 0, 0, 0), 0}), "0.0.0.0:*");
    EXPECT_EQ(format_endpoint({v6({0, 0, 0, 0, 0, 0, 0, 0}), 0}), "[::]:*");
    EXPECT_EQ(format_endpoint({v6({0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001}), 65535}), "[::ffff:10.0.0.1]:65535");
    EXPECT_EQ(format_endpoint({v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}, 2), 22}), "[fe80::1%2]:22");
}

TEST(IpAddressTest, Predicates) {
    EXPECT_TRUE(v6({0, 0, 0, 0, 0, 0xffff, 1, 2}).is_v4_mapped());
    EXPECT_FALSE(v6({0, 0, 0, 0, 1, 0xffff, 1, 2}).is_v4_mapped());
    EXPECT_FALSE(IpAddress::v4(0, 0, 0xff, 0xff).is_v4_mapped());
    EXPECT_TRUE(IpAddress::v4(0, 0, 0, 0).is_unspecified());
    EXPECT_TRUE(v6({}).is_unspecified());
    EXPECT_FALSE(v6({0, 0, 0, 0, 0, 0, 0, 1}).is_unspecified());
    EXPECT_EQ(v6({0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001}).unmapped(), IpAddress::v4(10, 0, 0, 1));
    EXPECT_EQ(v6({0, 0, 0, 0, 0, 0, 0, 1}).unmapped(), v6({0, 0, 0, 0, 0, 0, 0, 1}));
    const std::uint8_t four[] = {192, 168, 1, 2};
    EXPECT_EQ(IpAddress::from_v4_bytes(four), IpAddress::v4(192, 168, 1, 2));
}

TEST(ParseAddress, V4) {
    EXPECT_EQ(parse_address("127.0.0.1"), IpAddress::v4(127, 0, 0, 1));
    EXPECT_EQ(parse_address("255.255.255.255"), IpAddress::v4(255, 255, 255, 255));
    EXPECT_EQ(parse_address("0.0.0.0"), IpAddress::v4(0, 0, 0, 0));
    for (auto bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "+1.2.3.4", "1.+2.3.4", "1..2.3",
                     "1.2.3.4.", ".1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1.2.3.0x4", "01.2.3.4",
                     "1.2.3.1000", "99999999999.1.1.1"}) {
        EXPECT_FALSE(parse_address(bad)) << bad;
    }
}

TEST(ParseAddress, V6) {
    EXPECT_EQ(parse_address("::"), v6({}));
    EXPECT_EQ(parse_address("::1"), v6({0, 0, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(parse_address("1::"), v6({1}));
    EXPECT_EQ(parse_address("2001:DB8::1"), v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(parse_address("1:2:3:4:5:6:7:8"), v6({1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(parse_address("1:2:3:4:5:6:7::"), v6({1, 2, 3, 4, 5, 6, 7, 0}));
    EXPECT_EQ(parse_address("::2:3:4:5:6:7:8"), v6({0, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(parse_address("::ffff:1.2.3.4"), v6({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}));
    EXPECT_EQ(parse_address("1:2:3:4:5:6:1.2.3.4"), v6({1, 2, 3, 4, 5, 6, 0x0102, 0x0304}));
    EXPECT_EQ(parse_address("::1.2.3.4"), v6({0, 0, 0, 0, 0, 0, 0x0102, 0x0304}));
    EXPECT_EQ(parse_address("0000:0000::00ff"), v6({0, 0, 0, 0, 0, 0, 0, 0xff}));
}

TEST(ParseAddress, V6Invalid) {
    for (auto bad : {":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
                     "::g", ":1::", "1::2:", "1:2:3:4:5:6:7:8::", "::1.2.3.4:1", "1.2.3.4::",
                     "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3", "::ffff:256.1.1.1", "[::1]", "fe80::1%eth0",
                     "fe80::1%3", "::1 ", "-::1"}) {
        EXPECT_FALSE(parse_address(bad)) << bad;
    }
    EXPECT_FALSE(parse_address(std::string(200, ':')));
    EXPECT_FALSE(parse_address(std::string(100, '1')));
}

TEST(ParseAddress, RoundTrips) {
    for (auto text : {"2001:db8::1", "::", "::1", "2001:db8::1:0:0:1", "::ffff:1.2.3.4", "fe80::1:2:3:4",
                      "1:2:3:4:5:6:7:8", "1::", "10.0.0.1", "0.0.0.0", "2001:db8:0:1:1:1:1:1"}) {
        EXPECT_EQ(roundtrip(text), text);
    }
    // Non-canonical inputs come back canonical.
    EXPECT_EQ(roundtrip("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
    EXPECT_EQ(roundtrip("2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    EXPECT_EQ(roundtrip("0:0:0:0:0:ffff:102:304"), "::ffff:1.2.3.4");
}

TEST(ParseAddress, RandomRoundTripsAreCanonical) {
    // Zero-heavy random addresses exercise every compression position; a fixed seed keeps it repeatable.
    std::uint32_t state = 12345;
    auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    for (int iter = 0; iter < 20000; ++iter) {
        std::uint8_t b[16];
        for (int i = 0; i < 16; i += 2) {
            bool zero = next() % 3 != 0;
            auto w = zero ? 0u : next() & 0xFFFFu;
            b[i] = static_cast<std::uint8_t>(w >> 8);
            b[i + 1] = static_cast<std::uint8_t>(w);
        }
        if (iter % 7 == 0) {  // some IPv4-mapped ones
            for (int i = 0; i < 10; ++i) b[i] = 0;
            b[10] = b[11] = 0xFF;
        }
        IpAddress a = IpAddress::from_v6_bytes(b);
        char buf[kMaxAddressText];
        std::string text(buf, format_address_to(a, buf));
        EXPECT_EQ(text, format_address(a));
        auto back = parse_address(text);
        ASSERT_TRUE(back.has_value()) << text;
        EXPECT_EQ(*back, a) << text;
        EXPECT_EQ(text.find(":::"), std::string::npos) << text;
        EXPECT_LE(std::count(text.begin(), text.end(), ':'), 7) << text;
        // "::" never stands for a single group (RFC 5952 4.2.2).
        if (text.find("::") != std::string::npos && !a.is_v4_mapped()) {
            int groups = 0;
            for (std::size_t i = 0; i < text.size(); ++i)
                if (text[i] != ':' && (i == 0 || text[i - 1] == ':')) ++groups;
            EXPECT_LE(groups, 6) << text;
        }
        if (::testing::Test::HasFailure()) break;
    }
}

TEST(ParseAddress, RandomV4RoundTrips) {
    std::uint32_t state = 777;
    for (int iter = 0; iter < 5000; ++iter) {
        state = state * 1664525u + 1013904223u;
        IpAddress a = IpAddress::v4(static_cast<std::uint8_t>(state >> 24), static_cast<std::uint8_t>(state >> 16),
                                    static_cast<std::uint8_t>(state >> 8), static_cast<std::uint8_t>(state));
        auto back = parse_address(format_address(a));
        ASSERT_TRUE(back.has_value()) << format_address(a);
        EXPECT_EQ(*back, a);
    }
}
