// Tests doctor's pure diagnosis on hand-built snapshots: each finding's trigger, threshold edge,
// named owner/port/peer, evidence, ordering, host-wide-only findings, and the threshold flags.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tcpstat/doctor.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/growth.hpp"

using namespace tcpstat;

namespace {

Endpoint ep(const char* addr, std::uint16_t port) { return {parse_address(addr).value(), port}; }

Socket sock(TcpState st, Endpoint local, Endpoint remote, std::vector<Owner> owners = {}) {
    Socket s;
    s.state = st;
    s.local = local;
    s.remote = remote;
    s.family = local.addr.family;
    s.owners = std::move(owners);
    if (!s.owners.empty()) s.inode = 1000 + s.local.port;
    return s;
}

// A server (pid 4321 "oracle") with n CLOSE_WAIT connections accepted on :6800.
void add_close_wait(Snapshot& snap, int n, Pid pid = 4321, std::uint16_t port = 6800, std::uint32_t idle_ms = 0) {
    snap.processes[pid] = Process{"oracle", {}, {}, {}};
    for (int i = 0; i < n; ++i) {
        Socket s = sock(TcpState::CloseWait, ep("10.0.0.5", port), ep("10.0.0.9", static_cast<std::uint16_t>(40000 + i)),
                        {{pid, 10 + i}});
        if (idle_ms) {
            s.tcp_info = TcpInfo{};
            s.tcp_info->last_send_ms = idle_ms + static_cast<std::uint32_t>(i);
            s.tcp_info->last_recv_ms = idle_ms + static_cast<std::uint32_t>(i);
        }
        snap.sockets.push_back(s);
    }
}

KernelFacts linux_defaults() {
    KernelFacts f;
    f.ephemeral_low = 32768;
    f.ephemeral_high = 60999;
    f.fin_timeout_s = 60;
    f.max_orphans = 1000;
    f.syncookies = 1;
    f.max_tw_buckets = 10000;
    f.max_syn_backlog = 512;
    f.somaxconn = 4096;
    f.listen_overflows = 0;
    f.listen_drops = 0;
    return f;
}

const Finding* find(const std::vector<Finding>& fs, FindingKind k) {
    for (const Finding& f : fs)
        if (f.kind == k) return &f;
    return nullptr;
}

bool has_evidence(const Finding& f, const std::string& needle) {
    for (const auto& e : f.evidence)
        if (e.find(needle) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(Doctor, EmptySnapshotIsHealthy) {
    EXPECT_TRUE(diagnose(Snapshot{}, linux_defaults(), DoctorSettings{}).empty());
    EXPECT_TRUE(diagnose(Snapshot{}, KernelFacts{}, DoctorSettings{}).empty());
}

TEST(Doctor, CloseWaitLeakNamesPidProcessPortCountAndIdle) {
    Snapshot snap;
    add_close_wait(snap, 230, 4321, 6800, 3 * 3600 * 1000 + 5);
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    const Finding& f = fs[0];
    EXPECT_EQ(f.kind, FindingKind::CloseWaitLeak);
    EXPECT_EQ(f.severity, Severity::Critical);  // 230 >= 10 x 10
    EXPECT_EQ(f.pid, 4321);
    EXPECT_EQ(f.process, "oracle");
    EXPECT_EQ(f.port, 6800);
    EXPECT_EQ(f.count, 230u);
    EXPECT_EQ(f.message, "pid 4321 (oracle) holds 230 CLOSE_WAIT sockets on :6800, idle up to 3 h");
    EXPECT_NE(f.advice.find("close()"), std::string::npos);
    EXPECT_TRUE(has_evidence(f, "from 1 peer address"));
}

TEST(Doctor, CloseWaitThresholdIsInclusive) {
    DoctorSettings set;
    set.close_wait = 15;
    Snapshot snap;
    add_close_wait(snap, 14);
    EXPECT_EQ(find(diagnose(snap, linux_defaults(), set), FindingKind::CloseWaitLeak), nullptr);
    add_close_wait(snap, 1, 4321, 6800);
    auto fs = diagnose(snap, linux_defaults(), set);
    ASSERT_NE(find(fs, FindingKind::CloseWaitLeak), nullptr);
    EXPECT_EQ(find(fs, FindingKind::CloseWaitLeak)->severity, Severity::Warning);
    EXPECT_TRUE(has_evidence(*find(fs, FindingKind::CloseWaitLeak), "idle time unknown"))
        << "without tcp_info the evidence says the idle time is unknown";
}

TEST(Doctor, CloseWaitClientSideIsNamedByPeer) {
    // A pool holding dead connections to one database: every local port differs.
    Snapshot snap;
    snap.processes[77] = Process{"app", {}, {}, {}};
    for (int i = 0; i < 12; ++i)
        snap.sockets.push_back(sock(TcpState::CloseWait, ep("10.0.0.5", static_cast<std::uint16_t>(50000 + i)),
                                    ep("10.0.0.20", 5432), {{77, 3 + i}}));
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].peer, "10.0.0.20:5432");
    EXPECT_EQ(fs[0].port, 5432);
    EXPECT_EQ(fs[0].count, 12u);
    EXPECT_EQ(fs[0].message, "pid 77 (app) holds 12 CLOSE_WAIT sockets to 10.0.0.20:5432");
    EXPECT_TRUE(has_evidence(fs[0], "12 connections to 1 peer address;")) << "this side connected: to, not from";
}

TEST(Doctor, CloseWaitSharedByPreforkedWorkersIsOneLeakNamingEveryHolder) {
    // A pre-fork server: 16 workers inherited the same 10 sockets.
    Snapshot snap;
    std::vector<Owner> workers;
    for (Pid p = 1; p <= 16; ++p) {
        snap.processes[p] = Process{"srv", {}, {}, {}};
        workers.push_back({p, 5});
    }
    for (int i = 0; i < 10; ++i)
        snap.sockets.push_back(sock(TcpState::CloseWait, ep("127.0.0.1", 80),
                                    ep("127.0.0.1", static_cast<std::uint16_t>(40000 + i)), workers));
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].count, 10u);
    EXPECT_EQ(fs[0].pid, 1);
    EXPECT_EQ(fs[0].pids.size(), 16u);
    EXPECT_EQ(fs[0].pids.back(), 16);
    EXPECT_EQ(fs[0].message, "16 srv processes (pids 1, 2, 3, 4 and 12 more) hold 10 CLOSE_WAIT sockets on :80");
    EXPECT_TRUE(has_evidence(fs[0], "shared by 16 processes (inherited across fork: every holder must close): "
                                    "pid 1 (srv), pid 2 (srv),"));
    EXPECT_TRUE(has_evidence(fs[0], "pid 16 (srv)"));
}

