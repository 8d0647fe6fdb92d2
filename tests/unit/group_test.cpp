// Tests group keys and grouping: columns, exact counts with shared and unowned sockets, and order.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/error.hpp"
#include "tcpstat/grouping.hpp"

using namespace tcpstat;

namespace {

using Row = std::vector<Value>;
const Value null{};
Value n(std::int64_t v) { return Value{v}; }
Value txt(const char* s) { return Value{std::string(s)}; }

Socket sock(TcpState st, std::string_view laddr, std::uint16_t lport, std::vector<Owner> owners = {},
            Protocol p = Protocol::Tcp) {
    Socket s;
    s.protocol = p;
    s.state = st;
    s.local = {parse_address(laddr).value(), lport};
    s.remote = {parse_address(laddr).value(), 0};
    s.family = s.local.addr.family;
    s.owners = std::move(owners);
    return s;
}

// Three pre-fork workers share one listener; one worker also holds a connection; sshd listens;
// two TIME_WAIT sockets have no owner; pid 50 has no process details.
Snapshot fixture() {
    Snapshot snap;
    snap.processes[10] = Process{"nginx", {}, {}, {}};
    snap.processes[11] = Process{"nginx", {}, {}, {}};
    snap.processes[12] = Process{"nginx", {}, {}, {}};
    snap.processes[20] = Process{"sshd", {}, {}, {}};
    snap.sockets.push_back(sock(TcpState::Listen, "0.0.0.0", 80, {{10, 6}, {11, 6}, {12, 6}}));
    snap.sockets.push_back(sock(TcpState::Established, "10.0.0.1", 80, {{11, 9}}));
    snap.sockets.push_back(sock(TcpState::Listen, "::", 22, {{20, 3}}));
    snap.sockets.push_back(sock(TcpState::TimeWait, "10.0.0.1", 80));
    snap.sockets.push_back(sock(TcpState::TimeWait, "10.0.0.1", 80));
    snap.sockets.push_back(sock(TcpState::Established, "10.0.0.1", 5000, {{50, 4}, {50, 5}}));
    return snap;
}

}  // namespace

TEST(GroupKeys, NamesAndParsing) {
    // The thirteen keys of old keep their names.
    const char* names[] = {"state", "proto", "family", "pid", "process", "user",
                           "lport", "rport", "laddr", "raddr", "netns", "cmdline", "exe", "service"};
    for (const char* name : names) {
        auto keys = parse_group_keys(name);
        ASSERT_EQ(keys.size(), 1u);
        EXPECT_EQ(group_key_name(keys[0]), name);
    }
    EXPECT_EQ(parse_group_keys(" pid , process "), (std::vector<GroupKey>{GroupKey::Pid, GroupKey::Process}));
    EXPECT_TRUE(group_key_needs_owners(GroupKey::Pid));
    EXPECT_TRUE(group_key_needs_owners(GroupKey::Process));
    EXPECT_TRUE(group_key_needs_owners(GroupKey::Cmdline));
    EXPECT_TRUE(group_key_needs_owners(GroupKey::Exe));
    EXPECT_TRUE(group_key_needs_owners(GroupKey::Service));
    EXPECT_FALSE(group_key_needs_owners(GroupKey::User));
    EXPECT_FALSE(group_key_needs_owners(GroupKey::State));
}

TEST(GroupKeys, Errors) {
    try {
        parse_group_keys("state,colour");
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("unknown group key 'colour': expected one of proto, "
                                              "family, state, local, remote, laddr, lport,", 0), 0u) << e.what();
        EXPECT_EQ(std::string(e.what()).find("owners"), std::string::npos) << e.what();
    }
    try {
        parse_group_keys("pid,state,PID");
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("'PID'"), std::string::npos);
    }
    EXPECT_THROW(parse_group_keys("owners"), UsageError);
    EXPECT_THROW(parse_group_keys(""), UsageError);
    EXPECT_THROW(parse_group_keys(" , "), UsageError);
}

