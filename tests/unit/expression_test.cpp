// Tests ss-style filter expressions: the grammar as ss reads it, evaluation across fields, the state
// superset, combination with the option filters, and one-line errors naming word and position.
#include <gtest/gtest.h>

#include "tcpstat/error.hpp"
#include "tcpstat/expression.hpp"
#include "tcpstat/filter.hpp"

using namespace tcpstat;

namespace {

Socket tcp(TcpState st, std::string_view laddr, std::uint16_t lport, std::string_view raddr, std::uint16_t rport) {
    Socket s;
    s.state = st;
    s.local = {parse_address(laddr).value(), lport};
    s.remote = {parse_address(raddr).value(), rport};
    s.family = s.local.addr.family;
    return s;
}

Expression parse(std::vector<std::string> words) { return parse_expression(words); }
bool match(const std::vector<std::string>& words, const Socket& s) { return parse(words).matches(s); }

std::string error_of(std::vector<std::string> words) {
    try {
        parse_expression(words);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

const Socket kServer = tcp(TcpState::CloseWait, "127.0.0.1", 6800, "10.1.2.3", 40000);
const Socket kClient = tcp(TcpState::Established, "127.0.0.1", 40001, "127.0.0.1", 6800);
const Socket kV6 = tcp(TcpState::Listen, "::1", 22, "::", 0);
const Socket kMapped = tcp(TcpState::Established, "::ffff:127.0.0.1", 8080, "::ffff:10.9.9.9", 51000);

}  // namespace

TEST(ExpressionTest, EmptyMatchesEverything) {
    EXPECT_TRUE(parse({}).empty());
    EXPECT_TRUE(parse({"  "}).empty());
    EXPECT_TRUE(match({}, kServer));
    EXPECT_TRUE(parse({}).state_superset().is_all());
}

TEST(ExpressionTest, TheIssuesExamples) {
    const std::vector<std::string> e = {"state", "close-wait", "( sport = :6800 or dport = :6800 )"};
    EXPECT_TRUE(match(e, kServer));
    EXPECT_FALSE(match(e, kClient)) << "ESTABLISHED is not close-wait";
    EXPECT_TRUE(match({"( sport = :6800 or dport = :6800 )"}, kClient));
    EXPECT_TRUE(match({"dst", "10.0.0.0/8"}, kServer));
    EXPECT_FALSE(match({"dst", "10.0.0.0/8"}, kClient));
    EXPECT_TRUE(match({"sport", "gt", ":1024"}, kServer));
    EXPECT_FALSE(match({"sport", "gt", ":1024"}, kV6));
    EXPECT_TRUE(match({"dport", "!=", ":22"}, kServer));
    EXPECT_TRUE(match({"src", "[::1]"}, kV6));
    EXPECT_FALSE(match({"src", "[::1]"}, kServer));
    EXPECT_TRUE(match({"src", "127.0.0.1:6800"}, kServer));
    EXPECT_FALSE(match({"src", "127.0.0.1:6801"}, kServer));
}

TEST(ExpressionTest, EveryOperatorSpelling) {
    for (const char* op : {"=", "==", "eq"}) EXPECT_TRUE(match({"sport", op, ":6800"}, kServer)) << op;
    for (const char* op : {"!=", "ne", "neq"}) EXPECT_FALSE(match({"sport", op, ":6800"}, kServer)) << op;
    for (const char* op : {">=", "ge", "geq"}) EXPECT_TRUE(match({"sport", op, ":6800"}, kServer)) << op;
    for (const char* op : {"<=", "le", "leq"}) EXPECT_TRUE(match({"sport", op, ":6800"}, kServer)) << op;
    for (const char* op : {">", "gt"}) EXPECT_FALSE(match({"sport", op, ":6800"}, kServer)) << op;
    for (const char* op : {"<", "lt"}) EXPECT_FALSE(match({"sport", op, ":6800"}, kServer)) << op;
    EXPECT_TRUE(match({"sport", "6800"}, kServer)) << "no operator means =, and the colon is optional";
    EXPECT_TRUE(match({"sport", "=", "*"}, kServer));
    EXPECT_TRUE(match({"src", "*:6800"}, kServer));
    EXPECT_TRUE(match({"dst", "!=", "127.0.0.0/8"}, kServer));
}

TEST(ExpressionTest, LogicSpellingsAndParentheses) {
    for (const char* a : {"and", "&&", "&"}) EXPECT_FALSE(match({"sport = :6800", a, "dport = :1"}, kServer)) << a;
    for (const char* o : {"or", "||", "|"}) EXPECT_TRUE(match({"sport = :1", o, "dport = :40000"}, kServer)) << o;
    for (const char* n : {"not", "!"}) EXPECT_FALSE(match({n, "sport = :6800"}, kServer)) << n;
    EXPECT_FALSE(match({"sport = :6800", "dport = :1"}, kServer)) << "juxtaposition is and";
    EXPECT_TRUE(match({"(", "sport", "=", ":6800", ")"}, kServer)) << "parentheses as separate words";
    EXPECT_TRUE(match({"(sport = :6800)"}, kServer)) << "parentheses attached to words";
    EXPECT_TRUE(match({"not ( sport = :1 or sport = :2 )"}, kServer));
}

TEST(ExpressionTest, AndAndOrBindEquallyFromTheLeftAsInSs) {
    // ss: `a or b and c` is `(a or b) and c`.
    const std::vector<std::string> e = {"sport = :6800 or sport = :1 and dport = :1"};
    EXPECT_FALSE(match(e, kServer));
    EXPECT_TRUE(match({"sport = :6800 or ( sport = :1 and dport = :1 )"}, kServer));
}

TEST(ExpressionTest, StatesAndGroupsAsSsReadsThem) {
    EXPECT_TRUE(match({"state", "connected"}, kServer));
    EXPECT_FALSE(match({"state", "connected"}, kV6));
    EXPECT_TRUE(match({"state", "synchronized"}, kClient));
    EXPECT_FALSE(match({"state", "bucket"}, kClient));
    EXPECT_TRUE(match({"state", "big"}, kClient));
    EXPECT_TRUE(match({"state", "all"}, kV6));
    EXPECT_TRUE(match({"state", "listening", "state", "close-wait"}, kServer)) << "repeated states add up";
    EXPECT_TRUE(match({"state", "listening", "state", "close-wait"}, kV6));
    EXPECT_FALSE(match({"exclude", "close-wait"}, kServer));
    EXPECT_TRUE(match({"exclude", "close-wait"}, kClient));
    EXPECT_FALSE(match({"state", "connected", "exclude", "established"}, kClient));
    EXPECT_TRUE(match({"state", "established", "or", "state", "listening"}, kV6));
    EXPECT_TRUE(match({"state", "fin-wait-1", "or", "state", "syn-recv", "or", "state", "unconnected",
                       "or", "state", "syn-rcv", "or", "sport = :22"}, kV6))
        << "ss's state spellings";
}

TEST(ExpressionTest, StateSupersetFeedsTheKernelMask) {
    EXPECT_EQ(parse({"state", "close-wait", "sport = :6800"}).state_superset(), StateMask::of(TcpState::CloseWait));
    StateMask two = StateMask::of(TcpState::Listen);
    two.add(TcpState::Established);
    EXPECT_EQ(parse({"state established or state listen"}).state_superset(), two);
    EXPECT_TRUE(parse({"state established or sport = :1"}).state_superset().is_all());
    EXPECT_FALSE(parse({"not state established"}).state_superset().has(TcpState::Established));
}

TEST(ExpressionTest, AddressesV4MappedAndPrefixes) {
    EXPECT_TRUE(match({"src 127.0.0.1"}, kMapped)) << "an IPv4 prefix matches v4-mapped addresses, as in the kernel";
    EXPECT_TRUE(match({"dst 10.0.0.0/8"}, kMapped));
    EXPECT_TRUE(match({"src [::ffff:127.0.0.1]:8080"}, kMapped));
    EXPECT_FALSE(match({"src [::ffff:127.0.0.1]"}, kServer)) << "a v4-mapped rule selects only v4-mapped sockets";
    EXPECT_TRUE(match({"src ::1/128"}, kV6)) << "bare IPv6 without brackets";
    EXPECT_TRUE(match({"src [::1]:22"}, kV6));
    EXPECT_FALSE(match({"src [::1]:23"}, kV6));
}

TEST(ExpressionTest, CombinedByAndWithTheOptionFilters) {
    Filter f;
    f.expression = parse({"sport = :6800 or sport = :22"});
    EXPECT_TRUE(f.matches_socket(kServer));
    EXPECT_TRUE(f.matches_socket(kV6));
    f.states = StateMask::of(TcpState::Listen);
    EXPECT_FALSE(f.matches_socket(kServer));
    EXPECT_TRUE(f.matches_socket(kV6));
}

TEST(ExpressionTest, ErrorsNameTheWordItsPositionAndWhatWasExpected) {
    const auto e = error_of({"sport", "=", "or"});
    EXPECT_NE(e.find("word 3 'or'"), std::string::npos) << e;
    EXPECT_NE(e.find("expected a port after 'sport'"), std::string::npos) << e;
    EXPECT_NE(error_of({"( sport = :22"}).find("expected ')' to close the '(' at word 1"), std::string::npos);
    EXPECT_NE(error_of({"sport = :22 )"}).find("word 4 ')': no '(' to close"), std::string::npos);
    EXPECT_NE(error_of({"bogus"}).find("word 1 'bogus': expected src, dst, sport"), std::string::npos);
    EXPECT_NE(error_of({"state", "close_wiat"}).find("word 2 'close_wiat': unknown state"), std::string::npos);
    EXPECT_NE(error_of({"sport = :http"}).find("service names are not resolved"), std::string::npos);
    EXPECT_NE(error_of({"sport = :70000"}).find("expected a port number 0-65535"), std::string::npos);
    EXPECT_NE(error_of({"dst", "db1"}).find("word 2 'db1': expected a numeric address"), std::string::npos);
    EXPECT_NE(error_of({"dst", ">", "1.2.3.4"}).find("compares addresses with = or != only"), std::string::npos);
    EXPECT_NE(error_of({"sport = :1", "and"}).find("ends too early: expected a filter after 'and'"), std::string::npos);
    EXPECT_NE(error_of({"or sport = :1"}).find("'or' needs a filter on its left"), std::string::npos);
    EXPECT_NE(error_of({"( )"}).find("empty parentheses"), std::string::npos);
    EXPECT_NE(error_of({std::string(200, '(') + "sport = :1"}).find("nested deeper than"), std::string::npos);
    for (const auto& words : std::vector<std::vector<std::string>>{{"src"}, {"dst [::1"}, {"exclude"}, {"not"}}) {
        const auto msg = error_of(words);
        EXPECT_NE(msg.find("invalid filter expression"), std::string::npos) << words[0];
        EXPECT_EQ(msg.find('\n'), std::string::npos);
    }
}
