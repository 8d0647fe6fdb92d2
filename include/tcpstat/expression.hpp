// Owns ss-style filter expressions (`state close-wait '( sport = :6800 or dst 10.0.0.0/8 )'`):
// the compiled tree, its evaluation on a socket, and the parser of the words as typed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat {

// One node of the tree. The leaves are exactly what inet_diag bytecode can test (ports and
// addresses) plus state sets; `!=`, `>` and `<` are Not over these, as ss compiles them.
struct ExprNode {
    enum class Kind : std::uint8_t {
        And,     // left && right
        Or,      // left || right
        Not,     // !left
        States,  // socket state in `states`
        PortGe,  // side's port >= port
        PortLe,  // side's port <= port
        Host,    // side's address in `cidr` (when set) and its port == port (when has_port)
    };
    Kind kind = Kind::And;
    bool remote = false;  // PortGe, PortLe, Host: the remote side (dst, dport) instead of local
    bool has_port = false;
    std::uint16_t port = 0;
    std::optional<Cidr> cidr;
    StateMask states;
    std::int32_t left = -1, right = -1;  // indices into Expression::nodes()
};

// An empty expression matches everything and costs nothing: the option filters alone decide.
class Expression {
public:
    bool empty() const { return nodes_.empty(); }
    bool matches(const Socket& s) const { return empty() || eval(root_, s); }
    // A superset of the states of every socket that can match (the kernel's state bitmask).
    StateMask state_superset() const;

    const std::vector<ExprNode>& nodes() const { return nodes_; }
    std::int32_t root() const { return root_; }

    // Building (the parser, tests): each returns the new node's index; set_root picks the tree.
    std::int32_t add(ExprNode node);
    void set_root(std::int32_t index) { root_ = index; }

private:
    bool eval(std::int32_t at, const Socket& s) const;
    StateMask superset(std::int32_t at) const;

    std::vector<ExprNode> nodes_;
    std::int32_t root_ = -1;
};

// Parses positional words in ss's filter language. Each word may hold several tokens separated
// by blanks ('( sport = :22 or sport = :80 )' as one quoted argument); parentheses are tokens
// even when attached to a word. Grammar (as ss: `and`/`or` bind equally, from the left):
//   [state NAME | exclude NAME]...  [expr]
//   expr := term { [and|&&|&|or|||||] term }     (juxtaposition is and)
//   term := ( expr ) | not term | ! term | state NAME | exclude NAME
//         | src|dst [=|==|eq|!=|ne] HOST     HOST: ADDR[/N][:PORT], [V6][:PORT], *:PORT, :PORT
//         | sport|dport OP PORT              OP: = == eq != ne > gt < lt >= ge <= le; PORT: :N or N
// Throws UsageError in one line naming the word, its position and what was expected.
Expression parse_expression(std::span<const std::string> words);

}  // namespace tcpstat
