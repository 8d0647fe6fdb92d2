// Tests the summary table: its shape, state-machine order, zero rows, rare states and totals.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/summary.hpp"

using namespace tcpstat;

namespace {

using Row = std::vector<Value>;

Row row(const char* proto, const char* state, std::int64_t v4, std::int64_t v6) {
    return Row{std::string(proto), std::string(state), v4, v6, v4 + v6};
}

void add(Snapshot& snap, Protocol p, TcpState st, Family f, int times = 1) {
    for (int i = 0; i < times; ++i) {
        Socket s;
        s.protocol = p;
        s.state = st;
        s.family = f;
        snap.sockets.push_back(s);
    }
}

}  // namespace

TEST(Summary, Shape) {
    Table t = summarize(Snapshot{}, true, false);
    EXPECT_EQ(t.name, "summary");
    ASSERT_EQ(t.columns.size(), 5u);
    const char* names[] = {"proto", "state", "ipv4", "ipv6", "total"};
    const char* headers[] = {"PROTO", "STATE", "IPV4", "IPV6", "TOTAL"};
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(t.columns[i].name, names[i]);
        EXPECT_EQ(t.columns[i].header, headers[i]);
        EXPECT_EQ(t.columns[i].type, i < 2 ? FieldType::Text : FieldType::Number);
    }
}

TEST(Summary, TcpRowsInStateMachineOrderWithZeros) {
    Snapshot snap;
    add(snap, Protocol::Tcp, TcpState::Listen, Family::Inet, 3);
    add(snap, Protocol::Tcp, TcpState::Listen, Family::Inet6, 2);
    add(snap, Protocol::Tcp, TcpState::Established, Family::Inet, 10);
    add(snap, Protocol::Tcp, TcpState::CloseWait, Family::Inet6, 4);
    add(snap, Protocol::Tcp, TcpState::TimeWait, Family::Inet, 7);
    add(snap, Protocol::Udp, TcpState::Close, Family::Inet, 5);  // not requested
    Table t = summarize(snap, true, false);
    EXPECT_EQ(t.rows, (std::vector<Row>{
                          row("tcp", "LISTEN", 3, 2),
                          row("tcp", "SYN_SENT", 0, 0),
                          row("tcp", "SYN_RECV", 0, 0),
                          row("tcp", "ESTABLISHED", 10, 0),
                          row("tcp", "FIN_WAIT1", 0, 0),
                          row("tcp", "FIN_WAIT2", 0, 0),
                          row("tcp", "CLOSE_WAIT", 0, 4),
                          row("tcp", "CLOSING", 0, 0),
                          row("tcp", "LAST_ACK", 0, 0),
                          row("tcp", "TIME_WAIT", 7, 0),
                          row("tcp", "CLOSE", 0, 0),
                          row("tcp", "total", 20, 6),
                      }));
}

TEST(Summary, RareTcpStatesOnlyWhenPresent) {
    Snapshot snap;
    add(snap, Protocol::Tcp, TcpState::NewSynRecv, Family::Inet6, 2);
    Table t = summarize(snap, true, false);
    ASSERT_EQ(t.rows.size(), 13u);
    EXPECT_EQ(t.rows[11], row("tcp", "NEW_SYN_RECV", 0, 2));
    EXPECT_EQ(t.rows[12], row("tcp", "total", 0, 2));

    add(snap, Protocol::Tcp, TcpState::DeleteTcb, Family::Inet, 1);
    t = summarize(snap, true, false);
    ASSERT_EQ(t.rows.size(), 14u);
    EXPECT_EQ(t.rows[12], row("tcp", "DELETE_TCB", 1, 0));
    EXPECT_EQ(t.rows[13], row("tcp", "total", 1, 2));
}

TEST(Summary, UdpAndBoth) {
    Snapshot snap;
    add(snap, Protocol::Udp, TcpState::Close, Family::Inet, 4);
    add(snap, Protocol::Udp, TcpState::Close, Family::Inet6, 1);
    add(snap, Protocol::Udp, TcpState::Established, Family::Inet, 2);
    add(snap, Protocol::Tcp, TcpState::Established, Family::Inet, 1);
    Table u = summarize(snap, false, true);
    EXPECT_EQ(u.rows, (std::vector<Row>{
                          row("udp", "UNCONN", 4, 1),
                          row("udp", "ESTAB", 2, 0),
                          row("udp", "total", 6, 1),
                      }));
    Table both = summarize(snap, true, true);
    ASSERT_EQ(both.rows.size(), 12u + 3u);
    EXPECT_EQ(both.rows[3], row("tcp", "ESTABLISHED", 1, 0));
    EXPECT_EQ(both.rows[11], row("tcp", "total", 1, 0));
    EXPECT_EQ(both.rows[12], row("udp", "UNCONN", 4, 1));
    EXPECT_EQ(both.rows[14], row("udp", "total", 6, 1));
    EXPECT_TRUE(summarize(snap, false, false).rows.empty());
}

TEST(Summary, UnusualUdpStateStillCounted) {
    Snapshot snap;
    add(snap, Protocol::Udp, TcpState::Listen, Family::Inet, 1);
    Table u = summarize(snap, false, true);
    EXPECT_EQ(u.rows, (std::vector<Row>{
                          row("udp", "UNCONN", 0, 0),
                          row("udp", "ESTAB", 0, 0),
                          row("udp", "LISTEN", 1, 0),
                          row("udp", "total", 1, 0),
                      }));
}

TEST(Summary, InvalidStateValueIsIgnoredNotCrashing) {
    Snapshot snap;
    add(snap, Protocol::Tcp, static_cast<TcpState>(0), Family::Inet, 1);
    add(snap, Protocol::Tcp, static_cast<TcpState>(99), Family::Inet, 1);
    Table t = summarize(snap, true, false);
    EXPECT_EQ(t.rows.back(), row("tcp", "total", 0, 0));
}
