// Owns the live tests of netlink::read_tables against real loopback sockets, with push-down and parity.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/private_net.hpp"
#include "netlink.hpp"
#include "procfs.hpp"
#include "tcpstat/expression.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat::netlink {
namespace {

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    ~Fd() { reset(); }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    int get() const { return fd_; }

private:
    int fd_;
};

sockaddr_storage loopback(int family, std::uint16_t port = 0) {
    sockaddr_storage ss{};
    if (family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons(port);
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons(port);
    }
    return ss;
}

socklen_t len_of(int family) { return family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6); }

std::uint16_t local_port(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
    return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)
                                   : ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

std::uint64_t inode_of(int fd) {
    struct stat st{};
    return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

Fd bound(int family, int type) {
    Fd fd(::socket(family, type | SOCK_CLOEXEC, 0));
    const auto ss = loopback(family);
    if (fd.get() < 0 || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len_of(family)) != 0) return Fd();
    return fd;
}

// A listener whose port reads differently in the two byte orders, so a push-down that compared
// network-order ports could not pass by luck.
Fd listener(int family) {
    for (int i = 0; i < 50; ++i) {
        Fd fd = bound(family, SOCK_STREAM);
        const std::uint16_t p = local_port(fd.get());
        if (fd.get() >= 0 && (p >> 8) != (p & 0xFF) && ::listen(fd.get(), 64) == 0) return fd;
    }
    return Fd();
}

Fd connect_to(int family, std::uint16_t port) {
    Fd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const auto ss = loopback(family, port);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len_of(family)) != 0) return Fd();
    return fd;
}

Fd accept_one(const Fd& l) { return Fd(::accept4(l.get(), nullptr, nullptr, SOCK_CLOEXEC)); }

// The sockets every test looks for, opened once.
struct World {
    Fd l4, c4, a4;   // IPv4 listener and an established pair; a4 holds 4 unread bytes
    Fd cw;           // IPv4 client in CLOSE_WAIT (its peer closed; the peer is an orphan in FIN_WAIT2)
    Fd l6, c6, a6;   // IPv6 listener and an established pair
    Fd u4;           // unconnected UDP over IPv4
    Fd u6a, u6b;     // UDP over IPv6; u6b is connected to u6a
    std::uint16_t p4 = 0, p6 = 0, cw_port = 0, tw_port = 0;
    std::string error;
};

World* g_world = nullptr;

CollectRequest all_request() {
    CollectRequest r;
    r.tcp = true;
    r.udp = true;
    return r;
}

const Socket* by_inode(const Snapshot& snap, int fd) {
    const std::uint64_t ino = inode_of(fd);
    for (const Socket& s : snap.sockets)
        if (s.inode == ino) return &s;
    return nullptr;
}

const Socket* by_ports(const Snapshot& snap, Protocol proto, std::uint16_t lport, std::uint16_t rport) {
    for (const Socket& s : snap.sockets)
        if (s.protocol == proto && s.local.port == lport && s.remote.port == rport) return &s;
    return nullptr;
}

// Names a row in a failure message.
std::string row(const Socket& s) {
    return std::string(state_name(s.state, s.protocol)) + " :" + std::to_string(s.local.port) + " -> :" +
           std::to_string(s.remote.port) + " inode " + (s.inode ? std::to_string(*s.inode) : std::string("-"));
}

