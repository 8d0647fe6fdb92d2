// Owns the evaluation of a compiled filter expression on one socket, and its state superset.
#include "tcpstat/expression.hpp"

namespace tcpstat {

std::int32_t Expression::add(ExprNode node) {
    nodes_.push_back(std::move(node));
    return static_cast<std::int32_t>(nodes_.size() - 1);
}

bool Expression::eval(std::int32_t at, const Socket& s) const {
    const ExprNode& n = nodes_[static_cast<std::size_t>(at)];
    const Endpoint& side = n.remote ? s.remote : s.local;
    switch (n.kind) {
        case ExprNode::Kind::And: return eval(n.left, s) && eval(n.right, s);
        case ExprNode::Kind::Or: return eval(n.left, s) || eval(n.right, s);
        case ExprNode::Kind::Not: return !eval(n.left, s);
        case ExprNode::Kind::States: return n.states.has(s.state);
        case ExprNode::Kind::PortGe: return side.port >= n.port;
        case ExprNode::Kind::PortLe: return side.port <= n.port;
        case ExprNode::Kind::Host:
            if (n.has_port && side.port != n.port) return false;
            return !n.cidr || n.cidr->contains(side.addr);
    }
    return false;
}

StateMask Expression::state_superset() const { return empty() ? StateMask::all() : superset(root_); }

StateMask Expression::superset(std::int32_t at) const {
    const ExprNode& n = nodes_[static_cast<std::size_t>(at)];
    switch (n.kind) {
        case ExprNode::Kind::And: return StateMask(superset(n.left).bits() & superset(n.right).bits());
        case ExprNode::Kind::Or: return StateMask(superset(n.left).bits() | superset(n.right).bits());
        case ExprNode::Kind::Not: {
            // Only a negated state set is exact enough to complement; anything else may match any state.
            const ExprNode& inner = nodes_[static_cast<std::size_t>(n.left)];
            if (inner.kind == ExprNode::Kind::States)
                return StateMask(StateMask::all().bits() & ~inner.states.bits());
            return StateMask::all();
        }
        case ExprNode::Kind::States: return n.states;
        default: return StateMask::all();
    }
}

}  // namespace tcpstat