TEST(Doctor, CloseWaitHoldersJoinedBySharedSocketsCountEachSocketOnce) {
    // pid 1 leaked 6 sockets of its own and 6 more it shares with pid 2: one leak of 12.
    Snapshot snap;
    snap.processes[1] = Process{"srv", {}, {}, {}};
    snap.processes[2] = Process{"worker", {}, {}, {}};
    for (int i = 0; i < 12; ++i) {
        std::vector<Owner> owners{{1, 5 + i}};
        if (i % 2) owners.push_back({2, 5 + i});
        snap.sockets.push_back(sock(TcpState::CloseWait, ep("127.0.0.1", 80),
                                    ep("127.0.0.1", static_cast<std::uint16_t>(40000 + i)), owners));
    }
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].count, 12u);
    EXPECT_EQ(fs[0].pids, (std::vector<Pid>{1, 2}));
    EXPECT_EQ(fs[0].message, "2 processes (pids 1 (srv), 2 (worker)) hold 12 CLOSE_WAIT sockets on :80");
    EXPECT_TRUE(has_evidence(fs[0], "pid 1 (srv), pid 2 (worker) for 6 of them"));
}

TEST(Doctor, CloseWaitRecvQOfOneIsThePeersFinNotData) {
    // Recv-Q counts the FIN's sequence number until the program reads end of file.
    Snapshot snap;
    add_close_wait(snap, 12);
    for (std::size_t i = 0; i < snap.sockets.size(); ++i)
        snap.sockets[i].rx_queue = i < 7 ? 1u : i < 10 ? 0u : static_cast<std::uint32_t>(6 + i);
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_TRUE(has_evidence(fs[0], "Recv-Q 1 on 7: only the peer's FIN is queued, the program never even read to "
                                    "end of file (it never noticed the close)"));
    EXPECT_TRUE(has_evidence(fs[0], "Recv-Q above 1 on 2: unread data too, Recv-Q - 1 bytes before the FIN (up to 16 bytes)"));
    EXPECT_TRUE(has_evidence(fs[0], "Recv-Q 0 on 3: the program read to end of file and still did not close"));
    EXPECT_FALSE(has_evidence(fs[0], "data was never read"));
}

