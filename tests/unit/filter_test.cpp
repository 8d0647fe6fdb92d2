// Tests the display filter: each predicate alone, their combinations, owners, and in-place removal.
#include <gtest/gtest.h>

#include "tcpstat/filter.hpp"

using namespace tcpstat;

namespace {

IpAddress ip(std::string_view text) { return parse_address(text).value(); }

Socket sock(Protocol p, TcpState st, std::string_view laddr, std::uint16_t lport, std::string_view raddr,
            std::uint16_t rport) {
    Socket s;
    s.protocol = p;
    s.state = st;
    s.local = {ip(laddr), lport};
    s.remote = {ip(raddr), rport};
    s.family = s.local.addr.family;
    return s;
}

Socket tcp(TcpState st, std::string_view laddr, std::uint16_t lport, std::string_view raddr = "0.0.0.0",
           std::uint16_t rport = 0) {
    return sock(Protocol::Tcp, st, laddr, lport, raddr, rport);
}

Filter udp_and_tcp() {
    Filter f;
    f.udp = true;
    return f;
}

}  // namespace

TEST(FilterTest, DefaultMatchesTcpOnly) {
    Filter f;
    EXPECT_TRUE(f.matches_socket(tcp(TcpState::Listen, "0.0.0.0", 80)));
    EXPECT_TRUE(f.matches_socket(tcp(TcpState::TimeWait, "::1", 80, "::1", 5000)));
    EXPECT_FALSE(f.matches_socket(sock(Protocol::Udp, TcpState::Close, "0.0.0.0", 53, "0.0.0.0", 0)));
    EXPECT_FALSE(f.needs_owners());
}

TEST(FilterTest, ProtocolFlags) {
    Filter f;
    f.tcp = false;
    f.udp = true;
    EXPECT_FALSE(f.matches_socket(tcp(TcpState::Listen, "0.0.0.0", 80)));
    EXPECT_TRUE(f.matches_socket(sock(Protocol::Udp, TcpState::Close, "0.0.0.0", 53, "0.0.0.0", 0)));
}

TEST(FilterTest, FamilyFlagsTreatMappedAsIpv6) {
    Filter f;
    f.ipv6 = false;
    EXPECT_TRUE(f.matches_socket(tcp(TcpState::Established, "10.0.0.1", 80, "10.0.0.2", 5000)));
    EXPECT_FALSE(f.matches_socket(tcp(TcpState::Established, "::ffff:10.0.0.1", 80, "::ffff:10.0.0.2", 5000)));
    f.ipv6 = true;
    f.ipv4 = false;
    EXPECT_FALSE(f.matches_socket(tcp(TcpState::Established, "10.0.0.1", 80, "10.0.0.2", 5000)));
    EXPECT_TRUE(f.matches_socket(tcp(TcpState::Established, "::ffff:10.0.0.1", 80, "::ffff:10.0.0.2", 5000)));
}

TEST(FilterTest, StatesAndListening) {
    Filter f = udp_and_tcp();
    f.states = parse_state_list("established,close_wait");
    EXPECT_TRUE(f.matches_socket(tcp(TcpState::CloseWait, "1.1.1.1", 1, "2.2.2.2", 2)));
    EXPECT_FALSE(f.matches_socket(tcp(TcpState::Listen, "1.1.1.1", 1)));

    Filter l = udp_and_tcp();
    l.listening = true;
    EXPECT_TRUE(l.matches_socket(tcp(TcpState::Listen, "0.0.0.0", 22)));
    EXPECT_FALSE(l.matches_socket(tcp(TcpState::Close, "0.0.0.0", 22)));
    EXPECT_TRUE(l.matches_socket(sock(Protocol::Udp, TcpState::Close, "0.0.0.0", 53, "0.0.0.0", 0)));
    EXPECT_FALSE(l.matches_socket(sock(Protocol::Udp, TcpState::Established, "10.0.0.1", 53, "10.0.0.2", 9)));
    EXPECT_FALSE(l.matches_socket(tcp(TcpState::Established, "1.1.1.1", 1, "2.2.2.2", 2)));
}