// -g, --sort and --fields share one vocabulary: every spelling of a field names it everywhere.
TEST(GroupKeys, EverySpellingOfAFieldIsAKey) {
    EXPECT_EQ(parse_group_keys("LPORT,Process,recv-q,timer_ms"),
              (std::vector<GroupKey>{Field::Lport, Field::Process, Field::RecvQ, Field::TimerMs}));
    for (const FieldInfo& fi : all_fields()) {
        if (fi.field == Field::Owners) continue;
        EXPECT_EQ(parse_group_keys(fi.name), std::vector<GroupKey>{fi.field}) << fi.name;
        EXPECT_EQ(parse_group_keys(fi.header), std::vector<GroupKey>{fi.field}) << fi.header;
    }
    const auto order = parse_group_sort("-COUNT,LPort", {Field::State, Field::Lport});
    ASSERT_EQ(order.size(), 2u);
    EXPECT_FALSE(order[0].key.has_value());
    EXPECT_TRUE(order[0].descending);
    EXPECT_EQ(order[1].key, Field::Lport);
    EXPECT_THROW(parse_group_sort("rport", {Field::State, Field::Lport}), UsageError);
}

// Any field groups, with the listing's value: user is the name else the uid, the timer its kind.
TEST(Group, ByFieldsThatWereNoKeys) {
    Snapshot snap = fixture();
    snap.users[0] = "root";
    snap.sockets[0].uid = 0;
    snap.sockets[1].uid = 1000;
    snap.sockets[3].timer = Timer{TimerKind::TimeWait, 100};
    snap.sockets[4].timer = Timer{TimerKind::TimeWait, 900};
    EXPECT_EQ(group_sockets(snap, {Field::Uid}).rows, (std::vector<Row>{{null, n(4)}, {n(0), n(1)}, {n(1000), n(1)}}));
    EXPECT_EQ(group_sockets(snap, {Field::User}).rows,
              (std::vector<Row>{{null, n(4)}, {txt("root"), n(1)}, {txt("1000"), n(1)}}));
    EXPECT_EQ(group_sockets(snap, {Field::Timer}).rows, (std::vector<Row>{{null, n(4)}, {txt("time_wait"), n(2)}}));
    EXPECT_EQ(group_sockets(snap, {Field::Local}).rows.front(), (Row{txt("10.0.0.1:80"), n(3)}));
}

TEST(Group, ColumnsAndTypes) {
    Table t = group_sockets(Snapshot{}, {GroupKey::Pid, GroupKey::Laddr, GroupKey::Lport, GroupKey::Netns,
                                         GroupKey::State});
    EXPECT_EQ(t.name, "groups");
    ASSERT_EQ(t.columns.size(), 6u);
    EXPECT_EQ(t.columns[0].name, "pid");
    EXPECT_EQ(t.columns[0].header, "PID");
    EXPECT_EQ(t.columns[0].type, FieldType::Number);
    EXPECT_EQ(t.columns[1].type, FieldType::Text);
    EXPECT_EQ(t.columns[2].type, FieldType::Number);
    EXPECT_EQ(t.columns[3].type, FieldType::Text);  // netns: a name (`ip netns`, or a hint), else the inode
    EXPECT_EQ(t.columns[4].header, "STATE");
    EXPECT_EQ(t.columns[4].type, FieldType::Text);
    EXPECT_EQ(t.columns[5].name, "count");
    EXPECT_EQ(t.columns[5].header, "COUNT");
    EXPECT_EQ(t.columns[5].type, FieldType::Number);
    EXPECT_TRUE(t.rows.empty());
}

TEST(Group, ByStateCountsEachSocketOnce) {
    Table t = group_sockets(fixture(), {GroupKey::State});
    EXPECT_EQ(t.rows, (std::vector<Row>{
                          // Ties in enum order: ESTABLISHED (1), TIME_WAIT (6), LISTEN (10).
                          {txt("ESTABLISHED"), n(2)},
                          {txt("TIME_WAIT"), n(2)},
                          {txt("LISTEN"), n(2)},
                      }));
}

TEST(Group, ByProcessCollapsesWorkersAndCountsUnownedUnderNull) {
    Table t = group_sockets(fixture(), {GroupKey::Process});
    // nginx: the shared listener once (three owners, one name) + the connection.
    // null: two unowned TIME_WAIT + pid 50's socket (no process details) counted once.
    EXPECT_EQ(t.rows, (std::vector<Row>{
                          {null, n(3)},
                          {txt("nginx"), n(2)},
                          {txt("sshd"), n(1)},
                      }));
}