TEST(Doctor, UnownedCloseWaitSaysTheOwnerIsHidden) {
    Snapshot snap;
    for (int i = 0; i < 10; ++i)
        snap.sockets.push_back(sock(TcpState::CloseWait, ep("127.0.0.1", 80), ep("127.0.0.1", static_cast<std::uint16_t>(40000 + i))));
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_FALSE(fs[0].pid);
    EXPECT_TRUE(has_evidence(fs[0], "run as root"));
}

TEST(Doctor, AcceptQueueFullIsCriticalAndFirst) {
    Snapshot snap;
    add_close_wait(snap, 20);
    snap.processes[99] = Process{"web", {}, {}, {}};
    Socket l = sock(TcpState::Listen, ep("0.0.0.0", 8080), ep("0.0.0.0", 0), {{99, 3}});
    l.rx_queue = 129;
    l.tx_queue = 128;
    snap.sockets.push_back(l);
    Socket ok = sock(TcpState::Listen, ep("0.0.0.0", 8081), ep("0.0.0.0", 0), {{99, 4}});
    ok.rx_queue = 3;
    ok.tx_queue = 128;
    snap.sockets.push_back(ok);
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].kind, FindingKind::AcceptQueueFull);
    EXPECT_EQ(fs[0].severity, Severity::Critical);
    EXPECT_EQ(fs[0].port, 8080);
    EXPECT_EQ(fs[0].pid, 99);
    EXPECT_EQ(fs[0].count, 129u);
    EXPECT_TRUE(has_evidence(fs[0], "somaxconn = 4096"));
    EXPECT_EQ(fs[1].kind, FindingKind::CloseWaitLeak);
}

TEST(Doctor, ListenerWithoutKnownBacklogIsNotJudged) {
    // /proc prints Send-Q 0 for a listener: its backlog is unknown there.
    Snapshot snap;
    Socket l = sock(TcpState::Listen, ep("0.0.0.0", 8080), ep("0.0.0.0", 0));
    l.rx_queue = 5;
    l.tx_queue = 0;
    snap.sockets.push_back(l);
    EXPECT_TRUE(diagnose(snap, linux_defaults(), DoctorSettings{}).empty());
}

