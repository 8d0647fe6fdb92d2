// Owns the tests that TableParser, fed a table in pieces, gives what parsing the whole text gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "procfs.hpp"

namespace tcpstat::procfs {
namespace {

std::string fixture(const std::string& rel) {
    std::ifstream in(std::string(TCPSTAT_FIXTURES_DIR) + "/proc/" + rel, std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing fixture " << rel;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every field the parser sets, as one comparable line.
std::string describe(const Socket& s) {
    auto opt = [](const auto& o) { return o ? std::to_string(*o) : std::string("-"); };
    std::string addr;
    for (auto b : s.local.addr.bytes) addr += fmt::format("{:02x}", b);
    addr += ':' + std::to_string(s.local.port) + '>';
    for (auto b : s.remote.addr.bytes) addr += fmt::format("{:02x}", b);
    addr += ':' + std::to_string(s.remote.port);
    return fmt::format("{} {} {} {} uid={} inode={} rx={} tx={} timer={}:{} retr={}", static_cast<int>(s.protocol),
                       static_cast<int>(s.family), static_cast<int>(s.state), addr, opt(s.uid), opt(s.inode),
                       opt(s.rx_queue), opt(s.tx_queue), s.timer ? static_cast<int>(s.timer->kind) : -1,
                       s.timer ? s.timer->expires_ms : 0, opt(s.retransmits));
}

struct Result {
    ParseStats stats;
    std::vector<std::string> rows;
};

Result whole(std::string_view text, Protocol p, Family f, std::size_t max_rows = SIZE_MAX) {
    std::vector<Socket> out;
    TableParser parser(p, f, out, max_rows);
    parser.feed(text);
    Result r{parser.finish(), {}};
    for (const Socket& s : out) r.rows.push_back(describe(s));
    return r;
}

Result in_pieces(std::string_view text, const std::vector<std::size_t>& cuts, Protocol p, Family f,
                 std::size_t max_rows = SIZE_MAX) {
    std::vector<Socket> out;
    TableParser parser(p, f, out, max_rows);
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        cut = std::min(cut, text.size());
        parser.feed(text.substr(from, cut - from));
        from = cut;
    }
    parser.feed(text.substr(from));
    Result r{parser.finish(), {}};
    for (const Socket& s : out) r.rows.push_back(describe(s));
    return r;
}

void expect_same(const Result& a, const Result& b, const std::string& where) {
    EXPECT_EQ(a.stats.rows, b.stats.rows) << where;
    EXPECT_EQ(a.stats.malformed, b.stats.malformed) << where;
    EXPECT_EQ(a.stats.first_malformed_line, b.stats.first_malformed_line) << where;
    EXPECT_EQ(a.stats.row_limit_hit, b.stats.row_limit_hit) << where;
    EXPECT_EQ(a.rows, b.rows) << where;
}

struct Table {
    const char* file;
    Protocol proto;
    Family family;
};

constexpr Table kTables[] = {
    {"recorded/net/tcp", Protocol::Tcp, Family::Inet},      {"recorded/net/tcp6", Protocol::Tcp, Family::Inet6},
    {"recorded/net/udp", Protocol::Udp, Family::Inet},      {"recorded/net/udp6", Protocol::Udp, Family::Inet6},
    {"parse/tcp_malformed", Protocol::Tcp, Family::Inet},   {"parse/tcp_crlf", Protocol::Tcp, Family::Inet},
    {"parse/tcp_no_header", Protocol::Tcp, Family::Inet},   {"parse/header_only", Protocol::Tcp, Family::Inet},
    {"parse/tcp6_handmade", Protocol::Tcp, Family::Inet6},  {"parse/tcp_orphans", Protocol::Tcp, Family::Inet},
};

// One cut at every offset: the header on line 1, CR stripping, blank lines and the first
// malformed line number do not depend on where a read(2) ended.
TEST(ProcfsChunks, OneCutAtEveryOffsetMatchesTheWholeText) {
    for (const Table& t : kTables) {
        const std::string text = fixture(t.file);
        const Result ref = whole(text, t.proto, t.family);
        std::vector<Socket> legacy;
        const ParseStats st = parse_table(text, t.proto, t.family, legacy);
        EXPECT_EQ(st.rows, ref.stats.rows) << t.file;
        for (std::size_t cut = 0; cut <= text.size(); ++cut)
            expect_same(ref, in_pieces(text, {cut}, t.proto, t.family), std::string(t.file) + " cut at " + std::to_string(cut));
    }
}

TEST(ProcfsChunks, ByteByByteAndRandomPiecesMatchTheWholeText) {
    std::mt19937 rng(20261201);
    for (const Table& t : kTables) {
        const std::string text = fixture(t.file);
        const Result ref = whole(text, t.proto, t.family);
        std::vector<std::size_t> every;
        for (std::size_t i = 1; i < text.size(); ++i) every.push_back(i);
        expect_same(ref, in_pieces(text, every, t.proto, t.family), std::string(t.file) + " byte by byte");
        for (int round = 0; round < 50; ++round) {
            std::vector<std::size_t> cuts;
            for (std::size_t at = 0;;) {
                at += 1 + rng() % 97;
                if (at >= text.size()) break;
                cuts.push_back(at);
            }
            expect_same(ref, in_pieces(text, cuts, t.proto, t.family), std::string(t.file) + " round " + std::to_string(round));
        }
    }
}

// A line over kMaxLine is malformed whether it comes in one piece or in many, and the parser
// keeps no more than that of it; the next line is parsed as usual.
TEST(ProcfsChunks, OverlongLineIsOneMalformedLineWhereverItIsCut) {
    const std::string tcp = fixture("recorded/net/tcp");
    const std::size_t second = tcp.find('\n', tcp.find('\n') + 1) + 1;  // after header and row 0
    for (std::size_t extra : {TableParser::kMaxLine - 1, TableParser::kMaxLine, TableParser::kMaxLine + 1,
                              std::size_t{3} * TableParser::kMaxLine}) {
        const std::string text = tcp.substr(0, second) + std::string(extra, 'x') + "\n" + tcp.substr(second);
        const Result ref = whole(text, Protocol::Tcp, Family::Inet);
        EXPECT_EQ(ref.stats.rows, 13u);
        EXPECT_EQ(ref.stats.malformed, 1u);
        EXPECT_EQ(ref.stats.first_malformed_line, 3u);
        for (std::size_t cut = second - 3; cut < second + extra + 4; cut += 7)
            expect_same(ref, in_pieces(text, {cut, cut + 1, cut + 1 + TableParser::kMaxLine / 2}, Protocol::Tcp, Family::Inet),
                        "extra " + std::to_string(extra) + " cut at " + std::to_string(cut));
    }
    // No newline at all (e.g. a sparse file's hole): one malformed line, nothing held.
    const Result zeros = in_pieces(std::string(100000, '\0'), {65536}, Protocol::Tcp, Family::Inet);
    EXPECT_EQ(zeros.stats.rows, 0u);
    EXPECT_EQ(zeros.stats.malformed, 1u);
}

// The row limit keeps exactly max_rows rows and reports that a later valid row was left out;
// a table with exactly max_rows rows is not reported.
TEST(ProcfsChunks, RowLimitKeepsTheFirstRowsAndSaysSo) {
    const std::string text = fixture("recorded/net/tcp");  // 13 rows
    const Result all = whole(text, Protocol::Tcp, Family::Inet);
    const Result five = whole(text, Protocol::Tcp, Family::Inet, 5);
    EXPECT_TRUE(five.stats.row_limit_hit);
    EXPECT_EQ(five.stats.rows, 5u);
    ASSERT_EQ(five.rows.size(), 5u);
    EXPECT_EQ(five.rows, std::vector<std::string>(all.rows.begin(), all.rows.begin() + 5));
    for (std::size_t cut = 0; cut <= text.size(); cut += 13)
        expect_same(five, in_pieces(text, {cut}, Protocol::Tcp, Family::Inet, 5), "cut at " + std::to_string(cut));
    const Result exact = whole(text, Protocol::Tcp, Family::Inet, 13);
    EXPECT_FALSE(exact.stats.row_limit_hit);
    EXPECT_EQ(exact.stats.rows, 13u);
    const Result none = whole(text, Protocol::Tcp, Family::Inet, 0);
    EXPECT_TRUE(none.stats.row_limit_hit);
    EXPECT_TRUE(none.rows.empty());
}

// A text cut short (the byte limit of a recorded table) drops its trailing fragment instead
// of counting it as a malformed line.
TEST(ProcfsChunks, CutTextDropsItsFragment) {
    const std::string text = fixture("recorded/net/tcp");
    const std::size_t mid = text.find('\n', text.size() / 2) + 20;
    std::vector<Socket> out;
    TableParser parser(Protocol::Tcp, Family::Inet, out);
    parser.feed(std::string_view(text).substr(0, mid));
    const ParseStats cut = parser.finish(true);
    EXPECT_EQ(cut.malformed, 0u);
    EXPECT_EQ(cut.rows, out.size());
    EXPECT_LT(cut.rows, 13u);
}

}  // namespace
}  // namespace tcpstat::procfs
