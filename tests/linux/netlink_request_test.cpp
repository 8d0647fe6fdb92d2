// Owns the tests of the inet_diag request: state mask translation, message layout, port bytecode.
#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <functional>
#include <cstring>
#include <random>
#include <set>

#include "netlink_request.hpp"
#include "tcpstat/expression.hpp"

namespace tcpstat::netlink {
namespace {

std::uint32_t bit(TcpState s) { return 1u << static_cast<unsigned>(s); }

TEST(NetlinkStateMask, AllStatesAreLinuxStatesOnly) {
    EXPECT_EQ(kernel_state_mask(StateMask::all(), Protocol::Tcp), 0x1FFEu);  // 1..12, no DELETE_TCB
}

TEST(NetlinkStateMask, SingleStatePassesThrough) {
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::CloseWait), Protocol::Tcp), bit(TcpState::CloseWait));
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::Listen), Protocol::Tcp), bit(TcpState::Listen));
}

TEST(NetlinkStateMask, SynRecvSelectsRequestSocketsToo) {
    const auto both = bit(TcpState::SynRecv) | bit(TcpState::NewSynRecv);
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::SynRecv), Protocol::Tcp), both);
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::NewSynRecv), Protocol::Tcp), both);
}

TEST(NetlinkStateMask, WindowsOnlyStateSelectsNothing) {
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::DeleteTcb), Protocol::Tcp), 0u);
}

TEST(NetlinkStateMask, UdpListeningMeansUnconnected) {
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::Listen), Protocol::Udp),
              bit(TcpState::Listen) | bit(TcpState::Close));
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::Established), Protocol::Udp), bit(TcpState::Established));
    // No SYN_RECV widening for UDP: it has no request sockets.
    EXPECT_EQ(kernel_state_mask(StateMask::of(TcpState::SynRecv), Protocol::Udp), bit(TcpState::SynRecv));
}

TEST(NetlinkRequest, LayoutWithoutBytecode) {
    const DumpSpec spec{Protocol::Tcp, Family::Inet6, 0x400, true};
    const auto msg = build_request(spec, {}, 77);
    ASSERT_EQ(msg.size(), NLMSG_HDRLEN + sizeof(inet_diag_req_v2));
    nlmsghdr h;
    std::memcpy(&h, msg.data(), sizeof h);
    EXPECT_EQ(h.nlmsg_len, msg.size());
    EXPECT_EQ(h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
    EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(h.nlmsg_seq, 77u);
    inet_diag_req_v2 r;
    std::memcpy(&r, msg.data() + NLMSG_HDRLEN, sizeof r);
    EXPECT_EQ(r.sdiag_family, AF_INET6);
    EXPECT_EQ(r.sdiag_protocol, IPPROTO_TCP);
    EXPECT_EQ(r.idiag_states, 0x400u);
    EXPECT_EQ(r.idiag_ext, 1u << (INET_DIAG_INFO - 1));
}

TEST(NetlinkRequest, BothFamiliesIsOneLegacyTcpRequest) {
    DumpSpec spec{Protocol::Tcp, Family::Inet, 0x100, true};
    spec.both_families = true;
    const auto bc = build_port_bytecode({{80, 80}}, {}, {});
    ASSERT_FALSE(bc.empty());
    const auto msg = build_request(spec, bc, 9);
    const std::size_t at = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_req));
    ASSERT_EQ(msg.size(), at + NLA_HDRLEN + bc.size());
    nlmsghdr h;
    std::memcpy(&h, msg.data(), sizeof h);
    EXPECT_EQ(h.nlmsg_len, msg.size());
    EXPECT_EQ(h.nlmsg_type, TCPDIAG_GETSOCK);
    EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    inet_diag_req r;
    std::memcpy(&r, msg.data() + NLMSG_HDRLEN, sizeof r);
    EXPECT_EQ(r.idiag_states, 0x100u);
    EXPECT_EQ(r.idiag_ext, 1u << (INET_DIAG_INFO - 1));
    nlattr a;
    std::memcpy(&a, msg.data() + at, sizeof a);
    EXPECT_EQ(a.nla_type, INET_DIAG_REQ_BYTECODE);
    EXPECT_TRUE(std::equal(bc.begin(), bc.end(), msg.begin() + at + NLA_HDRLEN));

    // UDP has no legacy request type: the flag is ignored.
    DumpSpec udp{Protocol::Udp, Family::Inet6, 0x82, false};
    udp.both_families = true;
    std::memcpy(&h, build_request(udp, {}, 1).data(), sizeof h);
    EXPECT_EQ(h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
}

