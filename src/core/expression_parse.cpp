// Owns the parser of ss's filter language: words -> tokens -> one Expression tree, with one-line
// errors naming the offending word, its position and what was expected.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "tcpstat/error.hpp"
#include "tcpstat/expression.hpp"

namespace tcpstat {

namespace {

// Bounds that keep the recursive parser and evaluator far from the stack's end on hostile input.
constexpr std::size_t kMaxTokens = 4096;
constexpr int kMaxDepth = 64;

constexpr std::string_view kTermHint =
    "expected src, dst, sport, dport, state, exclude, not or '(' (see tcpstat --help, FILTER EXPRESSIONS)";
constexpr std::string_view kHostHint = "e.g. 10.0.0.0/8, 127.0.0.1:8080, [::1]:22, ::1/128 or *:22";

struct Token {
    std::string text;
    std::size_t word;  // 1-based position among all tokens, as reported in errors
};

// Splits on blanks, as ss does, and makes '(' and ')' tokens of their own even when attached.
std::vector<Token> tokenize(std::span<const std::string> words) {
    std::vector<Token> out;
    auto push = [&](std::string_view t) {
        if (t.empty()) return;
        if (out.size() == kMaxTokens)
            throw UsageError(fmt::format("filter expression is too long: at most {} words", kMaxTokens));
        out.push_back(Token{std::string(t), out.size() + 1});
    };
    for (const std::string& w : words) {
        std::size_t start = 0;
        for (std::size_t i = 0; i <= w.size(); ++i) {
            const char c = i < w.size() ? w[i] : ' ';
            const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
            if (!blank && c != '(' && c != ')') continue;
            push(std::string_view(w).substr(start, i - start));
            if (c == '(' || c == ')') push(std::string_view(w).substr(i, 1));
            start = i + 1;
        }
    }
    return out;
}

enum class Op { Eq, Ne, Gt, Lt, Ge, Le };

std::optional<Op> operator_of(std::string_view t) {
    if (t == "=" || t == "==" || t == "eq") return Op::Eq;
    if (t == "!=" || t == "ne" || t == "neq") return Op::Ne;
    if (t == ">" || t == "gt") return Op::Gt;
    if (t == "<" || t == "lt") return Op::Lt;
    if (t == ">=" || t == "ge" || t == "geq") return Op::Ge;
    if (t == "<=" || t == "le" || t == "leq") return Op::Le;
    return std::nullopt;
}

bool is_and(std::string_view t) { return t == "and" || t == "&&" || t == "&"; }
bool is_or(std::string_view t) { return t == "or" || t == "||" || t == "|"; }
bool is_not(std::string_view t) { return t == "not" || t == "!"; }
bool is_state_word(std::string_view t) { return t == "state" || t == "exclude" || t == "excl"; }

// Words of the language itself: never a value, so `sport = or` names the missing port.
bool is_keyword(std::string_view t) {
    return is_and(t) || is_or(t) || is_not(t) || is_state_word(t) || t == "(" || t == ")" || t == "src" ||
           t == "dst" || t == "sport" || t == "dport" || operator_of(t).has_value();
}

std::optional<unsigned> digits_value(std::string_view s) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

    Expression run() {
        if (toks_.empty()) return {};
        const std::int32_t root = parse_list(0);
        if (pos_ < toks_.size()) fail(toks_[pos_], "no '(' to close");
        expr_.set_root(root);
        return std::move(expr_);
    }

private:
    [[noreturn]] void fail(const Token& t, std::string_view what) const {
        throw UsageError(fmt::format("invalid filter expression at word {} '{}': {}", t.word, t.text, what));
    }
    [[noreturn]] void fail_end(std::string_view what) const {
        throw UsageError(fmt::format("invalid filter expression: it ends too early: {}", what));
    }

    bool at_end() const { return pos_ >= toks_.size(); }
    const Token& peek() const { return toks_[pos_]; }
    const Token& next(std::string_view expected) {
        if (at_end()) fail_end(expected);
        return toks_[pos_++];
    }

    std::int32_t node(ExprNode::Kind kind, std::int32_t left, std::int32_t right = -1) {
        ExprNode n;
        n.kind = kind;
        n.left = left;
        n.right = right;
        return expr_.add(std::move(n));
    }

    // term { [and|or] term }, left to right with equal precedence, as ss's grammar.
    std::int32_t parse_list(int depth) {
        std::int32_t left = parse_term(depth);
        while (!at_end() && peek().text != ")") {
            ExprNode::Kind kind = ExprNode::Kind::And;
            if (is_and(peek().text) || is_or(peek().text)) {
                kind = is_or(peek().text) ? ExprNode::Kind::Or : ExprNode::Kind::And;
                const Token& op = toks_[pos_++];
                if (at_end()) fail_end(fmt::format("expected a filter after '{}'", op.text));
            }
            left = node(kind, left, parse_term(depth));
        }
        return left;
    }

    std::int32_t parse_term(int depth) {
        const Token& t = next(std::string(kTermHint));
        if (depth > kMaxDepth) fail(t, fmt::format("nested deeper than {} levels", kMaxDepth));
        if (t.text == "(") {
            if (!at_end() && peek().text == ")") fail(peek(), "empty parentheses: expected a filter inside");
            const std::int32_t inner = parse_list(depth + 1);
            if (at_end()) fail_end(fmt::format("expected ')' to close the '(' at word {}", t.word));
            ++pos_;
            return inner;
        }
        if (is_not(t.text)) return node(ExprNode::Kind::Not, parse_term(depth + 1));
        if (is_state_word(t.text)) {
            --pos_;
            return parse_states();
        }
        if (t.text == "src" || t.text == "dst") return parse_host(t);
        if (t.text == "sport" || t.text == "dport") return parse_port(t);
        if (t.text == ")") fail(t, "no '(' to close");
        if (is_and(t.text) || is_or(t.text)) fail(t, fmt::format("'{}' needs a filter on its left; {}", t.text, kTermHint));
        fail(t, kTermHint);
    }

