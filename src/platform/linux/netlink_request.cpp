// Owns building the inet_diag dump request: state mask translation and the bytecode programs for
// the port options and for filter expressions.
#include "netlink_request.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <tuple>

namespace tcpstat::netlink {

namespace {

// Linux socket states are 1..12; anything else in a StateMask (Windows' DELETE_TCB) has no
// kernel meaning.
constexpr std::uint32_t kLinuxStateBits = 0x1FFEu;

// A program longer than this is no longer "cheap" for the kernel to run per socket; the core
// filter handles such lists on its own.
constexpr std::size_t kMaxBytecode = 4096;

constexpr std::size_t kPortOpSize = 2 * sizeof(inet_diag_bc_op);  // op + operand
constexpr std::size_t kJumpOpSize = sizeof(inet_diag_bc_op);

enum class Side : std::uint8_t { Local, Remote };

// One alternative of a clause: a port range tested on one side.
struct Test {
    Side side;
    PortRange range;
    bool needs_ge() const { return range.lo > 0; }
    bool needs_le() const { return range.hi < 0xFFFF; }
};

// An OR of tests; the program is the AND of its clauses.
using Clause = std::vector<Test>;

std::size_t test_size(const Test& t, bool last) {
    return (t.needs_ge() ? kPortOpSize : 0) + (t.needs_le() ? kPortOpSize : 0) +
           (last ? 0 : kJumpOpSize);
}

std::size_t clause_size(const Clause& c) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < c.size(); ++i) n += test_size(c[i], i + 1 == c.size());
    return n;
}

// Adds a clause for one hint list. Returns false when the list makes push-down pointless or
// unsafe: then the whole program must be dropped (an unsatisfiable list, i.e. only empty ranges,
// is left to the core filter rather than encoded).
enum class ClauseResult { Added, AlwaysTrue, GiveUp };

ClauseResult add_clause(std::vector<Clause>& clauses, const std::vector<PortRange>& list,
                        bool local, bool remote) {
    if (list.empty()) return ClauseResult::AlwaysTrue;
    Clause c;
    for (const PortRange& r : list) {
        if (r.lo > r.hi) continue;  // matches nothing; contributes no alternative
        if (r.lo == 0 && r.hi == 0xFFFF) return ClauseResult::AlwaysTrue;
        if (local) c.push_back(Test{Side::Local, r});
        if (remote) c.push_back(Test{Side::Remote, r});
    }
    if (c.empty()) return ClauseResult::GiveUp;
    clauses.push_back(std::move(c));
    return ClauseResult::Added;
}

void put_op(std::vector<std::uint8_t>& out, std::uint8_t code, std::size_t yes, std::size_t no) {
    inet_diag_bc_op op{};
    op.code = code;
    op.yes = static_cast<unsigned char>(yes);
    op.no = static_cast<unsigned short>(no);
    const auto* p = reinterpret_cast<const std::uint8_t*>(&op);
    out.insert(out.end(), p, p + sizeof op);
}

// A comparison op followed by its operand; the operand op carries the port in `no`, in host order
// (the kernel compares against host-order port numbers).
void put_port_op(std::vector<std::uint8_t>& out, std::uint8_t code, std::uint16_t port,
                 std::size_t fail_distance) {
    put_op(out, code, kPortOpSize, fail_distance);
    put_op(out, 0, 0, port);
}

// --- Filter expressions, compiled as ss compiles its filters: every leaf rejects by jumping to
// its end + 4, and the combinators below keep that the one way out to "reject".

// A compiled subtree. Empty code means "always true"; exact = false means the code (or "true")
// accepts a superset of the subtree, which is fine under And/Or but cannot be negated.
struct Compiled {
    std::vector<std::uint8_t> code;
    bool exact = true;
};

// Walks the program by `yes` steps (every op, operands skipped) and moves the jumps that reject
// (to end + 4) further by `by` bytes, so that a program can be followed by another one.
void move_rejections(std::vector<std::uint8_t>& code, std::size_t by) {
    std::size_t pos = 0;
    while (pos < code.size()) {
        inet_diag_bc_op op;
        std::memcpy(&op, code.data() + pos, sizeof op);
        const std::size_t left = code.size() - pos;
        if (op.no == left + 4) {
            op.no = static_cast<unsigned short>(op.no + by);
            std::memcpy(code.data() + pos, &op, sizeof op);
        }
        if (op.yes == 0) break;  // never emitted; guards the walk
        pos += op.yes;
    }
}