TEST(NetlinkRequest, UdpNeverAsksForTcpInfo) {
    const auto msg = build_request(DumpSpec{Protocol::Udp, Family::Inet, 0x82, true}, {}, 1);
    inet_diag_req_v2 r;
    std::memcpy(&r, msg.data() + NLMSG_HDRLEN, sizeof r);
    EXPECT_EQ(r.sdiag_family, AF_INET);
    EXPECT_EQ(r.sdiag_protocol, IPPROTO_UDP);
    EXPECT_EQ(r.idiag_ext, 0);
    EXPECT_EQ(r.idiag_states, 0x82u);
}

TEST(NetlinkRequest, BytecodeTravelsAsAttribute) {
    const auto bc = build_port_bytecode({{80, 80}}, {}, {});
    ASSERT_FALSE(bc.empty());
    const auto msg = build_request(DumpSpec{Protocol::Tcp, Family::Inet, 2, false}, bc, 5);
    const std::size_t at = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_req_v2));
    ASSERT_EQ(msg.size(), at + NLA_HDRLEN + bc.size());
    nlattr a;
    std::memcpy(&a, msg.data() + at, sizeof a);
    EXPECT_EQ(a.nla_type, INET_DIAG_REQ_BYTECODE);
    EXPECT_EQ(a.nla_len, NLA_HDRLEN + bc.size());
    EXPECT_TRUE(std::equal(bc.begin(), bc.end(), msg.begin() + at + NLA_HDRLEN));
}

// --- A model of the kernel's bytecode auditor and interpreter, written from its documented
// behaviour: every op is a forward conditional jump (yes/no byte offsets); the program accepts
// when the walk ends exactly at its end. Port operands sit in the `no` of a second op.

std::vector<inet_diag_bc_op> ops_of(const std::vector<std::uint8_t>& bc) {
    std::vector<inet_diag_bc_op> ops(bc.size() / sizeof(inet_diag_bc_op));
    std::memcpy(ops.data(), bc.data(), ops.size() * sizeof(inet_diag_bc_op));
    return ops;
}

bool is_port_op(unsigned code) {
    return code == INET_DIAG_BC_S_GE || code == INET_DIAG_BC_S_LE || code == INET_DIAG_BC_D_GE ||
           code == INET_DIAG_BC_D_LE;
}

bool is_cond_op(unsigned code) { return code == INET_DIAG_BC_S_COND || code == INET_DIAG_BC_D_COND; }

inet_diag_hostcond cond_at(const std::vector<std::uint8_t>& bc, long pos) {
    inet_diag_hostcond c;
    std::memcpy(&c, bc.data() + pos + sizeof(inet_diag_bc_op), sizeof c);
    return c;
}

::testing::AssertionResult audit(const std::vector<std::uint8_t>& bc) {
    if (bc.size() % 4 != 0 || bc.size() < 4) return ::testing::AssertionFailure() << "length " << bc.size();
    const auto ops = ops_of(bc);
    std::set<long> boundaries;
    for (long pos = 0; pos < static_cast<long>(bc.size());) {
        boundaries.insert(pos);
        const long step = ops[pos / 4].yes;
        if (step == 0) break;  // rejected below; avoids walking forever
        pos += step;
    }
    long len = static_cast<long>(bc.size());
    long pos = 0;
    while (len > 0) {
        const inet_diag_bc_op& op = ops[pos / 4];
        long min_len = 4;
        if (is_port_op(op.code)) {
            min_len = 8;
            if (len < 8) return ::testing::AssertionFailure() << "port op truncated at " << pos;
        } else if (is_cond_op(op.code)) {
            min_len = 4 + static_cast<long>(sizeof(inet_diag_hostcond));
            if (len < min_len) return ::testing::AssertionFailure() << "hostcond truncated at " << pos;
            const inet_diag_hostcond c = cond_at(bc, pos);
            const long alen = c.family == AF_UNSPEC ? 0 : c.family == AF_INET ? 4 : c.family == AF_INET6 ? 16 : -1;
            if (alen < 0) return ::testing::AssertionFailure() << "bad family at " << pos;
            min_len += alen;
            if (len < min_len || c.prefix_len > alen * 8)
                return ::testing::AssertionFailure() << "bad hostcond at " << pos;
        } else if (op.code != INET_DIAG_BC_JMP) {
            return ::testing::AssertionFailure() << "unexpected op " << int(op.code) << " at " << pos;
        }
        if (op.no < min_len || op.no > len + 4 || op.no % 4)
            return ::testing::AssertionFailure() << "bad no " << op.no << " at " << pos;
        if (op.no < len && !boundaries.count(pos + op.no))
            return ::testing::AssertionFailure() << "no jumps mid-op at " << pos;
        if (op.yes < min_len || op.yes > len + 4 || op.yes % 4)
            return ::testing::AssertionFailure() << "bad yes " << int(op.yes) << " at " << pos;
        pos += op.yes;
        len -= op.yes;
    }
    if (len != 0) return ::testing::AssertionFailure() << "program does not end on an op";
    return ::testing::AssertionSuccess();
}