TEST(Doctor, SynRecvPileUpNamesTheListenerAndTheShape) {
    Snapshot snap;
    snap.processes[5] = Process{"nginx", {}, {}, {}};
    snap.sockets.push_back(sock(TcpState::Listen, ep("0.0.0.0", 443), ep("0.0.0.0", 0), {{5, 3}}));
    for (int i = 0; i < 120; ++i)
        snap.sockets.push_back(sock(TcpState::SynRecv, ep("10.0.0.1", 443),
                                    ep(("192.0.2." + std::to_string(i % 200)).c_str(), 1000)));
    auto facts = linux_defaults();
    facts.syncookies = 0;
    auto fs = diagnose(snap, facts, DoctorSettings{});
    const Finding* f = find(fs, FindingKind::SynRecvPileUp);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->count, 120u);
    EXPECT_EQ(f->port, 443);
    EXPECT_EQ(f->pid, 5);
    EXPECT_TRUE(has_evidence(*f, "SYN flood"));
    EXPECT_TRUE(has_evidence(*f, "tcp_syncookies = 0"));
    // syncookies=0 is also its own note on a whole-host run.
    ASSERT_NE(find(fs, FindingKind::SyncookiesOff), nullptr);
    EXPECT_EQ(find(fs, FindingKind::SyncookiesOff)->severity, Severity::Info);
}

TEST(Doctor, TimeWaitPressurePerDestinationAgainstEphemeralRange) {
    Snapshot snap;
    auto facts = linux_defaults();
    facts.ephemeral_low = 60000;
    facts.ephemeral_high = 60999;  // 1000 ports
    for (int i = 0; i < 600; ++i)
        snap.sockets.push_back(sock(TcpState::TimeWait, ep("10.0.0.5", static_cast<std::uint16_t>(60000 + i)),
                                    ep("10.0.0.7", 5432)));
    // Server-side TIME_WAIT on a fixed port uses no ephemeral port.
    for (int i = 0; i < 600; ++i)
        snap.sockets.push_back(sock(TcpState::TimeWait, ep("10.0.0.5", 80),
                                    ep("10.0.0.8", static_cast<std::uint16_t>(1000 + i))));
    auto fs = diagnose(snap, facts, DoctorSettings{});
    const Finding* f = find(fs, FindingKind::TimeWaitPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->count, 600u);
    EXPECT_EQ(f->peer, "10.0.0.7:5432");
    EXPECT_EQ(f->port, 5432);
    EXPECT_EQ(f->severity, Severity::Warning);
    EXPECT_EQ(f->message, "600 TIME_WAIT sockets from 10.0.0.5 to 10.0.0.7:5432 pin 60 % of the 1000 ephemeral ports");
    int pressure = 0;
    for (const auto& x : fs) pressure += x.kind == FindingKind::TimeWaitPressure;
    EXPECT_EQ(pressure, 1);
    // 1200 of 10000 buckets is under 50 %; at 10 % it shows.
    EXPECT_EQ(find(fs, FindingKind::TimeWaitBuckets), nullptr);
    DoctorSettings low;
    low.time_wait_percent = 10;
    auto low_fs = diagnose(snap, facts, low);
    const Finding* b = find(low_fs, FindingKind::TimeWaitBuckets);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->count, 1200u);
}

TEST(Doctor, TimeWaitNearlyExhaustedIsCritical) {
    Snapshot snap;
    auto facts = linux_defaults();
    facts.ephemeral_low = 61000;
    facts.ephemeral_high = 61099;
    for (int i = 0; i < 95; ++i)
        snap.sockets.push_back(sock(TcpState::TimeWait, ep("10.0.0.5", static_cast<std::uint16_t>(61000 + i)),
                                    ep("10.0.0.7", 443)));
    auto fs = diagnose(snap, facts, DoctorSettings{});
    ASSERT_FALSE(fs.empty());
    EXPECT_EQ(fs[0].severity, Severity::Critical);
}

TEST(Doctor, TimeWaitWithoutKernelFactsIsNotJudged) {
    Snapshot snap;
    for (int i = 0; i < 900; ++i)
        snap.sockets.push_back(sock(TcpState::TimeWait, ep("10.0.0.5", static_cast<std::uint16_t>(40000 + i)),
                                    ep("10.0.0.7", 443)));
    EXPECT_TRUE(diagnose(snap, KernelFacts{}, DoctorSettings{}).empty());
}

