// Tests the field catalogue (names, headers, types, needs) and --fields list parsing.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/error.hpp"
#include "tcpstat/fields.hpp"
#include "tcpstat/model.hpp"

using namespace tcpstat;

TEST(Fields, NamesAreTheContractInOrder) {
    const char* expected[] = {"proto", "family", "state", "local", "remote", "laddr", "lport", "raddr",
                              "rport", "pid", "process", "owners", "user", "uid", "inode", "recv_q",
                              "send_q", "timer", "timer_ms", "retrans", "rtt_us", "rttvar_us", "cwnd",
                              "ssthresh", "mss", "retrans_total", "bytes_sent", "bytes_received",
                              "last_send_ms", "last_recv_ms", "idle_ms", "netns", "cmdline", "exe", "service",
                              "age", "changed_by", "rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
                              "wmem_queued", "optmem", "sk_backlog", "sk_drops"};
    auto all = all_fields();
    ASSERT_EQ(all.size(), std::size(expected));
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].name, expected[i]);
        EXPECT_EQ(field_by_name(expected[i]), all[i].field);
        EXPECT_EQ(field_info(all[i].field).name, expected[i]);
        EXPECT_FALSE(all[i].help.empty()) << expected[i];
    }
}

TEST(Fields, HeadersAreUpperCaseWithDashes) {
    for (const auto& f : all_fields()) {
        std::string want(f.name);
        for (char& c : want) c = c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        EXPECT_EQ(f.header, want);
    }
    EXPECT_EQ(field_info(Field::RecvQ).header, "RECV-Q");
    EXPECT_EQ(field_info(Field::SendQ).header, "SEND-Q");
    EXPECT_EQ(field_info(Field::Rtt).header, "RTT-US");
    EXPECT_EQ(field_info(Field::IdleMs).header, "IDLE-MS");
}

TEST(Fields, TypesAndNeeds) {
    for (Field f : {Field::Lport, Field::Rport, Field::Pid, Field::Uid, Field::Inode, Field::RecvQ, Field::SendQ,
                    Field::TimerMs, Field::Retrans, Field::Rtt, Field::Rttvar, Field::Cwnd, Field::Ssthresh,
                    Field::Mss, Field::RetransTotal, Field::BytesSent, Field::BytesReceived, Field::LastSendMs,
                    Field::LastRecvMs, Field::IdleMs, Field::Netns, Field::RmemAlloc, Field::Rcvbuf,
                    Field::Sndbuf, Field::Drops}) {
        EXPECT_EQ(field_info(f).type, FieldType::Number) << field_info(f).name;
        EXPECT_TRUE(field_info(f).right_align) << field_info(f).name;
    }
    for (Field f : {Field::Proto, Field::Family, Field::State, Field::Local, Field::Remote, Field::Laddr,
                    Field::Raddr, Field::Process, Field::Owners, Field::User, Field::Timer, Field::Cmdline,
                    Field::Exe, Field::Service}) {
        EXPECT_EQ(field_info(f).type, FieldType::Text) << field_info(f).name;
    }
    int owners = 0, extended = 0;
    for (const auto& f : all_fields()) {
        owners += f.needs_owners;
        extended += f.extended_only;
    }
    EXPECT_EQ(owners, 6);
    EXPECT_TRUE(field_info(Field::Service).needs_owners);
    EXPECT_TRUE(field_info(Field::Cmdline).needs_owners);
    EXPECT_TRUE(field_info(Field::Exe).needs_owners);
    EXPECT_TRUE(field_info(Field::Pid).needs_owners);
    EXPECT_TRUE(field_info(Field::Process).needs_owners);
    EXPECT_TRUE(field_info(Field::Owners).needs_owners);
    EXPECT_EQ(extended, 11);
    EXPECT_TRUE(field_info(Field::Rtt).extended_only);
    EXPECT_TRUE(field_info(Field::IdleMs).extended_only);
    EXPECT_FALSE(field_info(Field::Retrans).extended_only);
    EXPECT_FALSE(field_info(Field::Netns).extended_only);
}

TEST(Fields, Defaults) {
    EXPECT_EQ(default_fields(false),
              (std::vector<Field>{Field::Proto, Field::State, Field::Local, Field::Remote, Field::Pid, Field::Process}));
    EXPECT_EQ(default_fields(true),
              (std::vector<Field>{Field::Proto, Field::State, Field::RecvQ, Field::SendQ, Field::Local, Field::Remote,
                                  Field::User, Field::Inode, Field::Timer, Field::TimerMs, Field::Retrans, Field::Rtt,
                                  Field::Cwnd, Field::IdleMs, Field::Pid, Field::Process}));
}

TEST(Fields, ByNameIsTolerantOfCaseAndDashes) {
    EXPECT_EQ(field_by_name("RECV-Q"), Field::RecvQ);
    EXPECT_EQ(field_by_name("Rtt_Us"), Field::Rtt);
    EXPECT_EQ(field_by_name("recvq"), Field::RecvQ);
    EXPECT_EQ(field_by_name("LAST-SEND-MS"), Field::LastSendMs);
    EXPECT_EQ(field_by_name("retrans"), Field::Retrans);
    EXPECT_EQ(field_by_name("retrans-total"), Field::RetransTotal);
    EXPECT_FALSE(field_by_name("-"));
    EXPECT_FALSE(field_by_name("recv_qq"));
    EXPECT_FALSE(field_by_name("rtt"));
    EXPECT_FALSE(field_by_name(""));
    EXPECT_FALSE(field_by_name("pids"));
}

TEST(FieldList, Parses) {
    EXPECT_EQ(parse_field_list("state,lport,pid"), (std::vector<Field>{Field::State, Field::Lport, Field::Pid}));
    EXPECT_EQ(parse_field_list(" state , ,idle_ms,"), (std::vector<Field>{Field::State, Field::IdleMs}));
    EXPECT_EQ(parse_field_list("netns"), (std::vector<Field>{Field::Netns}));
}

TEST(FieldList, Errors) {
    try {
        parse_field_list("state,bogus");
        FAIL() << "no error";
    } catch (const UsageError& e) {
        std::string msg = e.what();
        EXPECT_EQ(msg.rfind("unknown field 'bogus': expected one of proto, family, state, local, ", 0), 0u) << msg;
        EXPECT_NE(msg.find("idle_ms, netns"), std::string::npos) << msg;
    }
    EXPECT_THROW(parse_field_list(""), UsageError);
    EXPECT_THROW(parse_field_list(",,"), UsageError);
    EXPECT_THROW(parse_field_list("pid,state,pid"), UsageError);
}

TEST(Fields, NoSeparatorIsSilentlyDroppedAtEitherEnd) {
    EXPECT_EQ(field_by_name("recv-q"), Field::RecvQ);
    for (std::string_view bad : {"-pid", "pid_", "_lport", "--idle_ms", ""}) EXPECT_FALSE(field_by_name(bad)) << bad;
}

TEST(Fields, MemoryFieldsIndexSocketMemory) {
    EXPECT_EQ(memory_index(Field::RmemAlloc), 0u);
    EXPECT_EQ(memory_index(Field::Drops), SocketMemory::kCount - 1);
    EXPECT_FALSE(memory_index(Field::Netns));
    EXPECT_FALSE(memory_index(Field::Proto));
}
