// Owns the plain-text layout of `tcpstat explain`: word wrapping, section headings, the diagram.
#include "tcpstat/explain.hpp"

#include <cstddef>
#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace tcpstat {

namespace {

// 78 rather than 80 leaves room for terminals and pagers that reserve the last column.
constexpr std::size_t kWidth = 78;
constexpr std::string_view kIndent = "  ";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A unit word is "s" with at most trailing punctuation: "s", "s,", "s)", "s).".
bool is_seconds_unit(std::string_view w) {
    if (w.empty() || w.front() != 's') return false;
    for (char c : w.substr(1)) {
        if (c != ',' && c != '.' && c != ')' && c != ';' && c != ':') return false;
    }
    return true;
}

// Takes the next space-separated word off `para`. A number followed by the unit "s" comes back
// as one token ("60 s"), so a line break never strands the unit from its value.
std::string_view next_token(std::string_view& para) {
    auto take = [](std::string_view p, std::size_t from) {
        auto sp = p.find(' ', from);
        return sp == std::string_view::npos ? p.size() : sp;
    };
    std::size_t end = take(para, 0);
    if (end > 0 && end < para.size() && is_digit(para[end - 1])) {
        std::size_t end2 = take(para, end + 1);
        if (is_seconds_unit(para.substr(end + 1, end2 - end - 1))) end = end2;
    }
    std::string_view word = para.substr(0, end);
    para = end == para.size() ? std::string_view{} : para.substr(end + 1);
    return word;
}

// Appends `text` word-wrapped to kWidth. The first line starts with `first`, continuation
// lines with `rest` (a hanging indent); each '\n' in `text` starts a new paragraph with `rest`.
// A word longer than a line is emitted on its own rather than split, because the words here are
// sysctl names and paths that must stay copy-pastable.
void wrap(std::string& out, std::string_view text, std::string_view first, std::string_view rest) {
    std::string_view lead = first;
    while (true) {
        auto nl = text.find('\n');
        std::string_view para = text.substr(0, nl);
        std::string line(lead);
        bool line_has_word = false;
        while (!para.empty()) {
            std::string_view word = next_token(para);
            if (word.empty()) continue;
            if (line_has_word && line.size() + 1 + word.size() > kWidth) {
                out += line;
                out += '\n';
                line.assign(rest);
                line_has_word = false;
            }
            if (line_has_word) line += ' ';
            line += word;
            line_has_word = true;
        }
        out += line;
        out += '\n';
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
        lead = rest;
    }
}

void section(std::string& out, std::string_view heading, std::string_view body) {
    out += '\n';
    out += heading;
    out += '\n';
    wrap(out, body, kIndent, kIndent);
}

// Commands are copied by users, so they are never re-wrapped: one command per line.
void commands(std::string& out, std::string_view lines) {
    while (!lines.empty()) {
        auto nl = lines.find('\n');
        out += kIndent;
        out += lines.substr(0, nl);
        out += '\n';
        if (nl == std::string_view::npos) break;
        lines.remove_prefix(nl + 1);
    }
}

// The order a reader meets the states in a connection's life, not the enum order.
constexpr TcpState kLifeOrder[] = {
    TcpState::Close,     TcpState::Listen,    TcpState::SynSent,   TcpState::SynRecv,
    TcpState::NewSynRecv, TcpState::Established, TcpState::FinWait1, TcpState::FinWait2,
    TcpState::Closing,   TcpState::TimeWait,  TcpState::CloseWait, TcpState::LastAck,
    TcpState::DeleteTcb,
};

// Drawn by hand: time runs downwards, a state on a row is the one that side is in after the
// segment on that row was sent or received.
constexpr std::string_view kDiagram =
    "Opening: the three-way handshake\n"
    "\n"
    "  active opener (client)                      passive opener (server)\n"
    "  CLOSE                                       CLOSE\n"
    "                                              LISTEN       after listen()\n"
    "  SYN_SENT     connect() --- SYN -------->    SYN_RECV\n"
    "  ESTABLISHED            <-- SYN+ACK -----\n"
    "                         --- ACK -------->    ESTABLISHED  queued until\n"
    "                                                           accept()\n"
    "\n"
    "Closing: the four-way close (either side may close first)\n"
    "\n"
    "  active closer                               passive closer\n"
    "  ESTABLISHED                                 ESTABLISHED\n"
    "  FIN_WAIT1    close()   --- FIN -------->    CLOSE_WAIT   read() returns 0\n"
    "  FIN_WAIT2              <-- ACK ---------\n"
    "                                              ...until its application\n"
    "                                              calls close()\n"
    "  TIME_WAIT              <-- FIN ---------    LAST_ACK     after close()\n"
    "                         --- ACK -------->    CLOSE\n"
    "  CLOSE        after 2*MSL (60 s on Linux)\n"
    "\n"
    "  If both sides close at once, each goes FIN_WAIT1 -> CLOSING (the peer's FIN\n"
    "  came before the ACK of its own) -> TIME_WAIT (the ACK arrived).\n"
    "  A RST from either side ends the connection at once, in any state.\n";

// One line per state of `mask` in life order, its summary hanging beside its name.
void state_lines(std::string& out, StateMask mask) {
    for (TcpState s : kLifeOrder) {
        const StateExplanation* e = explain(s);
        if (e == nullptr || !mask.has(s)) continue;
        // Names are padded to the longest (NEW_SYN_RECV) so the summaries form a column.
        std::string first = fmt::format("{}{:<14}", kIndent, e->name);
        std::string rest(first.size(), ' ');
        wrap(out, e->summary, first, rest);
    }
}

}  // namespace

std::string explain_state_text(TcpState s) {
    const StateExplanation* e = explain(s);
    if (e == nullptr) {
        throw UsageError(fmt::format("no explanation for TCP state value {}",
                                     static_cast<unsigned>(s)));
    }
    return explain_page_text(*e);
}

std::string explain_page_text(const StateExplanation& e) {
    std::string out;
    out += e.name;
    out += '\n';
    wrap(out, e.summary, kIndent, kIndent);
    section(out, "How a socket gets here", e.enters);
    section(out, "How it leaves", e.leaves);
    section(out, "Who waits for what", e.waiting);
    section(out, "How long it lasts", e.duration);
    section(out, "When there are many", e.many_means);
    out += "\nFinding the culprit\n";
    commands(out, e.find_culprit);
    out += "\nRun 'tcpstat explain' without a state for the state diagram.\n";
    return out;
}

std::string explain_group_text(std::string_view word, const ExplainGroup& g) {
    const auto mask = parse_state_word(word);
    if (!mask) throw UsageError(fmt::format("no state group '{}'", word));
    std::string out;
    out += g.heading;
    out += '\n';
    wrap(out, g.summary, kIndent, kIndent);
    out += "\nIts states\n\n";
    state_lines(out, *mask);
    section(out, "What it is for", g.use);
    out += "\nExamples\n";
    commands(out, g.commands);
    out += "\nRun 'tcpstat explain STATE' for one of these states in detail.\n";
    return out;
}

std::string explain_overview_text() {
    std::string out;
    out += "TCP connection states, as tcpstat names them\n\n";
    out += kDiagram;
    out += "\nThe states\n\n";
    state_lines(out, StateMask::all());
    out += "\nRun 'tcpstat explain STATE' for one state in detail, for example\n";
    out += "'tcpstat explain close_wait'. Any spelling works: CLOSE-WAIT, closewait.\n";
    return out;
}

}  // namespace tcpstat