TEST(Doctor, FinWait2PileUpPointsAtThePeerInCloseWait) {
    // The leaky-server picture on one host: clients orphaned in FIN_WAIT2, the server in CLOSE_WAIT.
    Snapshot snap;
    snap.processes[300] = Process{"leaky", {}, {}, {}};
    for (int i = 0; i < 15; ++i) {
        auto cport = static_cast<std::uint16_t>(45000 + i);
        snap.sockets.push_back(sock(TcpState::FinWait2, ep("127.0.0.1", cport), ep("127.0.0.1", 9000)));
        snap.sockets.push_back(sock(TcpState::CloseWait, ep("127.0.0.1", 9000), ep("127.0.0.1", cport), {{300, 4 + i}}));
    }
    DoctorSettings set;
    set.fin_wait2 = 15;
    auto fs = diagnose(snap, linux_defaults(), set);
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].kind, FindingKind::CloseWaitLeak);
    EXPECT_EQ(fs[1].kind, FindingKind::FinWait2PileUp);
    EXPECT_EQ(fs[1].peer, "127.0.0.1:9000");
    EXPECT_EQ(fs[1].count, 15u);
    EXPECT_FALSE(fs[1].pid) << "orphans have no process";
    EXPECT_TRUE(has_evidence(fs[1], "15 orphaned"));
    EXPECT_TRUE(has_evidence(fs[1], "tcp_fin_timeout = 60 s"));
    EXPECT_TRUE(has_evidence(fs[1], "holds 15 of them in CLOSE_WAIT: pid 300 (leaky)"));
    set.fin_wait2 = 16;
    EXPECT_EQ(find(diagnose(snap, linux_defaults(), set), FindingKind::FinWait2PileUp), nullptr);
}

TEST(Doctor, FinWait2NamesOnlyTheSocketsTheProcessHoldsAndOrphansApart) {
    Snapshot snap;
    snap.processes[10] = Process{"app", {}, {}, {}};
    for (int i = 0; i < 120; ++i) {
        Socket s = sock(TcpState::FinWait2, ep("10.0.0.5", static_cast<std::uint16_t>(40000 + i)), ep("10.0.0.9", 80),
                        i < 60 ? std::vector<Owner>{{10, 3 + i}} : std::vector<Owner>{});
        snap.sockets.push_back(s);
    }
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    const Finding* f = find(fs, FindingKind::FinWait2PileUp);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->count, 120u);
    EXPECT_EQ(f->pid, 10);
    EXPECT_EQ(f->message,
              "120 FIN_WAIT2 sockets to 10.0.0.9:80 wait for the peer to close its side: pid 10 (app) holds 60, "
              "60 are orphaned");
    EXPECT_TRUE(has_evidence(*f, "60 orphaned (their process closed them)"));
    EXPECT_TRUE(has_evidence(*f, "60 held by pid 10 (app) (half-closed with shutdown())"));
}

// Two namespaces seen in one --all-netns snapshot: each judged alone, against its own facts.
Socket in_netns(Socket s, std::uint64_t ns) {
    s.netns = ns;
    return s;
}