    // Consecutive `state NAME` / `exclude NAME` clauses form one state set, as ss reads them:
    // states add up; an exclude removes from the states so far (or from all, when first).
    std::int32_t parse_states() {
        StateMask mask;
        bool first = true;
        while (!at_end() && is_state_word(peek().text)) {
            const Token& kw = toks_[pos_++];
            const Token& name = next(fmt::format("expected a state name after '{}', e.g. {} close-wait", kw.text, kw.text));
            const auto m = parse_state_word(name.text);
            if (!m) fail(name, fmt::format("unknown state: expected one of {}", accepted_state_names()));
            const bool exclude = kw.text != "state";
            if (first) mask = exclude ? StateMask::all() : StateMask();
            first = false;
            mask = exclude ? StateMask(mask.bits() & ~m->bits()) : StateMask(mask.bits() | m->bits());
        }
        ExprNode n;
        n.kind = ExprNode::Kind::States;
        n.states = mask;
        return expr_.add(std::move(n));
    }

    // The optional operator after src/dst/sport/dport; absent means '=', as in ss.
    Op take_operator() {
        if (at_end()) return Op::Eq;
        const auto op = operator_of(peek().text);
        if (op) ++pos_;
        return op.value_or(Op::Eq);
    }

    std::uint16_t port_number(const Token& t, std::string_view text) {
        if (auto v = digits_value(text); v && *v <= 65535) return static_cast<std::uint16_t>(*v);
        const bool name = std::any_of(text.begin(), text.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
        if (name)
            fail(t, fmt::format("service names are not resolved in filter expressions: give the port number, "
                                "e.g. :80 for http"));
        fail(t, "expected a port number 0-65535, e.g. :6800");
    }

    std::int32_t parse_port(const Token& kw) {
        const bool remote = kw.text == "dport";
        const Op op = take_operator();
        const std::string expected = fmt::format("expected a port after '{}', e.g. {} = :6800", kw.text, kw.text);
        const Token& t = next(expected);
        if (is_keyword(t.text)) fail(t, expected);
        std::string_view text = t.text;
        if (text.starts_with(':')) text.remove_prefix(1);
        ExprNode n;
        n.remote = remote;
        if (text == "*") {
            if (op != Op::Eq && op != Op::Ne) fail(t, "'*' (any port) compares with = or != only");
            n.kind = ExprNode::Kind::Host;  // any address, any port: always true
        } else {
            const std::uint16_t port = port_number(t, text);
            n.port = port;
            switch (op) {
                case Op::Eq: case Op::Ne: n.kind = ExprNode::Kind::Host; n.has_port = true; break;
                case Op::Ge: case Op::Lt: n.kind = ExprNode::Kind::PortGe; break;
                case Op::Le: case Op::Gt: n.kind = ExprNode::Kind::PortLe; break;
            }
        }
        const std::int32_t leaf = expr_.add(std::move(n));
        const bool negated = op == Op::Ne || op == Op::Gt || op == Op::Lt;
        return negated ? node(ExprNode::Kind::Not, leaf) : leaf;
    }

    std::int32_t parse_host(const Token& kw) {
        const Op op = take_operator();
        if (op != Op::Eq && op != Op::Ne)
            fail(toks_[pos_ - 1], fmt::format("'{}' compares addresses with = or != only", kw.text));
        const std::string expected = fmt::format("expected an address after '{}', {}", kw.text, kHostHint);
        const Token& t = next(expected);
        if (is_keyword(t.text)) fail(t, expected);
        ExprNode n;
        n.kind = ExprNode::Kind::Host;
        n.remote = kw.text == "dst";
        std::string_view text = t.text;
        std::string_view addr, port;
        if (text.starts_with('[')) {
            const auto close = text.find(']');
            if (close == std::string_view::npos) fail(t, fmt::format("'[' without ']': {}", kHostHint));
            addr = text.substr(1, close - 1);
            port = text.substr(close + 1);
            if (!port.empty() && !port.starts_with(':')) fail(t, fmt::format("expected ':PORT' after ']', {}", kHostHint));
        } else if (std::count(text.begin(), text.end(), ':') >= 2) {
            addr = text;  // a bare IPv6 address or prefix: no port without brackets
        } else {
            const auto colon = text.rfind(':');
            addr = text.substr(0, colon);
            if (colon != std::string_view::npos) port = text.substr(colon);
        }
        if (port.starts_with(':')) port.remove_prefix(1);
        if (!port.empty() && port != "*") {
            n.port = port_number(t, port);
            n.has_port = true;
        }
        if (!addr.empty() && addr != "*") {
            try {
                n.cidr = parse_cidr(addr);
            } catch (const UsageError&) {
                fail(t, fmt::format("expected a numeric address or prefix ({}); host names are not resolved "
                                    "in filter expressions",
                                    kHostHint));
            }
        }
        const std::int32_t leaf = expr_.add(std::move(n));
        return op == Op::Ne ? node(ExprNode::Kind::Not, leaf) : leaf;
    }

    std::vector<Token> toks_;
    std::size_t pos_ = 0;
    Expression expr_;
};

}  // namespace

Expression parse_expression(std::span<const std::string> words) { return Parser(tokenize(words)).run(); }

}  // namespace tcpstat