// What the kernel knows of a socket when it runs the program.
struct Entry {
    std::uint16_t sport = 0, dport = 0;
    Family family = Family::Inet;
    std::array<std::uint8_t, 16> saddr{}, daddr{};
};

bool bits_match(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) {
    for (unsigned i = 0; i < bits; ++i) {
        const unsigned mask = 0x80u >> (i % 8);
        if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
    }
    return true;
}

// INET_DIAG_BC_S_COND / D_COND as the kernel documents them: port (-1 any), then family (an IPv4
// rule also matches v4-mapped IPv6 sockets), then the prefix.
bool cond_matches(const std::vector<std::uint8_t>& bc, long pos, const Entry& e) {
    const inet_diag_hostcond c = cond_at(bc, pos);
    const bool src = ops_of(bc)[pos / 4].code == INET_DIAG_BC_S_COND;
    const std::uint8_t* want = bc.data() + pos + sizeof(inet_diag_bc_op) + sizeof(inet_diag_hostcond);
    if (c.port != -1 && c.port != (src ? e.sport : e.dport)) return false;
    const std::uint8_t* addr = src ? e.saddr.data() : e.daddr.data();
    const int family = e.family == Family::Inet ? AF_INET : AF_INET6;
    if (c.family != AF_UNSPEC && c.family != family) {
        static const std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        return family == AF_INET6 && c.family == AF_INET && std::memcmp(addr, mapped, 12) == 0 &&
               bits_match(addr + 12, want, c.prefix_len);
    }
    return c.prefix_len == 0 || bits_match(addr, want, c.prefix_len);
}

bool run(const std::vector<std::uint8_t>& bc, const Entry& e) {
    const std::uint16_t sport = e.sport, dport = e.dport;
    const auto ops = ops_of(bc);
    long len = static_cast<long>(bc.size());
    long pos = 0;
    while (len > 0) {
        const inet_diag_bc_op& op = ops[pos / 4];
        bool yes = true;
        switch (op.code) {
            case INET_DIAG_BC_JMP: yes = false; break;
            case INET_DIAG_BC_S_GE: yes = sport >= ops[pos / 4 + 1].no; break;
            case INET_DIAG_BC_S_LE: yes = sport <= ops[pos / 4 + 1].no; break;
            case INET_DIAG_BC_D_GE: yes = dport >= ops[pos / 4 + 1].no; break;
            case INET_DIAG_BC_D_LE: yes = dport <= ops[pos / 4 + 1].no; break;
            case INET_DIAG_BC_S_COND:
            case INET_DIAG_BC_D_COND: yes = cond_matches(bc, pos, e); break;
            default: ADD_FAILURE() << "unexpected op"; return false;
        }
        const long step = yes ? op.yes : op.no;
        pos += step;
        len -= step;
    }
    return len == 0;
}

bool run(const std::vector<std::uint8_t>& bc, std::uint16_t sport, std::uint16_t dport) {
    Entry e;
    e.sport = sport;
    e.dport = dport;
    return run(bc, e);
}

bool reference(const std::vector<PortRange>& s, const std::vector<PortRange>& d, const std::vector<PortRange>& any,
               std::uint16_t sp, std::uint16_t dp) {
    auto in = [](const std::vector<PortRange>& l, auto pred) { return l.empty() || std::any_of(l.begin(), l.end(), pred); };
    return in(s, [&](PortRange r) { return r.contains(sp); }) && in(d, [&](PortRange r) { return r.contains(dp); }) &&
           in(any, [&](PortRange r) { return r.contains(sp) || r.contains(dp); });
}