TEST(Group, ByPidCountsSharedSocketUnderEveryOwner) {
    Table t = group_sockets(fixture(), {GroupKey::Pid});
    EXPECT_EQ(t.rows, (std::vector<Row>{
                          {n(11), n(2)},
                          {null, n(2)},
                          {n(10), n(1)},
                          {n(12), n(1)},
                          {n(20), n(1)},
                          {n(50), n(1)},  // two fds of one pid: still one socket
                      }));
    // Rows in a tie: numbers ascending, null last.
    std::int64_t total = 0;
    for (const auto& r : t.rows) total += std::get<std::int64_t>(r.back());
    EXPECT_EQ(total, 8);
}

TEST(Group, ByPidAndProcessAndState) {
    Table t = group_sockets(fixture(), {GroupKey::Process, GroupKey::Pid, GroupKey::State});
    ASSERT_EQ(t.columns.size(), 4u);
    EXPECT_EQ(t.rows, (std::vector<Row>{
                          {null, null, txt("TIME_WAIT"), n(2)},
                          {txt("nginx"), n(10), txt("LISTEN"), n(1)},
                          {txt("nginx"), n(11), txt("ESTABLISHED"), n(1)},
                          {txt("nginx"), n(11), txt("LISTEN"), n(1)},
                          {txt("nginx"), n(12), txt("LISTEN"), n(1)},
                          {txt("sshd"), n(20), txt("LISTEN"), n(1)},
                          {null, n(50), txt("ESTABLISHED"), n(1)},
                      }));
}

TEST(Group, ProtoFamilyAndUdpStateNames) {
    Snapshot snap = fixture();
    snap.sockets.push_back(sock(TcpState::Close, "0.0.0.0", 53, {}, Protocol::Udp));
    snap.sockets.push_back(sock(TcpState::Close, "0.0.0.0", 68, {}, Protocol::Udp));
    snap.sockets.push_back(sock(TcpState::Close, "0.0.0.0", 7, {}, Protocol::Tcp));
    Table t = group_sockets(snap, {GroupKey::Proto, GroupKey::State});
    EXPECT_EQ(t.rows, (std::vector<Row>{
                          {txt("tcp"), txt("ESTABLISHED"), n(2)},
                          {txt("tcp"), txt("TIME_WAIT"), n(2)},
                          {txt("tcp"), txt("LISTEN"), n(2)},
                          {txt("udp"), txt("UNCONN"), n(2)},
                          {txt("tcp"), txt("CLOSE"), n(1)},
                      }));
    Table f = group_sockets(snap, {GroupKey::Family});
    EXPECT_EQ(f.rows, (std::vector<Row>{{txt("ipv4"), n(8)}, {txt("ipv6"), n(1)}}));
}