TEST(FilterTest, Ports) {
    Socket s = tcp(TcpState::Established, "10.0.0.1", 443, "10.0.0.2", 50000);
    Filter f;
    f.ports = {parse_port_range("443")};
    EXPECT_TRUE(f.matches_socket(s));
    f.ports = {parse_port_range("49000-51000")};
    EXPECT_TRUE(f.matches_socket(s));
    f.ports = {parse_port_range("80"), parse_port_range("22")};
    EXPECT_FALSE(f.matches_socket(s));
    f.ports = {parse_port_range("80"), parse_port_range("443")};
    EXPECT_TRUE(f.matches_socket(s));

    Filter sp;
    sp.sports = {parse_port_range("443")};
    EXPECT_TRUE(sp.matches_socket(s));
    sp.sports = {parse_port_range("50000")};
    EXPECT_FALSE(sp.matches_socket(s));

    Filter dp;
    dp.dports = {parse_port_range("50000")};
    EXPECT_TRUE(dp.matches_socket(s));
    dp.dports = {parse_port_range("443")};
    EXPECT_FALSE(dp.matches_socket(s));
}

TEST(FilterTest, Addresses) {
    Socket s = tcp(TcpState::Established, "::ffff:192.168.1.5", 22, "::ffff:10.1.2.3", 40000);
    Filter f;
    f.src = {parse_cidr("192.168.0.0/16")};
    EXPECT_TRUE(f.matches_socket(s));
    f.dst = {parse_cidr("10.0.0.0/8")};
    EXPECT_TRUE(f.matches_socket(s));
    f.dst = {parse_cidr("172.16.0.0/12")};
    EXPECT_FALSE(f.matches_socket(s));
    f.dst = {parse_cidr("172.16.0.0/12"), parse_cidr("10.1.2.3")};
    EXPECT_TRUE(f.matches_socket(s));
    f.src = {parse_cidr("10.0.0.0/8")};  // that is the remote side: no match
    EXPECT_FALSE(f.matches_socket(s));
}

TEST(FilterTest, Uids) {
    Socket s = tcp(TcpState::Listen, "0.0.0.0", 80);
    Filter f;
    f.uids = {1000, 0};
    EXPECT_FALSE(f.matches_socket(s));  // no uid known: cannot match a uid filter
    s.uid = 0;
    EXPECT_TRUE(f.matches_socket(s));
    s.uid = 33;
    EXPECT_FALSE(f.matches_socket(s));
}

TEST(FilterTest, CombinationsAreAnded) {
    Socket s = tcp(TcpState::Established, "127.0.0.1", 5432, "127.0.0.1", 41000);
    s.uid = 999;
    Filter f;
    f.states = parse_state_list("connected");
    f.sports = {parse_port_range("5432")};
    f.src = {parse_cidr("127.0.0.0/8")};
    f.uids = {999};
    f.ipv6 = false;
    EXPECT_TRUE(f.matches_socket(s));
    f.states = parse_state_list("listening");
    EXPECT_FALSE(f.matches_socket(s));
    f.states = StateMask::all();
    f.dports = {parse_port_range("1-1024")};
    EXPECT_FALSE(f.matches_socket(s));
}

