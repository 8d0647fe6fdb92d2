// Tests doctor's per-platform words on hand-built snapshots: Windows' TIME_WAIT against the dynamic port range and TcpTimedWaitDelay, socket ages as each platform means them, and serve's Windows range.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tcpstat/doctor.hpp"
#include "tcpstat/exporter.hpp"
#include "tcpstat/grouping.hpp"

using namespace tcpstat;

namespace {

Endpoint ep(const char* addr, std::uint16_t port) { return {parse_address(addr).value(), port}; }

Socket sock(TcpState st, Endpoint local, Endpoint remote, std::optional<std::uint64_t> age_ms = std::nullopt) {
    Socket s;
    s.state = st;
    s.local = local;
    s.remote = remote;
    s.age_ms = age_ms;
    return s;
}

// What the Windows backend reports on a default host, with TcpTimedWaitDelay set to 45 s.
KernelFacts windows_facts() {
    KernelFacts f;
    f.ephemeral_low = 49152;
    f.ephemeral_high = 65535;
    f.ephemeral_is_default = true;
    f.time_wait_s = 45;
    return f;
}

// A Linux host whose ephemeral range is as wide as Windows' dynamic one.
KernelFacts linux_facts() {
    KernelFacts f;
    f.ephemeral_low = 49152;
    f.ephemeral_high = 65535;
    return f;
}

// An empty snapshot as `platform`'s backend reads it.
Snapshot read_on(Platform platform) {
    Snapshot snap;
    snap.platform = platform;
    snap.source = platform == Platform::Windows ? "iphlpapi" : "netlink";
    return snap;
}

// n client-side TIME_WAIT entries to one destination, from ports in the dynamic range.
Snapshot time_wait_burst(Platform platform, int n, std::optional<std::uint64_t> age_ms = std::nullopt) {
    Snapshot snap = read_on(platform);
    for (int i = 0; i < n; ++i)
        snap.sockets.push_back(sock(TcpState::TimeWait, ep("10.0.0.5", static_cast<std::uint16_t>(49152 + i)),
                                    ep("10.0.0.7", 443), age_ms));
    return snap;
}

// `name` (pid `pid`) holding one CLOSE_WAIT socket on :6800 for each of `ages` (nullopt: no
// age known), as `platform` reads them: with fds, except on Windows, which gives none.
Snapshot close_wait_holder(Platform platform, Pid pid, const char* name,
                           const std::vector<std::optional<std::uint64_t>>& ages) {
    Snapshot snap = read_on(platform);
    snap.processes[pid].name = name;
    for (std::size_t i = 0; i < ages.size(); ++i) {
        Socket s = sock(TcpState::CloseWait, ep("10.0.0.5", 6800), ep("10.0.0.9", static_cast<std::uint16_t>(40000 + i)),
                        ages[i]);
        const std::optional<std::int32_t> fd = 10 + static_cast<int>(i);
        s.owners = {{pid, platform == Platform::Windows ? std::nullopt : fd}};
        snap.sockets.push_back(s);
    }
    return snap;
}

const Finding* find(const std::vector<Finding>& fs, FindingKind k) {
    for (const Finding& f : fs)
        if (f.kind == k) return &f;
    return nullptr;
}

std::string all_text(const Finding& f) {
    std::string t = f.message + "\n" + f.advice;
    for (const auto& e : f.evidence) t += "\n" + e;
    return t;
}

bool has_evidence(const Finding& f, const std::string& needle) {
    for (const auto& e : f.evidence)
        if (e.find(needle) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(DoctorWindows, TimeWaitIsWeighedAgainstTheDynamicPortRangeAndTheTimeWaitDelay) {
    const Snapshot snap = time_wait_burst(Platform::Windows, 9000);
    const auto fs = diagnose(snap, windows_facts(), DoctorSettings{});
    const Finding* f = find(fs, FindingKind::TimeWaitPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "9000 TIME_WAIT sockets from 10.0.0.5 to 10.0.0.7:443 pin 54.9 % of the 16384 dynamic ports");
    EXPECT_TRUE(has_evidence(*f, "dynamic port range 49152-65535 (netsh int ipv4 show dynamicport tcp) (default)"));
    EXPECT_TRUE(has_evidence(*f, "for 45 s (TcpTimedWaitDelay); at 100 % connect() fails with WSAEADDRINUSE"));
    EXPECT_NE(f->advice.find("netsh int ipv4 set dynamicport tcp"), std::string::npos);
    EXPECT_NE(f->advice.find("TcpTimedWaitDelay"), std::string::npos);
    const std::string text = all_text(*f);
    for (const char* linux_word : {"net.ipv4", "ip_local_port_range", "tcp_tw_reuse", "EADDRNOTAVAIL", "60 s", "ephemeral"})
        EXPECT_EQ(text.find(linux_word), std::string::npos) << linux_word << " in:\n" << text;
}

TEST(DoctorWindows, ADelayNotReadFromTheSystemIsMarkedAsTheDefault) {
    KernelFacts facts = windows_facts();
    facts.ephemeral_is_default = false;
    facts.time_wait_s = 120;
    facts.time_wait_is_default = true;
    const auto fs = diagnose(time_wait_burst(Platform::Windows, 9000), facts, DoctorSettings{});
    const Finding* f = find(fs, FindingKind::TimeWaitPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_TRUE(has_evidence(*f, "dynamic port range 49152-65535 (netsh int ipv4 show dynamicport tcp)"));
    EXPECT_FALSE(has_evidence(*f, "dynamicport tcp) (default)")) << "a range read from the system is no default";
    EXPECT_TRUE(has_evidence(*f, "for 120 s (TcpTimedWaitDelay) (default);"));
}

// The platform the backend sets decides, not what its source is called.
TEST(DoctorWindows, ThePlatformNotTheSourceNamePicksTheWords) {
    Snapshot snap = time_wait_burst(Platform::Windows, 9000);
    snap.source = "a Windows backend of another name";
    const auto fs = diagnose(snap, windows_facts(), DoctorSettings{});
    const Finding* f = find(fs, FindingKind::TimeWaitPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->message.find("of the 16384 dynamic ports"), std::string::npos) << f->message;
    EXPECT_NE(f->advice.find("TcpTimedWaitDelay"), std::string::npos) << f->advice;
}

TEST(DoctorWindows, LinuxTimeWaitKeepsItsOwnWords) {
    const auto fs = diagnose(time_wait_burst(Platform::Linux, 9000), linux_facts(), DoctorSettings{});
    const Finding* f = find(fs, FindingKind::TimeWaitPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "9000 TIME_WAIT sockets from 10.0.0.5 to 10.0.0.7:443 pin 54.9 % of the 16384 ephemeral ports");
    EXPECT_TRUE(has_evidence(*f, "ephemeral range 49152-65535 (net.ipv4.ip_local_port_range)"));
    EXPECT_TRUE(has_evidence(*f, "for 60 s; at 100 % connect() fails with EADDRNOTAVAIL"));
    const std::string text = all_text(*f);
    for (const char* windows_word : {"netsh", "TcpTimedWaitDelay", "WSAE", "Windows", "(default)"})
        EXPECT_EQ(text.find(windows_word), std::string::npos) << windows_word << " in:\n" << text;
}

// Windows' age is the time since the connection's context bind: it bounds the time in CLOSE_WAIT
// from above, so doctor says "opened ... ago", never "in CLOSE_WAIT for".
TEST(DoctorAges, WindowsCloseWaitSaysWhenTheOldestConnectionWasOpened) {
    std::vector<std::optional<std::uint64_t>> ages(12);  // the last two unknown
    for (int i = 0; i < 10; ++i) ages[i] = 3 * 3600 * 1000 + i;
    const auto fs = diagnose(close_wait_holder(Platform::Windows, 1200, "leaky.exe", ages), windows_facts(), DoctorSettings{});
    const Finding* f = find(fs, FindingKind::CloseWaitLeak);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "pid 1200 (leaky.exe) holds 12 CLOSE_WAIT sockets on :6800, opened up to 3 h ago");
    EXPECT_TRUE(has_evidence(
        *f, "the oldest was opened 3 h ago (Windows' creation time, known for 10 of the 12 sockets): in CLOSE_WAIT "
            "for at most that long"));
    EXPECT_EQ(all_text(*f).find("tcpstat record"), std::string::npos);
}

// Linux's age (a running `tcpstat record`) is the time in the current state itself.
TEST(DoctorAges, LinuxCloseWaitSaysHowLongTheOldestHasBeenInCloseWait) {
    const std::vector<std::optional<std::uint64_t>> ages(10, 90 * 1000);
    const auto fs = diagnose(close_wait_holder(Platform::Linux, 4321, "oracle", ages), KernelFacts{}, DoctorSettings{});
    const Finding* f = find(fs, FindingKind::CloseWaitLeak);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->message, "pid 4321 (oracle) holds 10 CLOSE_WAIT sockets on :6800, in CLOSE_WAIT for up to 1 min");
    EXPECT_TRUE(has_evidence(*f, "the oldest has been in CLOSE_WAIT for 1 min (tcpstat record saw all 10 sockets enter it)"));
}

TEST(DoctorAges, TimeWaitFindingsCarryTheOldestAge) {
    const auto win = diagnose(time_wait_burst(Platform::Windows, 9000, 30 * 1000), windows_facts(), DoctorSettings{});
    const Finding* w = find(win, FindingKind::TimeWaitPressure);
    ASSERT_NE(w, nullptr);
    EXPECT_NE(w->message.find(", opened up to 30 s ago"), std::string::npos) << w->message;
    EXPECT_TRUE(has_evidence(*w, "in TIME_WAIT for at most that long"));
    const auto lin = diagnose(time_wait_burst(Platform::Linux, 9000, 30 * 1000), linux_facts(), DoctorSettings{});
    const Finding* l = find(lin, FindingKind::TimeWaitPressure);
    ASSERT_NE(l, nullptr);
    EXPECT_NE(l->message.find(", in TIME_WAIT for up to 30 s"), std::string::npos) << l->message;
}

TEST(DoctorAges, NoAgeNoAgeWords) {
    const auto fs = diagnose(time_wait_burst(Platform::Windows, 9000), windows_facts(), DoctorSettings{});
    const Finding* f = find(fs, FindingKind::TimeWaitPressure);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(all_text(*f).find("opened"), std::string::npos);
}

// serve: a range that is only Windows' documented default is not exported as a measurement.
TEST(ExporterWindows, ADefaultDynamicRangeIsNotExported) {
    auto exported = [](const KernelFacts& f) {
        for (const MetricFamily& m : socket_metrics(Snapshot{}, ServerPorts{}, f, ExporterLimits{}).families)
            if (m.name == "tcpstat_tcp_ephemeral_ports") return true;
        return false;
    };
    KernelFacts f = windows_facts();
    EXPECT_FALSE(exported(f));
    f.ephemeral_is_default = false;
    EXPECT_TRUE(exported(f));
}
