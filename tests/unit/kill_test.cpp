// Tests kill's platform-free rules: SSH_CONNECTION parsing, listeners left out unless named, protected sockets.
#include <gtest/gtest.h>

#include "tcpstat/kill.hpp"

using namespace tcpstat;

namespace {

Socket tcp(TcpState st, std::string_view laddr, std::uint16_t lport, std::string_view raddr, std::uint16_t rport,
           Pid owner = 0) {
    Socket s;
    s.family = laddr.find(':') == std::string_view::npos ? Family::Inet : Family::Inet6;
    s.state = st;
    s.local = Endpoint{*parse_address(laddr), lport};
    s.remote = Endpoint{*parse_address(raddr), rport};
    if (owner) s.owners.push_back(Owner{owner, 3});
    return s;
}

}  // namespace

TEST(KillSafety, ParsesSshConnection) {
    KillSafety k;
    take_ssh_connection("203.0.113.5 50522 10.0.0.2 22", k);
    ASSERT_TRUE(k.arrived_local && k.arrived_remote);
    EXPECT_EQ(format_endpoint(*k.arrived_local), "10.0.0.2:22");
    EXPECT_EQ(format_endpoint(*k.arrived_remote), "203.0.113.5:50522");
    for (const char* bad : {"", "203.0.113.5 50522 10.0.0.2", "x 1 10.0.0.2 22", "1.2.3.4 0 10.0.0.2 22",
                            "1.2.3.4 1 10.0.0.2 22 extra", "1.2.3.4 70000 10.0.0.2 22"}) {
        KillSafety none;
        take_ssh_connection(bad, none);
        EXPECT_FALSE(none.arrived_local) << bad;
    }
}

TEST(KillSafety, KeepsTheArrivedOnConnectionEitherEndAndV4Mapped) {
    KillSafety k;
    take_ssh_connection("203.0.113.5 50522 10.0.0.2 22", k);
    Snapshot snap;
    snap.sockets.push_back(tcp(TcpState::Established, "::ffff:10.0.0.2", 22, "::ffff:203.0.113.5", 50522));
    snap.sockets.push_back(tcp(TcpState::Established, "10.0.0.2", 22, "203.0.113.5", 50523));
    snap.sockets.push_back(tcp(TcpState::Established, "203.0.113.5", 50522, "10.0.0.2", 22));
    const KillPlan plan = plan_kill(snap, k);
    ASSERT_EQ(plan.keep_reason.size(), 3u);
    EXPECT_TRUE(plan.keep_reason[0].has_value());
    EXPECT_FALSE(plan.keep_reason[1].has_value()) << "another client port is another connection";
    EXPECT_TRUE(plan.keep_reason[2].has_value());
    EXPECT_EQ(plan.to_close(), 1u);
}

TEST(KillSafety, LeavesOutListenersUnlessAskedAndKeepsOwnPids) {
    Snapshot snap;
    snap.sockets.push_back(tcp(TcpState::Listen, "0.0.0.0", 80, "0.0.0.0", 0, 10));
    snap.sockets.push_back(tcp(TcpState::CloseWait, "10.0.0.2", 80, "10.0.0.9", 4000, 10));
    snap.sockets.push_back(tcp(TcpState::CloseWait, "10.0.0.2", 80, "10.0.0.9", 4001, 42));
    Socket udp = tcp(TcpState::Close, "0.0.0.0", 53, "0.0.0.0", 0);
    udp.protocol = Protocol::Udp;
    snap.sockets.push_back(udp);

    KillSafety k;
    k.own_pids = {42};
    Snapshot a = snap;
    const KillPlan plan = plan_kill(a, k);
    EXPECT_EQ(plan.skipped_listeners, 2u);
    ASSERT_EQ(a.sockets.size(), 2u);
    EXPECT_FALSE(plan.keep_reason[0]);
    ASSERT_TRUE(plan.keep_reason[1]);
    EXPECT_NE(plan.keep_reason[1]->find("pid 42"), std::string::npos);

    k.listeners_asked = true;
    Snapshot b = snap;
    EXPECT_EQ(plan_kill(b, k).skipped_listeners, 0u);
    EXPECT_EQ(b.sockets.size(), 4u);
}

TEST(KillSafety, OutcomeNames) {
    EXPECT_EQ(close_outcome_name(CloseOutcome::Closed), "closed");
    EXPECT_EQ(close_outcome_name(CloseOutcome::Gone), "gone");
    EXPECT_EQ(close_outcome_name(CloseOutcome::Refused), "refused");
    EXPECT_EQ(close_outcome_name(CloseOutcome::Unsupported), "unsupported");
    EXPECT_EQ(close_outcome_name(CloseOutcome::Protected), "protected");
    EXPECT_TRUE(close_succeeded(CloseOutcome::Gone));
    EXPECT_FALSE(close_succeeded(CloseOutcome::Protected));
}