TEST(FilterTest, Owners) {
    Snapshot snap;
    snap.processes[100] = Process{"nginx", {}, {}, {}};
    snap.processes[101] = Process{"nginx: worker", {}, {}, {}};
    snap.processes[200] = Process{"sshd", {}, {}, {}};
    Socket shared = tcp(TcpState::Listen, "0.0.0.0", 80);
    shared.owners = {{100, 6}, {101, 6}};
    Socket ssh = tcp(TcpState::Listen, "0.0.0.0", 22);
    ssh.owners = {{200, 3}};
    Socket orphan = tcp(TcpState::TimeWait, "1.1.1.1", 80, "2.2.2.2", 3);
    Socket unknown = tcp(TcpState::Listen, "0.0.0.0", 9);
    unknown.owners = {{300, 4}};  // pid without process details

    Filter none;
    EXPECT_TRUE(none.matches_owners(orphan, snap));

    Filter byPid;
    byPid.pids = {101};
    EXPECT_TRUE(byPid.needs_owners());
    EXPECT_TRUE(byPid.matches_owners(shared, snap));
    EXPECT_FALSE(byPid.matches_owners(ssh, snap));
    EXPECT_FALSE(byPid.matches_owners(orphan, snap));
    byPid.pids = {300};
    EXPECT_TRUE(byPid.matches_owners(unknown, snap));

    Filter byName;
    byName.process_names = {"ssh"};  // prefix, as lsof -c
    EXPECT_TRUE(byName.matches_owners(ssh, snap));
    EXPECT_FALSE(byName.matches_owners(shared, snap));
    EXPECT_FALSE(byName.matches_owners(unknown, snap));
    byName.process_names = {"nginx: worker"};
    EXPECT_TRUE(byName.matches_owners(shared, snap));
    byName.process_names = {"nginxx"};
    EXPECT_FALSE(byName.matches_owners(shared, snap));

    Filter both;
    both.pids = {200};
    both.process_names = {"nginx"};
    EXPECT_FALSE(both.matches_owners(ssh, snap));
    EXPECT_FALSE(both.matches_owners(shared, snap));
    both.pids = {100};
    EXPECT_TRUE(both.matches_owners(shared, snap));
}

TEST(FilterTest, ApplyKeepsOrder) {
    Snapshot snap;
    for (std::uint16_t p = 1; p <= 10; ++p) {
        snap.sockets.push_back(tcp(p % 2 ? TcpState::Listen : TcpState::Established, "10.0.0.1", p, "10.0.0.2", 7));
        snap.sockets.back().owners = {{static_cast<Pid>(p), 3}};
    }
    Filter f;
    f.states = StateMask::of(TcpState::Listen);
    apply_socket_filter(snap, f);
    ASSERT_EQ(snap.sockets.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(snap.sockets[i].local.port, 2 * i + 1);

    Filter o;
    o.pids = {9, 3, 4};
    apply_owner_filter(snap, o);
    ASSERT_EQ(snap.sockets.size(), 2u);
    EXPECT_EQ(snap.sockets[0].local.port, 3);
    EXPECT_EQ(snap.sockets[1].local.port, 9);

    apply_owner_filter(snap, Filter{});
    EXPECT_EQ(snap.sockets.size(), 2u);
}

// -c keeps a shared socket and shows only its matching owners, as the --pid walk does.
TEST(FilterTest, ProcessNamesNarrowTheShownOwners) {
    Snapshot snap;
    snap.processes[100] = Process{"nginx", {}, {}, {}};
    snap.processes[101] = Process{"logrotate", {}, {}, {}};
    Socket shared = tcp(TcpState::Listen, "0.0.0.0", 80);
    shared.owners = {{100, 6}, {101, 9}, {100, 7}};
    snap.sockets.push_back(shared);
    Filter f;
    f.process_names = {"nginx"};
    apply_owner_filter(snap, f);
    ASSERT_EQ(snap.sockets.size(), 1u);
    EXPECT_EQ(snap.sockets[0].owners, (std::vector<Owner>{{100, 6}, {100, 7}}));
}

// Windows image names ignore case; the app turns this on there, the core just compares.
TEST(FilterTest, ProcessNamesFoldCaseWhenAsked) {
    Snapshot snap;
    snap.processes[7] = Process{"Python.exe", {}, {}, {}};
    Socket s = tcp(TcpState::Listen, "0.0.0.0", 8000);
    s.owners = {{7, std::nullopt}};
    Filter f;
    f.process_names = {"python"};
    EXPECT_FALSE(f.matches_owners(s, snap)) << "exact bytes by default (Linux comm)";
    f.fold_name_case = true;
    EXPECT_TRUE(f.matches_owners(s, snap));
    f.process_names = {"PYTHON.EXE"};
    EXPECT_TRUE(f.matches_owners(s, snap));
    f.process_names = {"pythonw"};
    EXPECT_FALSE(f.matches_owners(s, snap));
}