TEST(NetlinkBytecode, NothingToPushDown) {
    EXPECT_TRUE(build_port_bytecode({}, {}, {}).empty());
    EXPECT_TRUE(build_port_bytecode({{0, 65535}}, {}, {}).empty());         // matches everything
    EXPECT_TRUE(build_port_bytecode({}, {{1, 2}, {0, 65535}}, {}).empty());  // one range is everything
}

TEST(NetlinkBytecode, UnsatisfiableListIsLeftToTheCoreFilter) {
    EXPECT_TRUE(build_port_bytecode({{90, 80}}, {}, {}).empty());
}

TEST(NetlinkBytecode, HugeListsAreNotPushedDown) {
    std::vector<PortRange> many;
    for (std::uint16_t p = 1; p <= 400; ++p) many.push_back({static_cast<std::uint16_t>(p * 10), static_cast<std::uint16_t>(p * 10 + 5)});
    EXPECT_TRUE(build_port_bytecode({}, {}, many).empty());
}

TEST(NetlinkBytecode, SinglePortExact) {
    const auto bc = build_port_bytecode({{8080, 8080}}, {}, {});
    ASSERT_TRUE(audit(bc));
    EXPECT_TRUE(run(bc, 8080, 1));
    EXPECT_FALSE(run(bc, 8079, 8080));
    EXPECT_FALSE(run(bc, 8081, 8080));
    EXPECT_FALSE(run(bc, 0x901F, 0));  // 8080 byte-swapped
}

TEST(NetlinkBytecode, OpenEndedRangesEmitOneComparison) {
    EXPECT_EQ(build_port_bytecode({{0, 1023}}, {}, {}).size(), 8u);
    EXPECT_EQ(build_port_bytecode({}, {{1024, 65535}}, {}).size(), 8u);
}

TEST(NetlinkBytecode, EitherSideAndConjunction) {
    const auto bc = build_port_bytecode({{1000, 2000}}, {{443, 443}, {80, 80}}, {{1500, 1500}});
    ASSERT_TRUE(audit(bc));
    EXPECT_TRUE(run(bc, 1500, 443));
    EXPECT_TRUE(run(bc, 1500, 80));
    EXPECT_FALSE(run(bc, 1500, 81));
    EXPECT_FALSE(run(bc, 1400, 80));   // any-port clause fails
    EXPECT_FALSE(run(bc, 999, 1500));  // sport clause fails
}

TEST(NetlinkBytecode, RandomListsAgreeWithTheFilterSemantics) {
    std::mt19937 rng(12345);
    auto port = [&]() -> std::uint16_t {
        switch (rng() % 6) {
            case 0: return 0;
            case 1: return 65535;
            case 2: return static_cast<std::uint16_t>(rng() % 16);
            default: return static_cast<std::uint16_t>(rng());
        }
    };
    auto list = [&]() {
        std::vector<PortRange> l(rng() % 4);
        for (auto& r : l) {
            std::uint16_t a = port(), b = port();
            if (rng() % 8 != 0 && a > b) std::swap(a, b);  // mostly valid, sometimes empty ranges
            r = {a, b};
        }
        return l;
    };
    int pushed = 0;
    for (int i = 0; i < 1500; ++i) {
        const auto s = list(), d = list(), any = list();
        const auto bc = build_port_bytecode(s, d, any);
        if (bc.empty()) continue;  // no push-down is always a correct superset
        ++pushed;
        ASSERT_TRUE(audit(bc)) << "case " << i;
        std::vector<std::uint16_t> probes = {0, 1, 65534, 65535};
        for (const auto* l : {&s, &d, &any})
            for (const PortRange& r : *l)
                for (int delta : {-1, 0, 1}) {
                    probes.push_back(static_cast<std::uint16_t>(r.lo + delta));
                    probes.push_back(static_cast<std::uint16_t>(r.hi + delta));
                }
        for (int k = 0; k < 8; ++k) probes.push_back(static_cast<std::uint16_t>(rng()));
        std::sort(probes.begin(), probes.end());
        probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
        for (std::uint16_t sp : probes)
            for (std::uint16_t dp : probes)
                ASSERT_EQ(run(bc, sp, dp), reference(s, d, any, sp, dp)) << "case " << i << " sport " << sp << " dport " << dp;
    }
    EXPECT_GT(pushed, 500);
}