TEST(Doctor, EachNamespaceIsJudgedAgainstItsOwnKernelFacts) {
    constexpr std::uint64_t kSmall = 4026532001, kHost = 4026531840;
    Snapshot snap;
    snap.netns_names[kSmall] = "small";
    auto small = linux_defaults();
    small.ephemeral_low = 40000;
    small.ephemeral_high = 40999;
    small.max_tw_buckets = 1200;
    snap.netns_facts[kSmall] = small;
    snap.netns_facts[kHost] = linux_defaults();  // 28232 ports, 10000 buckets
    for (int i = 0; i < 700; ++i) {
        const auto port = static_cast<std::uint16_t>(40000 + i);
        snap.sockets.push_back(in_netns(sock(TcpState::TimeWait, ep("127.0.0.1", port), ep("127.0.0.1", 8080)), kSmall));
        snap.sockets.push_back(in_netns(sock(TcpState::TimeWait, ep("127.0.0.1", port), ep("127.0.0.1", 8080)), kHost));
    }
    auto fs = diagnose_each_netns(snap, DoctorSettings{});
    ASSERT_EQ(fs.size(), 2u);
    for (const Finding& f : fs) {
        EXPECT_EQ(f.netns, kSmall);
        EXPECT_EQ(f.count, 700u) << f.message;
    }
    ASSERT_NE(find(fs, FindingKind::TimeWaitPressure), nullptr);
    EXPECT_NE(find(fs, FindingKind::TimeWaitPressure)->message.find("pin 70 % of the 1000 ephemeral ports"),
              std::string::npos);
    ASSERT_NE(find(fs, FindingKind::TimeWaitBuckets), nullptr);
    EXPECT_NE(find(fs, FindingKind::TimeWaitBuckets)->message.find("tcp_max_tw_buckets (1200)"), std::string::npos);
    // A namespace whose facts are unknown is not judged against anyone else's.
    snap.netns_facts.erase(kSmall);
    EXPECT_TRUE(diagnose_each_netns(snap, DoctorSettings{}).empty());
}

TEST(Doctor, NamespacesNeverShareSocketsListenersOrAddresses) {
    constexpr std::uint64_t kA = 4026532001, kB = 4026532002, kC = 4026532003;
    Snapshot snap;
    for (auto ns : {kA, kB, kC}) snap.netns_facts[ns] = linux_defaults();
    snap.netns_facts[kB].syncookies = 0;
    snap.processes[18888] = Process{"web", {}, {}, {}};
    snap.sockets.push_back(in_netns(sock(TcpState::Listen, ep("0.0.0.0", 8443), ep("0.0.0.0", 0), {{18888, 3}}), kC));
    for (int i = 0; i < 100; ++i)
        snap.sockets.push_back(in_netns(sock(TcpState::SynRecv, ep("127.0.0.1", 8443),
                                             ep("127.0.0.1", static_cast<std::uint16_t>(50000 + i))),
                                        i < 60 ? kA : kB));
    // 60 + 40 would pass --syn-recv 100 together: apart, neither does.
    auto fs = diagnose_each_netns(snap, DoctorSettings{});
    EXPECT_EQ(find(fs, FindingKind::SynRecvPileUp), nullptr);
    ASSERT_EQ(fs.size(), 1u) << "only namespace B's own syncookies=0 note";
    EXPECT_EQ(fs[0].kind, FindingKind::SyncookiesOff);
    EXPECT_EQ(fs[0].netns, kB);
    DoctorSettings low;
    low.syn_recv = 40;
    fs = diagnose_each_netns(snap, low);
    std::map<std::uint64_t, const Finding*> syn;
    for (const Finding& f : fs)
        if (f.kind == FindingKind::SynRecvPileUp) syn[f.netns.value()] = &f;
    ASSERT_EQ(syn.size(), 2u);
    EXPECT_EQ(syn[kA]->count, 60u);
    EXPECT_EQ(syn[kB]->count, 40u);
    for (const auto& [ns, f] : syn) {
        EXPECT_FALSE(f->pid) << "the listener on :8443 is in another namespace";
        EXPECT_TRUE(has_evidence(*f, "from 1 source address"));
        EXPECT_TRUE(has_evidence(*f, ns == kB ? "tcp_syncookies = 0" : "tcp_syncookies = 1"));
    }
}

