// Tests CIDR parsing and matching (edges /0, /32, /128, mapped) and port ranges with their errors.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/error.hpp"

using namespace tcpstat;

namespace {

IpAddress addr(std::string_view text) {
    auto a = parse_address(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(IpAddress{});
}

bool in(std::string_view cidr, std::string_view address) { return parse_cidr(cidr).contains(addr(address)); }

template <class F>
std::string usage_message(F f) {
    try {
        f();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(Cidr, ParsesPrefixAndBareAddress) {
    auto c = parse_cidr("10.0.0.0/8");
    EXPECT_EQ(c.base, IpAddress::v4(10, 0, 0, 0));
    EXPECT_EQ(c.prefix_len, 8u);
    EXPECT_EQ(parse_cidr("10.1.2.3").prefix_len, 32u);
    EXPECT_EQ(parse_cidr("::1").prefix_len, 128u);
    EXPECT_EQ(parse_cidr("::1/128").prefix_len, 128u);
    // Host bits are cleared so equal prefixes compare equal.
    EXPECT_EQ(parse_cidr("10.1.2.3/8").base, IpAddress::v4(10, 0, 0, 0));
    EXPECT_EQ(parse_cidr("192.168.255.255/20").base, IpAddress::v4(192, 168, 240, 0));
    EXPECT_EQ(parse_cidr("2001:db8::ffff/64").base, addr("2001:db8::"));
}

TEST(Cidr, ContainsV4) {
    EXPECT_TRUE(in("10.0.0.0/8", "10.255.1.2"));
    EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.0"));
    EXPECT_TRUE(in("192.168.1.0/25", "192.168.1.127"));
    EXPECT_FALSE(in("192.168.1.0/25", "192.168.1.128"));
    EXPECT_TRUE(in("0.0.0.0/0", "255.255.255.255"));
    EXPECT_TRUE(in("1.2.3.4/32", "1.2.3.4"));
    EXPECT_FALSE(in("1.2.3.4/32", "1.2.3.5"));
    EXPECT_TRUE(in("1.2.3.4", "1.2.3.4"));
    EXPECT_FALSE(in("10.0.0.0/8", "::1"));
    EXPECT_FALSE(in("0.0.0.0/0", "2001:db8::1"));
}

TEST(Cidr, V4PrefixMatchesMappedAddresses) {
    EXPECT_TRUE(in("10.0.0.0/8", "::ffff:10.9.8.7"));
    EXPECT_FALSE(in("10.0.0.0/8", "::ffff:11.9.8.7"));
    EXPECT_TRUE(in("127.0.0.1", "::ffff:127.0.0.1"));
    EXPECT_TRUE(in("0.0.0.0/0", "::ffff:1.1.1.1"));
    // The v4 bytes of a non-mapped v6 address must not leak into a v4 match.
    EXPECT_FALSE(in("10.0.0.0/8", "::10.0.0.1"));
}

TEST(Cidr, ContainsV6) {
    EXPECT_TRUE(in("::/0", "2001:db8::1"));
    EXPECT_TRUE(in("::/0", "::ffff:1.2.3.4"));
    EXPECT_FALSE(in("::/0", "1.2.3.4"));
    EXPECT_TRUE(in("::1/128", "::1"));
    EXPECT_FALSE(in("::1/128", "::2"));
    EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
    EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
    EXPECT_TRUE(in("fe80::/10", "febf::1"));
    EXPECT_FALSE(in("fe80::/10", "fec0::1"));
    EXPECT_TRUE(in("::ffff:10.0.0.0/104", "::ffff:10.1.1.1"));
    // Zones do not affect a prefix match.
    EXPECT_TRUE(parse_cidr("fe80::/64").contains(IpAddress::from_v6_bytes(addr("fe80::1").bytes.data(), 7)));
}

TEST(Cidr, Errors) {
    const std::string hint = "expected ADDR or ADDR/PREFIX, e.g. 10.0.0.0/8 or ::1/128";
    EXPECT_EQ(usage_message([] { parse_cidr("10.0.0/8"); }), "invalid address '10.0.0/8': " + hint);
    EXPECT_EQ(usage_message([] { parse_cidr(""); }), "invalid address '': " + hint);
    EXPECT_EQ(usage_message([] { parse_cidr("10.0.0.0/"); }), "invalid address '10.0.0.0/': " + hint);
    EXPECT_EQ(usage_message([] { parse_cidr("10.0.0.0/x"); }), "invalid address '10.0.0.0/x': " + hint);
    EXPECT_EQ(usage_message([] { parse_cidr("10.0.0.0/-1"); }), "invalid address '10.0.0.0/-1': " + hint);
    EXPECT_EQ(usage_message([] { parse_cidr("10.0.0.0/8/8"); }), "invalid address '10.0.0.0/8/8': " + hint);
    EXPECT_EQ(usage_message([] { parse_cidr("host.example"); }), "invalid address 'host.example': " + hint);
    auto msg = usage_message([] { parse_cidr("10.0.0.0/33"); });
    EXPECT_NE(msg.find("'10.0.0.0/33'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("out of range 0-32"), std::string::npos) << msg;
    msg = usage_message([] { parse_cidr("::/129"); });
    EXPECT_NE(msg.find("out of range 0-128"), std::string::npos) << msg;
    msg = usage_message([] { parse_cidr("::/99999999999999999999"); });
    EXPECT_NE(msg.find("'::/99999999999999999999'"), std::string::npos) << msg;
    EXPECT_NO_THROW(parse_cidr("0.0.0.0/0"));
    EXPECT_NO_THROW(parse_cidr("::/0"));
}

TEST(PortRangeTest, Parses) {
    auto p = parse_port_range("80");
    EXPECT_EQ(p.lo, 80);
    EXPECT_EQ(p.hi, 80);
    p = parse_port_range("8000-8100");
    EXPECT_EQ(p.lo, 8000);
    EXPECT_EQ(p.hi, 8100);
    EXPECT_TRUE(p.contains(8000));
    EXPECT_TRUE(p.contains(8100));
    EXPECT_FALSE(p.contains(7999));
    EXPECT_FALSE(p.contains(8101));
    p = parse_port_range("0-65535");
    EXPECT_EQ(p.lo, 0);
    EXPECT_EQ(p.hi, 65535);
    EXPECT_EQ(parse_port_range("5-5").lo, 5);
}

TEST(PortRangeTest, Errors) {
    const std::string hint = "expected a number 0-65535 or a range such as 8000-8100";
    for (std::string bad : {"70000", "", "abc", "65536", "-1", "+80", "80-", "-80", "1-2-3", "8 0",
                            "99999999999999999999", "80-70000"}) {
        EXPECT_EQ(usage_message([&] { parse_port_range(bad); }), "invalid port '" + bad + "': " + hint);
    }
    auto msg = usage_message([] { parse_port_range("9-3"); });
    EXPECT_NE(msg.find("'9-3'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("greater"), std::string::npos) << msg;
}

namespace {

// A fixed interface table, as the app's OS-backed one would answer.
class TwoInterfaces final : public InterfaceNames {
public:
    std::optional<std::uint32_t> index_of(std::string_view name) const override {
        if (name == "lo") return 1;
        if (name == "eth0") return 2;
        return std::nullopt;
    }
    std::optional<std::string> name_of(std::uint32_t i) const override {
        if (i == 1) return "lo";
        if (i == 2) return "eth0";
        return std::nullopt;
    }
};

IpAddress scoped(std::string_view text, std::uint32_t scope) {
    IpAddress a = addr(text);
    a.scope_id = scope;
    return a;
}

}  // namespace

TEST(Cidr, ZonesByIndexOrInterfaceName) {
    const TwoInterfaces ifs;
    EXPECT_EQ(parse_cidr("fe80::1%2").base, scoped("fe80::1", 2));
    EXPECT_EQ(parse_cidr("fe80::1%eth0", &ifs).base, scoped("fe80::1", 2));
    EXPECT_EQ(parse_cidr("fe80::1%lo/64", &ifs).base.scope_id, 1u);
    EXPECT_EQ(parse_cidr("fe80::1%lo/64", &ifs).prefix_len, 64u);
    EXPECT_EQ(parse_cidr("fe80::1%4294967295").base.scope_id, 4294967295u);
    EXPECT_TRUE(has_named_zone("fe80::1%eth0"));
    EXPECT_TRUE(has_named_zone("fe80::1%eth0/64"));
    EXPECT_FALSE(has_named_zone("fe80::1%2"));
    EXPECT_FALSE(has_named_zone("fe80::1"));
    EXPECT_EQ(usage_message([] { parse_cidr("fe80::1%eth0"); }),
              "unknown interface 'eth0' in 'fe80::1%eth0': expected an interface name of this host (ip link) or its "
              "index, e.g. fe80::1%lo or fe80::1%2");
    EXPECT_EQ(usage_message([&] { parse_cidr("fe80::1%wlan9", &ifs); }).rfind("unknown interface 'wlan9'", 0), 0u);
    EXPECT_EQ(usage_message([] { parse_cidr("fe80::1%4294967296"); }).rfind("unknown interface '4294967296'", 0), 0u);
    EXPECT_EQ(usage_message([] { parse_cidr("10.0.0.1%2"); }),
              "invalid address '10.0.0.1%2': a %zone follows an IPv6 address, e.g. fe80::1%lo or fe80::1%2");
    EXPECT_EQ(usage_message([] { parse_cidr("fe80::1%"); }).rfind("invalid address 'fe80::1%'", 0), 0u);
}

TEST(Cidr, ZonedPrefixMatchesOnlyItsZone) {
    const Cidr c = parse_cidr("fe80::1%2");
    EXPECT_TRUE(c.contains(scoped("fe80::1", 2)));
    EXPECT_FALSE(c.contains(scoped("fe80::1", 3)));
    EXPECT_FALSE(c.contains(addr("fe80::1")));
    // Without a zone every zone matches.
    EXPECT_TRUE(parse_cidr("fe80::/64").contains(scoped("fe80::1", 3)));
    EXPECT_TRUE(parse_cidr("fe80::1").contains(scoped("fe80::1", 3)));
}