// --- Filter expressions.

Expression expr(std::vector<std::string> words) { return parse_expression(words); }

Socket sock(std::string_view laddr, std::uint16_t lport, std::string_view raddr, std::uint16_t rport) {
    Socket s;
    s.local = {parse_address(laddr).value(), lport};
    s.remote = {parse_address(raddr).value(), rport};
    s.family = s.local.addr.family;
    return s;
}

Entry entry_of(const Socket& s) {
    Entry e;
    e.sport = s.local.port;
    e.dport = s.remote.port;
    e.family = s.family;
    e.saddr = s.local.addr.bytes;
    e.daddr = s.remote.addr.bytes;
    return e;
}

TEST(NetlinkExpressionBytecode, CloseWaitOnOnePortTransfersOnlyMatchingSockets) {
    // tcpstat state close-wait '( sport = :6800 )': the state goes into the bitmask, the port into
    // the program, so the kernel sends only CLOSE_WAIT sockets on local port 6800.
    CollectRequest r;
    r.expression = expr({"state", "close-wait", "( sport = :6800 )"});
    r.states = r.expression.state_superset();
    EXPECT_EQ(kernel_state_mask(r.states, Protocol::Tcp), bit(TcpState::CloseWait));
    const auto bc = build_bytecode(r);
    ASSERT_FALSE(bc.empty()) << "nothing pushed down";
    ASSERT_TRUE(audit(bc));
    EXPECT_TRUE(run(bc, 6800, 1));
    EXPECT_FALSE(run(bc, 6801, 6800));
    EXPECT_FALSE(run(bc, 0x9A1A, 6800)) << "6800 byte-swapped";
    const auto msg = build_request(DumpSpec{Protocol::Tcp, Family::Inet, kernel_state_mask(r.states, Protocol::Tcp)}, bc, 1);
    const std::size_t at = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_req_v2));
    ASSERT_EQ(msg.size(), at + NLA_HDRLEN + bc.size());
    EXPECT_TRUE(std::equal(bc.begin(), bc.end(), msg.begin() + at + NLA_HDRLEN));
}

TEST(NetlinkExpressionBytecode, NoExpressionNoProgram) {
    EXPECT_TRUE(build_expression_bytecode(Expression{}).empty());
    EXPECT_TRUE(build_bytecode(CollectRequest{}).empty());
    EXPECT_TRUE(build_expression_bytecode(expr({"state", "listening"})).empty()) << "states travel in the bitmask";
    EXPECT_TRUE(build_expression_bytecode(expr({"sport = :1 or state listening"})).empty()) << "an Or with true is true";
    EXPECT_TRUE(build_expression_bytecode(expr({"not ( state listening and sport = :1 )"})).empty())
        << "a superset cannot be negated";
}

TEST(NetlinkExpressionBytecode, AddressesArePushedDownAsHostConditions) {
    const auto bc = build_expression_bytecode(expr({"dst 10.0.0.0/8 and src [::ffff:127.0.0.1]:8080"}));
    ASSERT_TRUE(audit(bc));
    const auto ops = ops_of(bc);
    EXPECT_EQ(ops[0].code, INET_DIAG_BC_D_COND);
    EXPECT_TRUE(run(bc, entry_of(sock("::ffff:127.0.0.1", 8080, "::ffff:10.2.3.4", 5))));
    EXPECT_FALSE(run(bc, entry_of(sock("::ffff:127.0.0.1", 8081, "::ffff:10.2.3.4", 5))));
    EXPECT_FALSE(run(bc, entry_of(sock("127.0.0.1", 8080, "10.2.3.4", 5)))) << "a v4-mapped rule needs v4-mapped";
}

TEST(NetlinkExpressionBytecode, AndsWithTheOptionPorts) {
    CollectRequest r;
    r.dports = {{443, 443}};
    r.expression = expr({"sport", ">", ":1024"});
    const auto bc = build_bytecode(r);
    ASSERT_TRUE(audit(bc));
    EXPECT_TRUE(run(bc, 2000, 443));
    EXPECT_FALSE(run(bc, 2000, 80));
    EXPECT_FALSE(run(bc, 1024, 443));
}

