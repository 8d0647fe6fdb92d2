// Owns the `tcpstat explain` content: per-state diagnosis data and its rendering to plain text.
#pragma once

#include <string>
#include <string_view>

#include "tcpstat/tcp_state.hpp"

namespace tcpstat {

// Everything below is static data: the views point into string literals that live for the whole
// program, so callers may keep them. Fields may contain '\n' to separate paragraphs or commands.
struct StateExplanation {
    TcpState state;
    std::string_view name;          // same spelling as state_name(state), e.g. "CLOSE_WAIT"
    std::string_view summary;       // one line
    std::string_view enters;        // how a socket gets here: which segment/call, which side
    std::string_view leaves;        // how it leaves
    std::string_view waiting;       // who waits for what
    std::string_view duration;      // how long it normally lasts, with the Linux sysctls
    std::string_view many_means;    // what a large number usually means
    std::string_view find_culprit;  // tcpstat command lines, one per line
};

// The eleven RFC 9293 states (CLOSED is TcpState::Close), plus Linux's NEW_SYN_RECV and
// Windows' DELETE_TCB. nullptr for a value outside the enum.
const StateExplanation* explain(TcpState s);

// Full text for `tcpstat explain STATE`: headed sections, every line at most 78 columns.
std::string explain_state_text(TcpState s);

// The same layout for any page, such as UDP's UNCONN, which has no TcpState of its own.
std::string explain_page_text(const StateExplanation& page);

// A state group (connected, listening, ...): what it is for, and its states.
struct ExplainGroup {
    std::string_view word;      // normalised, as state_group_words() lists it
    std::string_view heading;   // e.g. "connected: every state of a connection"
    std::string_view summary;
    std::string_view use;
    std::string_view commands;  // tcpstat command lines, one per line
};
std::string explain_group_text(std::string_view word, const ExplainGroup& group);

// Text for `tcpstat explain WORD`: a state in any spelling, UDP's "unconn", the kernel's
// "new_syn_recv", or a state group; "all" and an empty word give the overview. Throws
// UsageError naming the word and the accepted ones.
std::string explain_word_text(std::string_view word);

// Text for `tcpstat explain` with no argument: ASCII diagrams of the three-way open and the
// four-way close, then one line per state. Every line at most 78 columns.
std::string explain_overview_text();

}  // namespace tcpstat
