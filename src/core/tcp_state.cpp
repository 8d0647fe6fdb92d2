// Owns state names, and the spelling-tolerant parsing of state words and groups.
#include "tcpstat/tcp_state.hpp"

#include <array>
#include <span>
#include <fmt/format.h>

#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/suggest.hpp"

namespace tcpstat {

namespace {

struct StateNames {
    std::string_view name;
    std::string_view key;
};

// Indexed by the enum value; slot 0 is unused so a cast never needs an offset.
constexpr std::array<StateNames, kStateCount> kNames{{
    {"UNKNOWN", "unknown"},
    {"ESTABLISHED", "established"},
    {"SYN_SENT", "syn_sent"},
    {"SYN_RECV", "syn_recv"},
    {"FIN_WAIT1", "fin_wait1"},
    {"FIN_WAIT2", "fin_wait2"},
    {"TIME_WAIT", "time_wait"},
    {"CLOSE", "close"},
    {"CLOSE_WAIT", "close_wait"},
    {"LAST_ACK", "last_ack"},
    {"LISTEN", "listen"},
    {"CLOSING", "closing"},
    {"NEW_SYN_RECV", "new_syn_recv"},
    {"DELETE_TCB", "delete_tcb"},
}};

const StateNames& names_of(TcpState s, Protocol proto) {
    static constexpr StateNames kUdpEstab{"ESTAB", "estab"};
    static constexpr StateNames kUdpUnconn{"UNCONN", "unconn"};
    if (proto == Protocol::Udp) {
        if (s == TcpState::Established) return kUdpEstab;
        if (s == TcpState::Close) return kUdpUnconn;
    }
    auto i = static_cast<unsigned>(s);
    return i < kNames.size() ? kNames[i] : kNames[0];
}

constexpr StateMask mask_of(std::initializer_list<TcpState> states) {
    StateMask m;
    for (auto s : states) m.add(s);
    return m;
}

constexpr std::uint32_t without(StateMask m, StateMask drop) { return m.bits() & ~drop.bits(); }

constexpr StateMask kConnected{without(StateMask::all(), mask_of({TcpState::Listen, TcpState::Close}))};
constexpr StateMask kSynchronized{without(kConnected, StateMask::of(TcpState::SynSent))};
constexpr StateMask kBucket = mask_of({TcpState::SynRecv, TcpState::NewSynRecv, TcpState::TimeWait});
constexpr StateMask kBig{without(StateMask::all(), kBucket)};
constexpr StateMask kListening = mask_of({TcpState::Listen, TcpState::Close});

struct Word {
    std::string_view word;  // normalised: lower case, no separators
    StateMask mask;
};

constexpr Word kWords[] = {
    {"established", StateMask::of(TcpState::Established)},
    {"estab", StateMask::of(TcpState::Established)},
    {"synsent", StateMask::of(TcpState::SynSent)},
    {"synrecv", StateMask::of(TcpState::SynRecv)},
    {"synrcvd", StateMask::of(TcpState::SynRecv)},
    {"synrcv", StateMask::of(TcpState::SynRecv)},  // ss's spelling
    {"synreceived", StateMask::of(TcpState::SynRecv)},
    {"finwait1", StateMask::of(TcpState::FinWait1)},
    {"finwait2", StateMask::of(TcpState::FinWait2)},
    {"timewait", StateMask::of(TcpState::TimeWait)},
    {"close", StateMask::of(TcpState::Close)},
    {"closed", StateMask::of(TcpState::Close)},
    {"unconn", StateMask::of(TcpState::Close)},
    {"unconnected", StateMask::of(TcpState::Close)},  // ss's spelling
    {"closewait", StateMask::of(TcpState::CloseWait)},
    {"lastack", StateMask::of(TcpState::LastAck)},
    {"listen", StateMask::of(TcpState::Listen)},
    {"closing", StateMask::of(TcpState::Closing)},
    // Linux keeps half-open handshakes in TCP_NEW_SYN_RECV but both sock_diag and /proc/net/tcp
    // report them as SYN_RECV, so the kernel's name must match what the sources show.
    {"newsynrecv", StateMask::of(TcpState::SynRecv)},
    {"deletetcb", StateMask::of(TcpState::DeleteTcb)},
    {"all", StateMask::all()},
    {"connected", kConnected},
    {"synchronized", kSynchronized},
    {"bucket", kBucket},
    {"big", kBig},
    {"listening", kListening},
};

constexpr std::string_view kGroupWords[] = {"all", "connected", "synchronized", "listening", "bucket", "big"};

}  // namespace

std::string_view state_name(TcpState s, Protocol proto) { return names_of(s, proto).name; }

std::string_view state_key(TcpState s, Protocol proto) { return names_of(s, proto).key; }

bool state_word_is(std::string_view given, std::string_view norm) {
    std::size_t n = 0;
    for (char c : given) {
        if (c == '_' || c == '-' || c == ' ') continue;
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (n == norm.size() || norm[n] != lower) return false;
        ++n;
    }
    return n == norm.size();
}

std::span<const std::string_view> state_group_words() { return kGroupWords; }

std::optional<StateMask> parse_state_word(std::string_view word) {
    for (const auto& w : kWords) {
        if (state_word_is(word, w.word)) return w.mask;
    }
    return std::nullopt;
}

namespace {
// The spellings offered by "did you mean", as accepted_state_names() lists them.
constexpr std::string_view kStateSpellings[] = {
    "established", "syn_sent", "syn_recv", "fin_wait1", "fin_wait2", "time_wait", "close", "close_wait",
    "last_ack", "listen", "closing", "new_syn_recv", "delete_tcb", "unconn", "all", "connected",
    "synchronized", "listening", "bucket", "big"};
}  // namespace

StateMask parse_state_list(std::string_view list) {
    StateMask result;
    bool any = false;
    for_each_comma_item(list, [&](std::string_view item) {
        if (item.empty()) return;
        // Separators join words; one at either end (-s -close_wait) would be silently ignored.
        auto is_sep = [](char c) { return c == '_' || c == '-' || c == ' '; };
        auto m = is_sep(item.front()) || is_sep(item.back()) ? std::nullopt : parse_state_word(item);
        if (!m) {
            throw UsageError(fmt::format("unknown state '{}'{}: expected one of {}", item,
                                         did_you_mean(item, kStateSpellings), accepted_state_names()));
        }
        result.add(*m);
        any = true;
    });
    if (!any) {
        throw UsageError(fmt::format("empty state list: expected one of {}", accepted_state_names()));
    }
    return result;
}

std::string accepted_state_names() {
    return "established, syn_sent, syn_recv, fin_wait1, fin_wait2, time_wait, close, close_wait, "
           "last_ack, listen, closing, new_syn_recv, delete_tcb, unconn, "
           "or a group: all, connected, synchronized, listening, bucket, big";
}

}  // namespace tcpstat