TEST(Doctor, OrphansAgainstMaxOrphans) {
    Snapshot snap;
    for (int i = 0; i < 600; ++i)
        snap.sockets.push_back(sock(i % 2 ? TcpState::FinWait1 : TcpState::LastAck, ep("10.0.0.5", 80),
                                    ep("10.0.0.9", static_cast<std::uint16_t>(1000 + i))));
    auto facts = linux_defaults();  // max_orphans 1000
    auto fs = diagnose(snap, facts, DoctorSettings{});
    const Finding* f = find(fs, FindingKind::OrphanPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->count, 600u);
    EXPECT_EQ(f->severity, Severity::Warning);
    // On a whole-host run the kernel's own count wins.
    facts.orphans = 1200;
    auto whole = diagnose(snap, facts, DoctorSettings{});
    f = find(whole, FindingKind::OrphanPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->count, 1200u);
    EXPECT_EQ(f->severity, Severity::Critical);
    // A filtered run counts only what it sees.
    DoctorSettings narrowed;
    narrowed.whole_host = false;
    auto part = diagnose(snap, facts, narrowed);
    f = find(part, FindingKind::OrphanPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->count, 600u);
}

TEST(Doctor, HostCountersOnlyOnWholeHostRunsAndOnlyAsNotes) {
    auto facts = linux_defaults();
    facts.listen_overflows = 42;
    facts.listen_drops = 57;
    auto fs = diagnose(Snapshot{}, facts, DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].kind, FindingKind::ListenCounters);
    EXPECT_EQ(fs[0].severity, Severity::Info);
    EXPECT_NE(fs[0].message.find("42"), std::string::npos);
    EXPECT_NE(fs[0].message.find("57"), std::string::npos);
    EXPECT_TRUE(has_evidence(fs[0], "cumulative since boot"));
    DoctorSettings narrowed;
    narrowed.whole_host = false;
    EXPECT_TRUE(diagnose(Snapshot{}, facts, narrowed).empty());
}

TEST(Doctor, UdpSocketsAreIgnored) {
    Snapshot snap;
    add_close_wait(snap, 20);
    for (Socket& s : snap.sockets) s.protocol = Protocol::Udp;
    EXPECT_TRUE(diagnose(snap, linux_defaults(), DoctorSettings{}).empty());
}

TEST(Doctor, OrderIsSeverityThenKindThenCount) {
    Snapshot snap;
    add_close_wait(snap, 12, 1, 7000);
    add_close_wait(snap, 30, 2, 7001);
    add_close_wait(snap, 150, 3, 7002);
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 3u);
    EXPECT_EQ(fs[0].count, 150u);
    EXPECT_EQ(fs[0].severity, Severity::Critical);
    EXPECT_EQ(fs[1].count, 30u);
    EXPECT_EQ(fs[2].count, 12u);
}