// Random trees over every leaf kind: the program accepts a superset of what the core filter
// keeps, and exactly it when no state set had to widen to "true".
TEST(NetlinkExpressionBytecode, RandomTreesAgreeWithTheCoreFilter) {
    std::mt19937 rng(4242);
    const std::vector<std::string> v4 = {"127.0.0.1", "10.1.2.3", "0.0.0.0", "192.168.7.9"};
    const std::vector<std::string> v6 = {"::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "fe80::1", "::"};
    const std::vector<std::string> cidrs = {"127.0.0.0/8", "10.0.0.0/8", "0.0.0.0/0", "10.1.2.3",
                                            "::1",         "::/0",       "::ffff:10.0.0.0/104", "fe80::/10"};
    const std::vector<std::uint16_t> ports = {0, 1, 22, 6800, 6801, 65535};
    int exact_checked = 0;
    for (int i = 0; i < 600; ++i) {
        Expression e;
        bool has_states = false;
        std::function<std::int32_t(int)> gen = [&](int depth) -> std::int32_t {
            ExprNode n;
            const unsigned pick = depth > 3 ? rng() % 4 : rng() % 7;
            n.remote = rng() % 2;
            n.port = ports[rng() % ports.size()];
            switch (pick) {
                case 0: n.kind = ExprNode::Kind::PortGe; break;
                case 1: n.kind = ExprNode::Kind::PortLe; break;
                case 2:
                    n.kind = ExprNode::Kind::Host;
                    n.has_port = rng() % 2;
                    if (rng() % 3) n.cidr = parse_cidr(cidrs[rng() % cidrs.size()]);
                    break;
                case 3:
                    n.kind = ExprNode::Kind::States;
                    n.states = StateMask(static_cast<std::uint32_t>(rng()) & StateMask::all().bits());
                    has_states = true;
                    break;
                case 4: n.kind = ExprNode::Kind::Not; n.left = gen(depth + 1); break;
                case 5: n.kind = ExprNode::Kind::And; n.left = gen(depth + 1); n.right = gen(depth + 1); break;
                default: n.kind = ExprNode::Kind::Or; n.left = gen(depth + 1); n.right = gen(depth + 1); break;
            }
            return e.add(n);
        };
        e.set_root(gen(0));
        const auto bc = build_expression_bytecode(e);
        if (!bc.empty()) ASSERT_TRUE(audit(bc)) << "case " << i;
        for (int k = 0; k < 60; ++k) {
            const bool six = rng() % 2;
            const auto& pool = six ? v6 : v4;
            Socket s = sock(pool[rng() % pool.size()], ports[rng() % ports.size()], pool[rng() % pool.size()],
                            ports[rng() % ports.size()]);
            s.state = static_cast<TcpState>(1 + rng() % 12);
            const bool core = e.matches(s);
            const bool kernel = bc.empty() || run(bc, entry_of(s));
            if (core) ASSERT_TRUE(kernel) << "case " << i << ": the kernel would drop a matching socket";
            if (!has_states && !bc.empty()) {
                ASSERT_EQ(kernel, core) << "case " << i;
                ++exact_checked;
            }
        }
    }
    EXPECT_GT(exact_checked, 5000);
}

TEST(NetlinkRequest, MemoryIsAskedForTcpAndUdp) {
    for (Protocol proto : {Protocol::Tcp, Protocol::Udp}) {
        DumpSpec spec{proto, Family::Inet6, 0x2, false};
        spec.want_memory = true;
        const auto msg = build_request(spec, {}, 1);
        inet_diag_req_v2 r;
        std::memcpy(&r, msg.data() + NLMSG_HDRLEN, sizeof r);
        EXPECT_EQ(r.idiag_ext, 1u << (INET_DIAG_SKMEMINFO - 1));
    }
    DumpSpec both{Protocol::Tcp, Family::Inet, 0x2, true};
    both.both_families = true;
    both.want_memory = true;
    const auto msg = build_request(both, {}, 1);
    inet_diag_req r;
    std::memcpy(&r, msg.data() + NLMSG_HDRLEN, sizeof r);
    EXPECT_EQ(r.idiag_ext, (1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_SKMEMINFO - 1)));
}

}  // namespace
}  // namespace tcpstat::netlink