// Two sockets of the world are still closing when it is made: the TIME_WAIT pair's server side
// (LAST_ACK, then gone) and the CLOSE_WAIT pair's orphan (FIN_WAIT1, then a FIN_WAIT2
// minisocket in its place). A dump that meets either mid-change misses it, or gets it after it
// closed (the parser drops that row). The suite starts once both are done, so that what each
// test finds depends on its request alone.
bool wait_until_settled(const World& w) {
    const CollectRequest r;
    for (int i = 0; i < 250; ++i) {
        const Snapshot snap = read_tables(r);
        const Socket* orphan = by_ports(snap, Protocol::Tcp, w.p4, w.cw_port);
        if (by_ports(snap, Protocol::Tcp, w.tw_port, w.p4) && !by_ports(snap, Protocol::Tcp, w.p4, w.tw_port) &&
            orphan && orphan->state == TcpState::FinWait2)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

class NetlinkLive : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        // Alone in a namespace, the dumps hold exactly this suite's sockets (where we may make one).
        tcpstat::testing::enter_private_network();
        auto w = std::make_unique<World>();
        w->l4 = listener(AF_INET);
        w->l6 = listener(AF_INET6);
        if (w->l4.get() < 0 || w->l6.get() < 0) {
            w->error = "cannot listen on loopback";
            g_world = w.release();
            return;
        }
        w->p4 = local_port(w->l4.get());
        w->p6 = local_port(w->l6.get());
        w->c4 = connect_to(AF_INET, w->p4);
        w->a4 = accept_one(w->l4);
        ::send(w->c4.get(), "ping", 4, 0);

        w->cw = connect_to(AF_INET, w->p4);
        { Fd server_side = accept_one(w->l4); }  // closed at once: our side gets the FIN
        char buf[8];
        if (::recv(w->cw.get(), buf, sizeof buf, 0) != 0) w->error = "peer close not seen";
        w->cw_port = local_port(w->cw.get());

        // TIME_WAIT: the client closes first, then the server; the client side lingers.
        {
            Fd c = connect_to(AF_INET, w->p4);
            Fd a = accept_one(w->l4);
            w->tw_port = local_port(c.get());
            c.reset();
            ::recv(a.get(), buf, sizeof buf, 0);
        }

        w->c6 = connect_to(AF_INET6, w->p6);
        w->a6 = accept_one(w->l6);
        w->u4 = bound(AF_INET, SOCK_DGRAM);
        w->u6a = bound(AF_INET6, SOCK_DGRAM);
        w->u6b = bound(AF_INET6, SOCK_DGRAM);
        const auto to = loopback(AF_INET6, local_port(w->u6a.get()));
        ::connect(w->u6b.get(), reinterpret_cast<const sockaddr*>(&to), len_of(AF_INET6));
        for (const Fd* fd : {&w->c4, &w->a4, &w->c6, &w->a6, &w->u4, &w->u6a, &w->u6b})
            if (fd->get() < 0) w->error = "cannot open the loopback sockets";
        if (w->error.empty() && !wait_until_settled(*w)) w->error = "the TIME_WAIT and CLOSE_WAIT pairs did not settle within 5 s";
        g_world = w.release();
    }
    static void TearDownTestSuite() {
        delete g_world;
        g_world = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(g_world && g_world->error.empty()) << (g_world ? g_world->error : ""); }
    const World& w() const { return *g_world; }
};