TEST(Doctor, DurationsUseTheCoarsestUnit) {
    EXPECT_EQ(format_duration_ms(800), "800 ms");
    EXPECT_EQ(format_duration_ms(45'999), "45 s");
    EXPECT_EQ(format_duration_ms(12 * 60'000 + 5), "12 min");
    EXPECT_EQ(format_duration_ms(3 * 3'600'000 + 59 * 60'000), "3 h");
    EXPECT_EQ(format_duration_ms(2 * 86'400'000ull), "2 d");
}

TEST(Doctor, ThresholdFlagsValidate) {
    EXPECT_EQ(parse_doctor_count("--close-wait", "25"), 25u);
    for (const char* bad : {"", "0", "-3", "1.5", "ten", "99999999999999999999999"})
        EXPECT_THROW(parse_doctor_count("--close-wait", bad), UsageError) << bad;
    EXPECT_DOUBLE_EQ(parse_doctor_percent("--time-wait-percent", "0.5"), 0.5);
    EXPECT_DOUBLE_EQ(parse_doctor_percent("--time-wait-percent", "50%"), 50);
    EXPECT_DOUBLE_EQ(parse_doctor_percent("--time-wait-percent", "100"), 100);
    for (const char* bad : {"", "0", "100.1", "-1", "nan", "inf", "5x", "%"})
        EXPECT_THROW(parse_doctor_percent("--time-wait-percent", bad), UsageError) << bad;
    try {
        parse_doctor_percent("--orphan-percent", "abc");
        FAIL();
    } catch (const UsageError& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("--orphan-percent"), std::string::npos);
        EXPECT_NE(m.find("'abc'"), std::string::npos);
    }
}

TEST(Doctor, KindAndSeverityNames) {
    EXPECT_EQ(finding_kind_name(FindingKind::CloseWaitLeak), "close_wait_leak");
    EXPECT_EQ(finding_kind_name(FindingKind::AcceptQueueFull), "accept_queue_full");
    EXPECT_EQ(severity_name(Severity::Critical), "critical");
    EXPECT_EQ(severity_name(Severity::Info), "info");
}

// doctor --for: the first-seen times of a tracker (socket inodes as keys here) become each
// culprit's growth; sockets seen at the first sample were there before the watch.
TEST(DoctorGrowth, LeakGrowthPerCulpritFromFirstSeenTimes) {
    GrowthTracker tracker;
    Snapshot before;
    add_close_wait(before, 20, 4321, 6800);
    tracker.observe(before, 0);
    Snapshot after;
    add_close_wait(after, 60, 4321, 6800);  // 40 more in 60 s
    add_close_wait(after, 12, 77, 7000);    // another culprit, all new
    for (std::size_t i = 0; i < after.sockets.size(); ++i) after.sockets[i].inode = 5000 + i;
    for (std::size_t i = 0; i < 20; ++i) after.sockets[i].inode = before.sockets[i].inode;
    const auto first_seen = tracker.observe(after, 60'000);
    auto fs = diagnose(after, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 2u);
    add_growth(fs, first_seen, 0, 60'000);
    const Finding* oracle = nullptr;
    for (const Finding& f : fs)
        if (f.pid == 4321) oracle = &f;
    ASSERT_NE(oracle, nullptr);
    ASSERT_TRUE(oracle->growth);
    EXPECT_EQ(oracle->growth->new_sockets, 40u);
    EXPECT_EQ(oracle->growth->per_minute, 40);
    EXPECT_EQ(oracle->growth->oldest_s, 60);
    EXPECT_TRUE(oracle->growth->oldest_before);
    EXPECT_NE(oracle->message.find("growing +40/min, oldest over 1m00s"), std::string::npos) << oracle->message;
    EXPECT_TRUE(has_evidence(*oracle, "40 of the 60 sockets appeared meanwhile"));
    const Finding& other = oracle == &fs[0] ? fs[1] : fs[0];
    ASSERT_TRUE(other.growth);
    EXPECT_EQ(other.growth->new_sockets, 12u);
    EXPECT_FALSE(other.growth->oldest_before);
    EXPECT_EQ(other.growth->oldest_s, 0);
}

TEST(DoctorGrowth, CountersHaveNoGrowthAndAFlatPileSaysSo) {
    Snapshot snap;
    add_close_wait(snap, 15);
    GrowthTracker tracker;
    tracker.observe(snap, 0);
    const auto first_seen = tracker.observe(snap, 30'000);
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 1u);
    add_growth(fs, first_seen, 0, 30'000);
    ASSERT_TRUE(fs[0].growth);
    EXPECT_EQ(fs[0].growth->per_minute, 0);
    EXPECT_NE(fs[0].message.find("not growing, oldest over 30s"), std::string::npos) << fs[0].message;
}

TEST(DoctorGrowth, ForTakesSecondsOrAUnit) {
    EXPECT_EQ(parse_doctor_duration("--for", "30"), 30);
    EXPECT_EQ(parse_doctor_duration("--for", "30s"), 30);
    EXPECT_EQ(parse_doctor_duration("--for", "5m"), 300);
    EXPECT_EQ(parse_doctor_duration("--for", "1.5h"), 5400);
    for (const char* bad : {"", "s", "0", "0.5s", "25h", "3d", "-5", "5 m", "nan"})
        EXPECT_THROW(parse_doctor_duration("--for", bad), UsageError) << bad;
}