TEST(Group, AddressesPortsUsersNetns) {
    Snapshot snap;
    snap.users[0] = "root";
    auto add = [&](std::string_view a, std::uint16_t port, std::optional<std::uint32_t> uid,
                   std::optional<std::uint64_t> netns) {
        Socket s = sock(TcpState::Listen, a, port);
        s.uid = uid;
        s.netns = netns;
        snap.sockets.push_back(s);
    };
    add("10.0.0.10", 80, 0, 4026531840u);
    add("10.0.0.2", 80, 1000, 4026531840u);
    add("10.0.0.2", 443, 1000, std::nullopt);
    add("::1", 443, std::nullopt, std::nullopt);

    // Addresses tie-break by value (10.0.0.2 before 10.0.0.10), and v4 before v6.
    EXPECT_EQ(group_sockets(snap, {GroupKey::Laddr}).rows,
              (std::vector<Row>{{txt("10.0.0.2"), n(2)}, {txt("10.0.0.10"), n(1)}, {txt("::1"), n(1)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Lport}).rows, (std::vector<Row>{{n(80), n(2)}, {n(443), n(2)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Rport}).rows, (std::vector<Row>{{n(0), n(4)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Raddr}).rows,
              (std::vector<Row>{{txt("10.0.0.2"), n(2)}, {txt("10.0.0.10"), n(1)}, {txt("::1"), n(1)}}));
    // A uid without a name shows as its number, as text; no uid is null.
    EXPECT_EQ(group_sockets(snap, {GroupKey::User}).rows,
              (std::vector<Row>{{txt("1000"), n(2)}, {txt("root"), n(1)}, {null, n(1)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Netns}).rows,
              (std::vector<Row>{{n(4026531840), n(2)}, {null, n(2)}}));
}

TEST(Group, ManyOwnersOfOneSocket) {
    Snapshot snap;
    Socket s = sock(TcpState::Listen, "0.0.0.0", 80);
    for (Pid p = 1000; p > 0; --p) {
        s.owners.push_back({p, 3});
        snap.processes[p] = Process{p % 2 ? "odd" : "even", {}, {}, {}};
    }
    snap.sockets.push_back(s);
    Table byName = group_sockets(snap, {GroupKey::Process});
    EXPECT_EQ(byName.rows, (std::vector<Row>{{txt("even"), n(1)}, {txt("odd"), n(1)}}));
    Table byPid = group_sockets(snap, {GroupKey::Pid});
    ASSERT_EQ(byPid.rows.size(), 1000u);
    EXPECT_EQ(byPid.rows.front(), (Row{n(1), n(1)}));
    EXPECT_EQ(byPid.rows.back(), (Row{n(1000), n(1)}));
}

// Three python3 services are one process name but three command lines; two share one exe.
TEST(Group, ByCmdlineAndExeTellInterpretersApart) {
    Snapshot snap;
    auto py = [](const char* script, const char* exe) {
        Process p;
        p.name = "python3";
        p.cmdline = std::string("python3 ") + script;
        p.exe = exe;
        return p;
    };
    snap.processes[1] = py("orders.py", "/usr/bin/python3.11");
    snap.processes[2] = py("billing.py", "/usr/bin/python3.11");
    snap.processes[3] = py("search.py", "/opt/py312/bin/python3.12");
    snap.processes[4] = Process{"kthread", {}, {}, {}};  // no cmdline, no exe
    snap.sockets.push_back(sock(TcpState::Listen, "127.0.0.1", 8001, {{1, 3}}));
    snap.sockets.push_back(sock(TcpState::Listen, "127.0.0.1", 8002, {{2, 3}}));
    snap.sockets.push_back(sock(TcpState::Established, "127.0.0.1", 8002, {{2, 4}}));
    snap.sockets.push_back(sock(TcpState::Listen, "127.0.0.1", 8003, {{3, 3}}));
    snap.sockets.push_back(sock(TcpState::Listen, "127.0.0.1", 9000, {{4, 3}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Process}).rows,
              (std::vector<Row>{{txt("python3"), n(4)}, {txt("kthread"), n(1)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Cmdline}).rows,
              (std::vector<Row>{{txt("python3 billing.py"), n(2)},
                                {txt("python3 orders.py"), n(1)},
                                {txt("python3 search.py"), n(1)},
                                {null, n(1)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Exe, GroupKey::State}).rows,
              (std::vector<Row>{{txt("/usr/bin/python3.11"), txt("LISTEN"), n(2)},
                                {txt("/opt/py312/bin/python3.12"), txt("LISTEN"), n(1)},
                                {txt("/usr/bin/python3.11"), txt("ESTABLISHED"), n(1)},
                                {null, txt("LISTEN"), n(1)}}));
}

// Windows: two shared svchost.exe pids are one process name; the services they run tell them apart.
TEST(Group, ByServiceTellsSharedSvchostsApart) {
    Snapshot snap;
    auto svchost = [](std::optional<std::string> service) {
        Process p;
        p.name = "svchost.exe";
        p.service = std::move(service);
        return p;
    };
    snap.processes[1000] = svchost("Dnscache");
    snap.processes[1204] = svchost("LanmanServer,LanmanWorkstation");
    snap.processes[1300] = svchost(std::nullopt);  // not a service (or not asked for)
    snap.sockets.push_back(sock(TcpState::Listen, "0.0.0.0", 53, {{1000, 1}}));
    snap.sockets.push_back(sock(TcpState::Established, "10.0.0.1", 53, {{1000, 2}}));
    snap.sockets.push_back(sock(TcpState::Listen, "0.0.0.0", 445, {{1204, 1}}));
    snap.sockets.push_back(sock(TcpState::Listen, "0.0.0.0", 5040, {{1300, 1}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Process}).rows, (std::vector<Row>{{txt("svchost.exe"), n(4)}}));
    EXPECT_EQ(group_sockets(snap, {GroupKey::Process, GroupKey::Service}).rows,
              (std::vector<Row>{{txt("svchost.exe"), txt("Dnscache"), n(2)},
                                {txt("svchost.exe"), txt("LanmanServer,LanmanWorkstation"), n(1)},
                                {txt("svchost.exe"), null, n(1)}}));
}
