// Owns the proof that text cells marked plain (copied unescaped by every writer) need no escaping.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "fixture.hpp"
#include "render/cell.hpp"
#include "render/escape.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat {
namespace {

using golden::escaped_text;
using golden::json_text;

// A plain cell must read the same after every format's escaping, never need CSV quotes, and
// be as wide as it is long.
void expect_plain_is_safe(const Cell& c, const std::string& what) {
    if (!c.plain) return;
    const std::string text(c.text);
    EXPECT_EQ(escaped_text(text, TextQuoting::None), text) << what;
    EXPECT_EQ(escaped_text(text, TextQuoting::Csv), text) << what;
    EXPECT_EQ(escaped_text(text, TextQuoting::Prometheus), text) << what;
    EXPECT_FALSE(csv_needs_quotes(text)) << what;
    EXPECT_EQ(json_text(text), "\"" + text + "\"") << what;
    EXPECT_EQ(escaped_text_width(text), text.size()) << what;
    for (char ch : text) EXPECT_TRUE(ch > ' ' && ch < 0x7f) << what;
}

IpAddress random_address(std::mt19937& rng) {
    IpAddress a;
    const int kind = static_cast<int>(rng() % 4);
    if (kind == 0) return IpAddress::v4(rng() & 0xFF, rng() & 0xFF, rng() & 0xFF, rng() & 0xFF);
    a.family = Family::Inet6;
    for (auto& b : a.bytes) b = static_cast<std::uint8_t>(rng());
    if (kind == 1) {  // v4-mapped
        std::fill(a.bytes.begin(), a.bytes.begin() + 10, 0);
        a.bytes[10] = a.bytes[11] = 0xFF;
    } else if (kind == 2) {  // link-local with a zone
        a.bytes[0] = 0xFE;
        a.bytes[1] = 0x80;
        a.scope_id = rng();
    }
    return a;
}

TEST(PlainCells, EveryGeneratedTextNeedsNoEscaping) {
    std::mt19937 rng(20261201);
    Snapshot snap;
    const std::vector<Field> fields = {Field::Proto, Field::Family, Field::State, Field::Local,
                                       Field::Remote, Field::Laddr, Field::Raddr, Field::Timer};
    for (int i = 0; i < 5000; ++i) {
        Socket s;
        s.protocol = i % 2 ? Protocol::Udp : Protocol::Tcp;
        s.state = static_cast<TcpState>(1 + i % 13);
        s.local = Endpoint{random_address(rng), static_cast<std::uint16_t>(rng())};
        s.remote = Endpoint{random_address(rng), static_cast<std::uint16_t>(i % 7 == 0 ? 0 : rng())};
        s.family = s.local.addr.family;
        s.timer = Timer{static_cast<TimerKind>(i % 5), rng()};
        snap.sockets.push_back(std::move(s));
    }
    CellSource source(snap, OwnerStyle::Joined);
    std::size_t plain = 0;
    for (const Socket& s : snap.sockets) {
        for (Field f : fields) {
            const Cell c = source.get(s, f);
            plain += c.plain;
            expect_plain_is_safe(c, std::string(c.text));
        }
    }
    EXPECT_EQ(plain, snap.sockets.size() * fields.size()) << "every one of these fields is generated text";
}

TEST(PlainCells, NamesFromOutsideAreNeverPlain) {
    Snapshot snap;
    Socket s;
    s.owners = {Owner{7, 3}};
    s.uid = 1000;
    s.netns = 4026531840u;
    snap.sockets.push_back(s);
    snap.processes[7].name = "evil\x1b[31m";
    snap.users[1000] = "bob\tby";
    snap.netns_names[4026531840u] = "ns,\"x\"";
    CellSource source(snap, OwnerStyle::Joined);
    for (Field f : {Field::Process, Field::User, Field::Netns, Field::Owners, Field::Pid})
        EXPECT_FALSE(source.get(snap.sockets[0], f).plain) << field_info(f).name;
}

}  // namespace
}  // namespace tcpstat
