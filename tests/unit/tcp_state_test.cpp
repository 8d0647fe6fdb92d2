// Tests state names, every accepted spelling and group, list parsing and its error messages.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/error.hpp"
#include "tcpstat/tcp_state.hpp"

using namespace tcpstat;

namespace {

StateMask word(std::string_view w) {
    auto m = parse_state_word(w);
    EXPECT_TRUE(m.has_value()) << w;
    return m.value_or(StateMask());
}

StateMask mask(std::initializer_list<TcpState> states) {
    StateMask m;
    for (auto s : states) m.add(s);
    return m;
}

std::string usage_message(std::string_view list) {
    try {
        parse_state_list(list);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(StateName, TcpNames) {
    EXPECT_EQ(state_name(TcpState::Established), "ESTABLISHED");
    EXPECT_EQ(state_name(TcpState::SynSent), "SYN_SENT");
    EXPECT_EQ(state_name(TcpState::SynRecv), "SYN_RECV");
    EXPECT_EQ(state_name(TcpState::FinWait1), "FIN_WAIT1");
    EXPECT_EQ(state_name(TcpState::FinWait2), "FIN_WAIT2");
    EXPECT_EQ(state_name(TcpState::TimeWait), "TIME_WAIT");
    EXPECT_EQ(state_name(TcpState::Close), "CLOSE");
    EXPECT_EQ(state_name(TcpState::CloseWait), "CLOSE_WAIT");
    EXPECT_EQ(state_name(TcpState::LastAck), "LAST_ACK");
    EXPECT_EQ(state_name(TcpState::Listen), "LISTEN");
    EXPECT_EQ(state_name(TcpState::Closing), "CLOSING");
    EXPECT_EQ(state_name(TcpState::NewSynRecv), "NEW_SYN_RECV");
    EXPECT_EQ(state_name(TcpState::DeleteTcb), "DELETE_TCB");
}

TEST(StateName, UdpNamesFollowSs) {
    EXPECT_EQ(state_name(TcpState::Established, Protocol::Udp), "ESTAB");
    EXPECT_EQ(state_name(TcpState::Close, Protocol::Udp), "UNCONN");
    EXPECT_EQ(state_name(TcpState::Listen, Protocol::Udp), "LISTEN");
    EXPECT_EQ(state_key(TcpState::Established, Protocol::Udp), "estab");
    EXPECT_EQ(state_key(TcpState::Close, Protocol::Udp), "unconn");
}

TEST(StateName, KeyIsLowerCaseName) {
    for (int i = 1; i < kStateCount; ++i) {
        auto s = static_cast<TcpState>(i);
        for (auto p : {Protocol::Tcp, Protocol::Udp}) {
            std::string lower(state_name(s, p));
            for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            EXPECT_EQ(state_key(s, p), lower);
        }
    }
}

TEST(StateName, OutOfRangeValueDoesNotCrash) {
    EXPECT_FALSE(state_name(static_cast<TcpState>(200)).empty());
    EXPECT_FALSE(state_key(static_cast<TcpState>(0)).empty());
}

TEST(StateWord, EverySpellingOfCloseWait) {
    for (auto w : {"close_wait", "CLOSE-WAIT", "closewait", "CloseWait", "close wait", "CLOSE_WAIT", "Close-Wait"}) {
        EXPECT_EQ(word(w), StateMask::of(TcpState::CloseWait)) << w;
    }
}

TEST(StateWord, EveryStateWord) {
    struct Case {
        const char* word;
        TcpState state;
    };
    const Case cases[] = {
        {"established", TcpState::Established}, {"estab", TcpState::Established},
        {"ESTAB", TcpState::Established},       {"syn_sent", TcpState::SynSent},
        {"synsent", TcpState::SynSent},         {"syn-recv", TcpState::SynRecv},
        {"synrcvd", TcpState::SynRecv},         {"SYN_RECEIVED", TcpState::SynRecv},
        {"fin_wait1", TcpState::FinWait1},      {"FIN-WAIT-1", TcpState::FinWait1},
        {"finwait2", TcpState::FinWait2},       {"fin wait 2", TcpState::FinWait2},
        {"time_wait", TcpState::TimeWait},      {"TimeWait", TcpState::TimeWait},
        {"close", TcpState::Close},             {"closed", TcpState::Close},
        {"CLOSED", TcpState::Close},            {"unconn", TcpState::Close},
        {"UNCONN", TcpState::Close},            {"last_ack", TcpState::LastAck},
        {"LastAck", TcpState::LastAck},         {"listen", TcpState::Listen},
        {"LISTEN", TcpState::Listen},           {"closing", TcpState::Closing},
        {"new_syn_recv", TcpState::SynRecv},    {"NewSynRecv", TcpState::SynRecv},
        {"delete_tcb", TcpState::DeleteTcb},    {"DELETE-TCB", TcpState::DeleteTcb},
    };
    for (const auto& c : cases) EXPECT_EQ(word(c.word), StateMask::of(c.state)) << c.word;
}

TEST(StateWord, Groups) {
    using S = TcpState;
    EXPECT_EQ(word("all"), StateMask::all());
    EXPECT_TRUE(word("ALL").is_all());
    EXPECT_EQ(word("connected"), mask({S::Established, S::SynSent, S::SynRecv, S::FinWait1, S::FinWait2,
                                       S::TimeWait, S::CloseWait, S::LastAck, S::Closing, S::NewSynRecv,
                                       S::DeleteTcb}));
    EXPECT_EQ(word("synchronized"), mask({S::Established, S::SynRecv, S::FinWait1, S::FinWait2, S::TimeWait,
                                          S::CloseWait, S::LastAck, S::Closing, S::NewSynRecv, S::DeleteTcb}));
    EXPECT_EQ(word("bucket"), mask({S::SynRecv, S::NewSynRecv, S::TimeWait}));
    EXPECT_EQ(word("big"), mask({S::Established, S::SynSent, S::FinWait1, S::FinWait2, S::Close, S::CloseWait,
                                 S::LastAck, S::Listen, S::Closing, S::DeleteTcb}));
    EXPECT_EQ(word("listening"), mask({S::Listen, S::Close}));
    EXPECT_EQ(word("Connected"), word("connected"));
}

TEST(StateWord, GroupsAreConsistent) {
    StateMask bucket = word("bucket"), big = word("big");
    EXPECT_EQ(bucket.bits() | big.bits(), StateMask::all().bits());
    EXPECT_EQ(bucket.bits() & big.bits(), 0u);
    EXPECT_EQ(word("connected").bits() | word("listening").bits(), StateMask::all().bits());
    EXPECT_FALSE(word("synchronized").has(TcpState::SynSent));
    EXPECT_TRUE(word("connected").has(TcpState::SynSent));
}

TEST(StateWord, Unknown) {
    EXPECT_FALSE(parse_state_word("closewiat"));
    EXPECT_FALSE(parse_state_word(""));
    EXPECT_FALSE(parse_state_word("___"));
    EXPECT_FALSE(parse_state_word("established2"));
    EXPECT_FALSE(parse_state_word("syn"));
    EXPECT_FALSE(parse_state_word(std::string(1000, 'a')));
    EXPECT_FALSE(parse_state_word(std::string_view("listen\0x", 8)));
}

TEST(StateList, OrsItemsAndIgnoresSpacesAndEmptyItems) {
    EXPECT_EQ(parse_state_list("listen,established"), mask({TcpState::Listen, TcpState::Established}));
    EXPECT_EQ(parse_state_list(" listen , close-wait ,"), mask({TcpState::Listen, TcpState::CloseWait}));
    EXPECT_EQ(parse_state_list(",,time_wait"), StateMask::of(TcpState::TimeWait));
    EXPECT_EQ(parse_state_list("bucket,listen"),
              mask({TcpState::SynRecv, TcpState::NewSynRecv, TcpState::TimeWait, TcpState::Listen}));
    EXPECT_EQ(parse_state_list("close wait"), StateMask::of(TcpState::CloseWait));
}

TEST(StateList, EmptyListIsAnError) {
    EXPECT_THROW(parse_state_list(""), UsageError);
    EXPECT_THROW(parse_state_list(" , ,"), UsageError);
}

TEST(StateList, ErrorNamesTheWordAndListsAcceptedNames) {
    auto msg = usage_message("listen,closewiat");
    EXPECT_EQ(msg.rfind("unknown state 'closewiat' (did you mean close_wait?): expected one of established, syn_sent, ", 0), 0u)
        << msg;
    EXPECT_NE(msg.find("close_wait"), std::string::npos);
    EXPECT_NE(msg.find("new_syn_recv"), std::string::npos);
    EXPECT_NE(msg.find("or a group: all, connected, synchronized, listening, bucket, big"), std::string::npos);
    EXPECT_NE(usage_message(" bogus ").find("'bogus'"), std::string::npos);
}

TEST(StateList, AcceptedNamesAllParse) {
    std::string names = accepted_state_names();
    auto at = names.find(", or a group: ");
    ASSERT_NE(at, std::string::npos);
    names.replace(at, std::string_view(", or a group: ").size(), ",");
    EXPECT_NO_THROW(parse_state_list(names));
    EXPECT_TRUE(parse_state_list(names).is_all());
}