std::vector<std::uint8_t> concat_and(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    move_rejections(a, b.size());
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

void put_host_cond(std::vector<std::uint8_t>& out, const ExprNode& n) {
    const bool has_addr = n.cidr.has_value();
    const bool v6 = has_addr && n.cidr->base.family == Family::Inet6;
    const std::size_t addr_len = !has_addr ? 0 : v6 ? 16 : 4;
    const std::size_t len = sizeof(inet_diag_bc_op) + sizeof(inet_diag_hostcond) + addr_len;
    put_op(out, n.remote ? INET_DIAG_BC_D_COND : INET_DIAG_BC_S_COND, len, len + 4);
    inet_diag_hostcond cond{};
    cond.family = !has_addr ? AF_UNSPEC : v6 ? AF_INET6 : AF_INET;
    cond.prefix_len = has_addr ? static_cast<std::uint8_t>(n.cidr->prefix_len) : 0;
    cond.port = n.has_port ? n.port : -1;
    const auto* p = reinterpret_cast<const std::uint8_t*>(&cond);
    out.insert(out.end(), p, p + sizeof cond);
    if (has_addr) out.insert(out.end(), n.cidr->base.bytes.begin(), n.cidr->base.bytes.begin() + addr_len);
}

Compiled compile(const Expression& e, std::int32_t at) {
    const ExprNode& n = e.nodes()[static_cast<std::size_t>(at)];
    Compiled c;
    switch (n.kind) {
        case ExprNode::Kind::States:
            c.exact = false;  // the state bitmask carries states; here they widen to "true"
            return c;
        case ExprNode::Kind::Host:
            if (n.has_port || n.cidr) put_host_cond(c.code, n);
            return c;
        case ExprNode::Kind::PortGe:
        case ExprNode::Kind::PortLe: {
            const bool ge = n.kind == ExprNode::Kind::PortGe;
            if (ge ? n.port == 0 : n.port == 0xFFFF) return c;  // always true
            const std::uint8_t code = n.remote ? (ge ? INET_DIAG_BC_D_GE : INET_DIAG_BC_D_LE)
                                               : (ge ? INET_DIAG_BC_S_GE : INET_DIAG_BC_S_LE);
            put_port_op(c.code, code, n.port, kPortOpSize + 4);
            return c;
        }
        case ExprNode::Kind::And: {
            Compiled a = compile(e, n.left), b = compile(e, n.right);
            c.code = concat_and(std::move(a.code), b.code);
            c.exact = a.exact && b.exact;
            return c;
        }
        case ExprNode::Kind::Or: {
            Compiled a = compile(e, n.left), b = compile(e, n.right);
            if (a.code.empty() || b.code.empty()) {  // true or x: true
                c.exact = (a.code.empty() && a.exact) || (b.code.empty() && b.exact);
                return c;
            }
            // a's rejections land on b; a's acceptance jumps over b to the end.
            c.code = std::move(a.code);
            put_op(c.code, INET_DIAG_BC_JMP, kJumpOpSize, b.code.size() + kJumpOpSize);
            c.code.insert(c.code.end(), b.code.begin(), b.code.end());
            c.exact = a.exact && b.exact;
            return c;
        }
        case ExprNode::Kind::Not: {
            Compiled a = compile(e, n.left);
            if (!a.exact) return Compiled{{}, false};
            // a's rejections land on the end (accept); its acceptance reaches a jump to end + 4.
            c.code = std::move(a.code);
            put_op(c.code, INET_DIAG_BC_JMP, kJumpOpSize, kJumpOpSize + 4);
            return c;
        }
    }
    return Compiled{{}, false};
}

}  // namespace

std::vector<std::uint8_t> build_expression_bytecode(const Expression& expression) {
    if (expression.empty()) return {};
    std::vector<std::uint8_t> code = compile(expression, expression.root()).code;
    if (code.size() > kMaxBytecode) return {};
    return code;
}

std::vector<std::uint8_t> build_bytecode(const CollectRequest& request) {
    std::vector<std::uint8_t> ports = build_port_bytecode(request.sports, request.dports, request.any_ports);
    std::vector<std::uint8_t> both = concat_and(ports, build_expression_bytecode(request.expression));
    return both.size() > kMaxBytecode ? ports : both;
}

std::uint32_t kernel_state_mask(StateMask wanted, Protocol proto) {
    std::uint32_t bits = wanted.bits() & kLinuxStateBits;
    const std::uint32_t syn_recv = 1u << static_cast<unsigned>(TcpState::SynRecv);
    const std::uint32_t new_syn_recv = 1u << static_cast<unsigned>(TcpState::NewSynRecv);
    if (proto == Protocol::Tcp) {
        // Request sockets live in NEW_SYN_RECV but dumps (and /proc) report them as SYN_RECV,
        // so asking for either must select both.
        if (bits & (syn_recv | new_syn_recv)) bits |= syn_recv | new_syn_recv;
    } else if (wanted.has(TcpState::Listen)) {
        // UDP's "listening" sockets are the unconnected ones (state CLOSE, shown as UNCONN);
        // a caller translating -l into LISTEN must still see them.
        bits |= 1u << static_cast<unsigned>(TcpState::Close);
    }
    return bits;
}

