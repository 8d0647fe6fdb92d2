// Tests doctor's pure diagnosis on hand-built snapshots: each finding's trigger, threshold edge,
// named owner/port/peer, evidence, ordering, host-wide-only findings, and the threshold flags.
#include <gtest/gtest.h>

#include <string>

#include "tcpstat/doctor.hpp"
#include "tcpstat/error.hpp"

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
}

TEST(Doctor, CloseWaitSharedByPreforkedWorkersCountsForEach) {
    Snapshot snap;
    snap.processes[1] = Process{"srv", {}, {}, {}};
    snap.processes[2] = Process{"srv", {}, {}, {}};
    for (int i = 0; i < 10; ++i)
        snap.sockets.push_back(sock(TcpState::CloseWait, ep("127.0.0.1", 80),
                                    ep("127.0.0.1", static_cast<std::uint16_t>(40000 + i)), {{1, 5}, {2, 5}}));
    auto fs = diagnose(snap, linux_defaults(), DoctorSettings{});
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].pid, 1);
    EXPECT_EQ(fs[1].pid, 2);
    EXPECT_TRUE(has_evidence(fs[0], "also held by pid 2 (srv)"));
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