// The TIME_WAIT pair needs the server's FIN to arrive; loopback is quick, but not instantaneous.
const Socket* wait_time_wait(Snapshot& snap, const World& w) {
    CollectRequest r;
    r.states = StateMask::of(TcpState::TimeWait);
    r.sports = {{w.tw_port, w.tw_port}};
    for (int i = 0; i < 100; ++i) {
        snap = read_tables(r);
        if (const Socket* s = by_ports(snap, Protocol::Tcp, w.tw_port, w.p4)) return s;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return nullptr;
}

// The orphan of the CLOSE_WAIT pair, once it has left FIN_WAIT1 (or the last one seen, if never).
const Socket* wait_orphan_fin_wait2(Snapshot& snap, const World& w) {
    CollectRequest r;
    r.sports = {{w.p4, w.p4}};
    const Socket* last = nullptr;
    for (int i = 0; i < 100; ++i) {
        snap = read_tables(r);
        last = by_ports(snap, Protocol::Tcp, w.p4, w.cw_port);
        if (last && last->state == TcpState::FinWait2) return last;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return last;
}

TEST_F(NetlinkLive, EverySocketWithItsStatePortsUidAndInode) {
    const Snapshot snap = read_tables(all_request());
    EXPECT_EQ(snap.source, "netlink");
    const std::uint32_t uid = ::getuid();
    struct Want {
        const Fd* fd;
        Protocol proto;
        Family family;
        TcpState state;
        std::uint16_t lport, rport;
    };
    const Want wants[] = {
        {&w().l4, Protocol::Tcp, Family::Inet, TcpState::Listen, w().p4, 0},
        {&w().c4, Protocol::Tcp, Family::Inet, TcpState::Established, local_port(w().c4.get()), w().p4},
        {&w().a4, Protocol::Tcp, Family::Inet, TcpState::Established, w().p4, local_port(w().c4.get())},
        {&w().cw, Protocol::Tcp, Family::Inet, TcpState::CloseWait, w().cw_port, w().p4},
        {&w().l6, Protocol::Tcp, Family::Inet6, TcpState::Listen, w().p6, 0},
        {&w().c6, Protocol::Tcp, Family::Inet6, TcpState::Established, local_port(w().c6.get()), w().p6},
        {&w().a6, Protocol::Tcp, Family::Inet6, TcpState::Established, w().p6, local_port(w().c6.get())},
        {&w().u4, Protocol::Udp, Family::Inet, TcpState::Close, local_port(w().u4.get()), 0},
        {&w().u6a, Protocol::Udp, Family::Inet6, TcpState::Close, local_port(w().u6a.get()), 0},
        {&w().u6b, Protocol::Udp, Family::Inet6, TcpState::Established, local_port(w().u6b.get()),
         local_port(w().u6a.get())},
    };
    for (const Want& want : wants) {
        const Socket* s = by_inode(snap, want.fd->get());
        ASSERT_NE(s, nullptr) << "port " << want.lport;
        EXPECT_EQ(s->protocol, want.proto);
        EXPECT_EQ(s->family, want.family);
        EXPECT_EQ(s->state, want.state) << state_name(s->state);
        EXPECT_EQ(s->local.port, want.lport);
        EXPECT_EQ(s->remote.port, want.rport);
        EXPECT_EQ(s->uid, uid);
        EXPECT_EQ(s->local.addr.unmapped(), want.family == Family::Inet ? IpAddress::v4(127, 0, 0, 1)
                                                                         : *parse_address("::1"));
    }
    // The orphaned server side of the CLOSE_WAIT pair: no file, so no inode. It sits in FIN_WAIT1
    // until our ACK of its FIN is processed, which on a busy machine can outlast the first dump.
    Snapshot later;
    const Socket* orphan = wait_orphan_fin_wait2(later, w());
    ASSERT_NE(orphan, nullptr);
    EXPECT_EQ(orphan->state, TcpState::FinWait2);
    EXPECT_FALSE(orphan->inode);
}

TEST_F(NetlinkLive, TimeWaitHasNoInodeAndATimer) {
    Snapshot snap;
    const Socket* tw = wait_time_wait(snap, w());
    ASSERT_NE(tw, nullptr);
    EXPECT_EQ(tw->state, TcpState::TimeWait);
    EXPECT_FALSE(tw->inode);
    EXPECT_FALSE(tw->uid);
    ASSERT_TRUE(tw->timer);
    EXPECT_EQ(tw->timer->kind, TimerKind::TimeWait);
    EXPECT_GT(tw->timer->expires_ms, 0u);
    for (const Socket& s : snap.sockets) EXPECT_EQ(s.state, TcpState::TimeWait);
}

TEST_F(NetlinkLive, StatePushDownCloseWaitReturnsNoListener) {
    CollectRequest r = all_request();
    r.states = StateMask::of(TcpState::CloseWait);
    const Snapshot snap = read_tables(r);
    ASSERT_NE(by_inode(snap, w().cw.get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().l4.get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().c4.get()), nullptr);
    for (const Socket& s : snap.sockets) EXPECT_EQ(s.state, TcpState::CloseWait);
}

TEST_F(NetlinkLive, StatePushDownOfSeveralStates) {
    CollectRequest r;
    r.states = StateMask::of(TcpState::Listen);
    r.states.add(TcpState::Established);
    const Snapshot snap = read_tables(r);
    for (const Fd* fd : {&w().l4, &w().l6, &w().c4, &w().a4, &w().c6, &w().a6})
        EXPECT_NE(by_inode(snap, fd->get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().cw.get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().u4.get()), nullptr) << "UDP was not asked for";
    for (const Socket& s : snap.sockets) EXPECT_TRUE(s.state == TcpState::Listen || s.state == TcpState::Established);
}

TEST_F(NetlinkLive, LocalPortPushDownUsesHostOrderPorts) {
    CollectRequest r;
    r.sports = {{w().p4, w().p4}};
    const Snapshot snap = read_tables(r);
    EXPECT_NE(by_inode(snap, w().l4.get()), nullptr);
    EXPECT_NE(by_inode(snap, w().a4.get()), nullptr);
    EXPECT_NE(by_ports(snap, Protocol::Tcp, w().p4, w().cw_port), nullptr);  // the orphan
    EXPECT_EQ(by_inode(snap, w().c4.get()), nullptr);
    for (const Socket& s : snap.sockets) EXPECT_EQ(s.local.port, w().p4) << row(s);
}

TEST_F(NetlinkLive, RemotePortPushDown) {
    Snapshot tw_snap;
    ASSERT_NE(wait_time_wait(tw_snap, w()), nullptr);
    CollectRequest r;
    r.dports = {{w().p4, w().p4}};
    const Snapshot snap = read_tables(r);
    EXPECT_NE(by_inode(snap, w().c4.get()), nullptr);
    EXPECT_NE(by_inode(snap, w().cw.get()), nullptr);
    EXPECT_NE(by_ports(snap, Protocol::Tcp, w().tw_port, w().p4), nullptr) << "TIME_WAIT sockets are filtered too";
    EXPECT_EQ(by_inode(snap, w().l4.get()), nullptr);
    for (const Socket& s : snap.sockets) EXPECT_EQ(s.remote.port, w().p4) << row(s);
}

TEST_F(NetlinkLive, EitherSidePushDownAndConjunction) {
    CollectRequest r;
    r.any_ports = {{w().p4, w().p4}};
    Snapshot snap = read_tables(r);
    for (const Fd* fd : {&w().l4, &w().c4, &w().a4, &w().cw}) EXPECT_NE(by_inode(snap, fd->get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().l6.get()), nullptr);
    for (const Socket& s : snap.sockets) EXPECT_TRUE(s.local.port == w().p4 || s.remote.port == w().p4) << row(s);

    const std::uint16_t cport = local_port(w().c4.get());
    r.any_ports.clear();
    r.sports = {{cport, cport}, {1, 1}};
    r.dports = {{w().p4, w().p4}};
    snap = read_tables(r);
    EXPECT_NE(by_inode(snap, w().c4.get()), nullptr);
    for (const Socket& s : snap.sockets) {
        EXPECT_EQ(s.local.port, cport) << row(s);
        EXPECT_EQ(s.remote.port, w().p4) << row(s);
    }
}

TEST_F(NetlinkLive, RangesAroundAPortExcludeIt) {
    CollectRequest r;
    r.sports = {{0, static_cast<std::uint16_t>(w().p4 - 1)}, {static_cast<std::uint16_t>(w().p4 + 1), 65535}};
    const Snapshot snap = read_tables(r);
    EXPECT_EQ(by_inode(snap, w().l4.get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().a4.get()), nullptr);
    EXPECT_NE(by_inode(snap, w().c4.get()), nullptr);
    EXPECT_NE(by_inode(snap, w().l6.get()), nullptr);
}

// Expressions run in the real kernel: what the dump returns is exactly what the core filter
// keeps from a full dump (none of these needs widening), so the kernel did the filtering.
TEST_F(NetlinkLive, ExpressionPushDownReturnsOnlyMatchingSockets) {
    const std::string p4 = std::to_string(w().p4), p6 = std::to_string(w().p6), cw = std::to_string(w().cw_port);
    const std::vector<std::vector<std::string>> cases = {
        {"state", "close-wait", "( sport = :" + cw + " )"},
        {"( sport = :" + p4 + " or dport = :" + p4 + " )"},
        {"dst 127.0.0.1:" + p4},
        {"src [::1]"},
        {"src ::1/128 and not sport = :" + p6},
        {"dport != :" + p4 + " and dst 127.0.0.0/8"},
        {"sport gt :" + p4 + " or sport lt :" + p4},  // every port but p4: never empty, whatever ports came up
        {"src 0.0.0.0/0 and dport ge :1"},
    };
    // The suite's world is settled (wait_until_settled): no socket changes between the two dumps.
    const Snapshot all = read_tables(all_request());
    for (const auto& words : cases) {
        CollectRequest r = all_request();
        r.expression = parse_expression(words);
        r.states = r.expression.state_superset();
        const Snapshot got = read_tables(r);
        std::multiset<std::tuple<int, std::uint16_t, std::uint16_t, int>> want, have;
        for (const Socket& s : all.sockets)
            if (r.expression.matches(s) && r.states.has(s.state))
                want.insert({static_cast<int>(s.protocol), s.local.port, s.remote.port, static_cast<int>(s.state)});
        for (const Socket& s : got.sockets) {
            EXPECT_TRUE(r.expression.matches(s)) << words[0] << ": the kernel sent a socket that does not match";
            have.insert({static_cast<int>(s.protocol), s.local.port, s.remote.port, static_cast<int>(s.state)});
        }
        EXPECT_EQ(have, want) << words[0];
        EXPECT_FALSE(want.empty()) << words[0];
    }
}

TEST_F(NetlinkLive, UdpOnly) {
    CollectRequest r;
    r.tcp = false;
    r.udp = true;
    Snapshot snap = read_tables(r);
    for (const Socket& s : snap.sockets) EXPECT_EQ(s.protocol, Protocol::Udp);
    const Socket* u4 = by_inode(snap, w().u4.get());
    ASSERT_NE(u4, nullptr);
    EXPECT_EQ(state_name(u4->state, Protocol::Udp), "UNCONN");
    const Socket* u6b = by_inode(snap, w().u6b.get());
    ASSERT_NE(u6b, nullptr);
    EXPECT_EQ(state_name(u6b->state, Protocol::Udp), "ESTAB");

    r.states = StateMask::of(TcpState::Listen);  // "-l": UDP's unconnected sockets
    snap = read_tables(r);
    EXPECT_NE(by_inode(snap, w().u4.get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().u6b.get()), nullptr);
}

TEST_F(NetlinkLive, FamilySelection) {
    CollectRequest r;
    r.ipv4 = false;
    const Snapshot snap = read_tables(r);
    EXPECT_NE(by_inode(snap, w().l6.get()), nullptr);
    EXPECT_EQ(by_inode(snap, w().l4.get()), nullptr);
    for (const Socket& s : snap.sockets) EXPECT_EQ(s.family, Family::Inet6);
}

TEST_F(NetlinkLive, ExtendedAddsTcpInfo) {
    CollectRequest r;
    r.sports = {{w().p4, w().p4}};
    r.extended = true;
    Snapshot snap = read_tables(r);
    const Socket* a4 = by_inode(snap, w().a4.get());
    ASSERT_NE(a4, nullptr);
    ASSERT_TRUE(a4->tcp_info);
    EXPECT_TRUE(a4->tcp_info->rtt_us);
    ASSERT_TRUE(a4->tcp_info->cwnd);
    EXPECT_GT(*a4->tcp_info->cwnd, 0u);
    ASSERT_TRUE(a4->tcp_info->mss);
    EXPECT_GT(*a4->tcp_info->mss, 0u);
    EXPECT_EQ(a4->tcp_info->bytes_received, 4u);
    const Socket* l4 = by_inode(snap, w().l4.get());
    ASSERT_NE(l4, nullptr);
    EXPECT_FALSE(l4->tcp_info);

    r.extended = false;
    snap = read_tables(r);
    ASSERT_NE(by_inode(snap, w().a4.get()), nullptr);
    EXPECT_FALSE(by_inode(snap, w().a4.get())->tcp_info);
}

TEST_F(NetlinkLive, QueuesOfIdleSockets) {
    const Snapshot snap = read_tables(CollectRequest{});
    const Socket* a4 = by_inode(snap, w().a4.get());
    const Socket* c4 = by_inode(snap, w().c4.get());
    ASSERT_TRUE(a4 && c4);
    EXPECT_EQ(a4->rx_queue, 4u);  // "ping", never read
    EXPECT_EQ(a4->tx_queue, 0u);
    EXPECT_EQ(c4->rx_queue, 0u);
    EXPECT_EQ(c4->tx_queue, 0u);  // acknowledged at once on loopback
}

// TCP of both families comes from one dump; it must hold what the two per-family dumps hold:
// the same sockets with the same facts (the order is the kernel's, families interleaved).
TEST_F(NetlinkLive, BothFamiliesMatchTheTwoPerFamilyDumps) {
    auto tcp_keys = [](const Snapshot& snap) {
        std::vector<std::tuple<Family, Endpoint, Endpoint, TcpState>> out;
        for (const Socket& s : snap.sockets)
            if (s.protocol == Protocol::Tcp && s.state != TcpState::TimeWait)
                out.emplace_back(s.family, s.local, s.remote, s.state);
        std::sort(out.begin(), out.end());
        return out;
    };
    // Only this suite's ports: other tests running in parallel open and close sockets between the
    // three dumps. Ours are stable but for the orphan's FIN_WAIT1 -> FIN_WAIT2 step, hence the retries.
    CollectRequest both;
    both.any_ports = {{w().p4, w().p4}, {w().p6, w().p6}};
    CollectRequest v4 = both, v6 = both;
    v4.ipv6 = false;
    v6.ipv4 = false;
    std::vector<std::tuple<Family, Endpoint, Endpoint, TcpState>> one, two;
    for (int i = 0; i < 50; ++i) {
        one = tcp_keys(read_tables(both));
        two = tcp_keys(read_tables(v4));
        const auto six = tcp_keys(read_tables(v6));
        two.insert(two.end(), six.begin(), six.end());
        std::sort(two.begin(), two.end());
        if (one == two) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(one, two);
    EXPECT_GE(one.size(), 7u) << "both listeners, both established pairs, the CLOSE_WAIT pair";
    ASSERT_NE(by_inode(read_tables(both), w().l6.get()), nullptr);
}

TEST_F(NetlinkLive, NothingAskedNothingRead) {
    CollectRequest r;
    r.states = StateMask::of(TcpState::DeleteTcb);  // no Linux socket can be in it
    EXPECT_TRUE(read_tables(r).sockets.empty());
}

// Same sockets, same facts, whichever source read them.
TEST_F(NetlinkLive, AgreesWithProcfs) {
    Snapshot tw_snap;
    ASSERT_NE(wait_time_wait(tw_snap, w()), nullptr);
    const std::set<std::uint16_t> ours = {w().p4, w().p6, local_port(w().u4.get()), local_port(w().u6a.get()),
                                          local_port(w().u6b.get())};
    using Key = std::tuple<Protocol, Family, Endpoint, Endpoint, TcpState, std::optional<std::uint64_t>,
                           std::optional<std::uint32_t>>;
    auto keys = [&](const Snapshot& snap) {
        std::set<Key> out;
        for (const Socket& s : snap.sockets)
            if (ours.count(s.local.port) || ours.count(s.remote.port))
                out.emplace(s.protocol, s.family, s.local, s.remote, s.state, s.inode, s.uid);
        return out;
    };
    const CollectRequest r = all_request();
    // Sockets come and go between two reads only when something else runs; ours are stable,
    // but retry once in case a TIME_WAIT of ours expired in between.
    std::set<Key> nl, pf;
    for (int i = 0; i < 3; ++i) {
        nl = keys(read_tables(r));
        pf = keys(procfs::read_tables(r, "/proc"));
        if (nl == pf) break;
    }
    EXPECT_GE(nl.size(), 12u);
    EXPECT_EQ(nl, pf);

    const Snapshot n = read_tables(r);
    const Snapshot p = procfs::read_tables(r, "/proc");
    for (const Fd* fd : {&w().a4, &w().c4, &w().c6, &w().a6, &w().cw}) {
        const Socket* x = by_inode(n, fd->get());
        const Socket* y = by_inode(p, fd->get());
        ASSERT_TRUE(x && y);
        EXPECT_EQ(x->rx_queue, y->rx_queue);
        EXPECT_EQ(x->tx_queue, y->tx_queue);
    }
}

}  // namespace
}  // namespace tcpstat::netlink