std::vector<std::uint8_t> build_port_bytecode(const std::vector<PortRange>& sports,
                                              const std::vector<PortRange>& dports,
                                              const std::vector<PortRange>& any_ports) {
    std::vector<Clause> clauses;
    for (auto [list, local, remote] : {std::tuple{&sports, true, false}, std::tuple{&dports, false, true},
                                       std::tuple{&any_ports, true, true}}) {
        if (add_clause(clauses, *list, local, remote) == ClauseResult::GiveUp) return {};
    }
    std::size_t total = 0;
    for (const Clause& c : clauses) total += clause_size(c);
    if (total == 0 || total > kMaxBytecode) return {};

    // The kernel walks the program with `len` bytes left: a true test advances by `yes`, a false
    // one by `no`; the socket matches iff the walk ends exactly at the end. Jumping to
    // total + 4 therefore rejects, and a JMP op (always false) is an unconditional jump.
    std::vector<std::uint8_t> out;
    out.reserve(total);
    std::size_t pos = 0;
    for (const Clause& c : clauses) {
        const std::size_t clause_end = pos + clause_size(c);
        for (std::size_t i = 0; i < c.size(); ++i) {
            const Test& t = c[i];
            const bool last = i + 1 == c.size();
            const std::size_t next_test = pos + test_size(t, last);
            const std::size_t fail = last ? total + 4 : next_test;
            const bool local = t.side == Side::Local;
            if (t.needs_ge()) {
                put_port_op(out, local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE, t.range.lo, fail - pos);
                pos += kPortOpSize;
            }
            if (t.needs_le()) {
                put_port_op(out, local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE, t.range.hi, fail - pos);
                pos += kPortOpSize;
            }
            if (!last) {
                put_op(out, INET_DIAG_BC_JMP, kJumpOpSize, clause_end - pos);
                pos += kJumpOpSize;
            }
        }
    }
    return out;
}

std::vector<std::uint8_t> build_request(const DumpSpec& spec, std::span<const std::uint8_t> bytecode,
                                        std::uint32_t seq) {
    const bool legacy = spec.both_families && spec.protocol == Protocol::Tcp;
    const std::size_t req_len = legacy ? sizeof(inet_diag_req) : sizeof(inet_diag_req_v2);
    const std::size_t attr_len = bytecode.empty() ? 0 : NLA_HDRLEN + bytecode.size();
    const std::size_t total = NLMSG_HDRLEN + NLMSG_ALIGN(req_len) + NLA_ALIGN(attr_len);
    std::vector<std::uint8_t> msg(total, 0);

    nlmsghdr hdr{};
    hdr.nlmsg_len = static_cast<std::uint32_t>(total);
    hdr.nlmsg_type = legacy ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
    hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    hdr.nlmsg_seq = seq;
    hdr.nlmsg_pid = 0;
    std::memcpy(msg.data(), &hdr, sizeof hdr);

    std::uint8_t ext = spec.want_info && spec.protocol == Protocol::Tcp ? 1u << (INET_DIAG_INFO - 1) : 0;
    if (spec.want_memory) ext |= 1u << (INET_DIAG_SKMEMINFO - 1);
    if (legacy) {
        // The kernel dumps every family for this request type (it sets AF_UNSPEC itself).
        inet_diag_req req{};
        req.idiag_family = AF_INET;
        req.idiag_ext = ext;
        req.idiag_states = spec.states;
        std::memcpy(msg.data() + NLMSG_HDRLEN, &req, sizeof req);
    } else {
        inet_diag_req_v2 req{};
        req.sdiag_family = spec.family == Family::Inet ? AF_INET : AF_INET6;
        req.sdiag_protocol = spec.protocol == Protocol::Tcp ? IPPROTO_TCP : IPPROTO_UDP;
        req.idiag_ext = ext;
        req.idiag_states = spec.states;
        std::memcpy(msg.data() + NLMSG_HDRLEN, &req, sizeof req);
    }

    if (!bytecode.empty()) {
        nlattr attr{};
        attr.nla_len = static_cast<std::uint16_t>(attr_len);
        attr.nla_type = INET_DIAG_REQ_BYTECODE;
        std::uint8_t* at = msg.data() + NLMSG_HDRLEN + NLMSG_ALIGN(req_len);
        std::memcpy(at, &attr, sizeof attr);
        std::memcpy(at + NLA_HDRLEN, bytecode.data(), bytecode.size());
    }
    return msg;
}

}  // namespace tcpstat::netlink
