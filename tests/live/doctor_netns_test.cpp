// Tests `tcpstat doctor` with --netns and --all-netns on real `ip netns` namespaces: each judged
// against its own sysctls and counters, findings never merged across namespaces, each naming its namespace.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/doctor_json.hpp"
#include "live/netns_support.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
using nlohmann::json;

namespace {

constexpr int kTimeWait = 700;
constexpr std::uint16_t kSynPort = 8443;

// Inside `ns`: a port range of 1000 and 1200 TIME_WAIT buckets, SYN cookies off, 700 TIME_WAIT
// client ends (the client closes first) and an accept queue that overflowed. Ready line: the port.
std::unique_ptr<Child> tight_namespace(const std::string& ns) {
    return std::make_unique<Child>(
        [ns] {
            enter_netns(ns);
            set_sysctl("net/ipv4/ip_local_port_range", "40000 40999");
            set_sysctl("net/ipv4/tcp_max_tw_buckets", "1200");
            set_sysctl("net/ipv4/tcp_syncookies", "0");
            int l = listen_tcp(false, 1024);
            std::vector<int> clients, servers;
            for (int i = 0; i < kTimeWait; ++i) {
                clients.push_back(connect_tcp(false, local_port(l)));
                servers.push_back(accept_one(l));
            }
            for (int c : clients) close(c);
            wait_for_orphaned_clients(false, local_port(l), kTimeWait);
            for (int s : servers) close(s);
            wait_for_time_wait(false, local_port(l), kTimeWait);
            int full = listen_tcp(false, 1);  // never accepts: later SYNs count as ListenOverflows
            for (int i = 0; i < 4; ++i) connect_nonblocking(local_port(full));
            usleep(100 * 1000);
            return std::to_string(local_port(l));
        },
        "tight-ns");
}

// Inside `ns`: a listener on :8443 and `n` clients whose handshakes stay half-open there
// (TCP_DEFER_ACCEPT drops the bare final ACK, so each stays SYN_RECV). n = 0: the listener only.
std::unique_ptr<Child> half_open_in(const std::string& ns, int n, const std::string& name) {
    return std::make_unique<Child>(
        [ns, n] {
            enter_netns(ns);
            int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const int one = 1, defer = 30;
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(kSynPort);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
                bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(l, 1024) != 0)
                _exit(93);
            if (n > 0 && setsockopt(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof defer) != 0) _exit(92);
            for (int i = 0; i < n; ++i) connect_tcp(false, kSynPort);
            return std::string("ready");
        },
        name);
}

class DoctorNetns : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "creating network namespaces needs root";
        if (!have_ip()) GTEST_SKIP() << "needs ip (iproute2)";
    }
};

std::vector<json> in_netns(const json& findings, const std::string& ns) {
    std::vector<json> out;
    for (const json& f : findings)
        if (f.at("netns") == ns) out.push_back(f);
    return out;
}

}  // namespace

TEST_F(DoctorNetns, NetnsIsJudgedByItsOwnSysctlsAndCounters) {
    Netns tight("tight"), plain("plain");
    ASSERT_TRUE(tight.ok() && plain.ok());
    auto child = tight_namespace(tight.name());
    ASSERT_FALSE(child->ready_line().empty());

    auto r = run_tcpstat({"--netns", tight.name(), "doctor", "-f", "json"});
    ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
    const json fs = findings_of(r);
    const json* pressure = first_of_kind(fs, "time_wait_pressure");
    ASSERT_NE(pressure, nullptr) << "700 of the namespace's 1000 ports, not the host's range: " << r.out;
    EXPECT_EQ((*pressure)["count"], kTimeWait);
    EXPECT_EQ((*pressure)["netns"], tight.name());
    EXPECT_NE((*pressure)["message"].get<std::string>().find("pin 70 % of the 1000 ephemeral ports"), std::string::npos)
        << *pressure;
    EXPECT_NE((*pressure)["evidence"].dump().find("ephemeral range 40000-40999"), std::string::npos) << *pressure;
    const json* buckets = first_of_kind(fs, "time_wait_buckets");
    ASSERT_NE(buckets, nullptr) << r.out;
    EXPECT_NE((*buckets)["message"].get<std::string>().find("tcp_max_tw_buckets (1200)"), std::string::npos)
        << *buckets;
    const json* cookies = first_of_kind(fs, "syncookies_off");
    ASSERT_NE(cookies, nullptr) << "the namespace's tcp_syncookies = 0: " << r.out;
    EXPECT_EQ((*cookies)["netns"], tight.name());
    const json* counters = first_of_kind(fs, "listen_counters");
    ASSERT_NE(counters, nullptr) << "the namespace's own ListenOverflows: " << r.out;
    EXPECT_EQ((*counters)["netns"], tight.name());
    for (const json& f : fs) EXPECT_EQ(f["netns"], tight.name()) << f;

    // The same verdict as doctor run inside the namespace, which names no namespace.
    auto inside = run_tcpstat({"doctor", "-f", "json"}, {}, 60, [&] { enter_netns(tight.name()); });
    ASSERT_EQ(inside.exit_code, 1) << inside.err;
    std::vector<std::string> kinds_netns, kinds_inside;
    for (const json& f : fs) kinds_netns.push_back(f["kind"]);
    for (const json& f : findings_of(inside)) {
        kinds_inside.push_back(f["kind"]);
        EXPECT_TRUE(f["netns"].is_null()) << f;
    }
    EXPECT_EQ(kinds_netns, kinds_inside) << r.out << inside.out;

    // Text names the namespace on every finding's first line.
    auto text = run_tcpstat({"--netns", tight.name(), "doctor"});
    ASSERT_EQ(text.exit_code, 1) << text.err;
    EXPECT_NE(text.out.find("WARNING time_wait_pressure in netns " + tight.name() + ": 700 TIME_WAIT sockets"),
              std::string::npos)
        << text.out;

    // Every namespace at once: the tight one keeps its findings, the plain one (fresh, defaults) has none.
    auto all = run_tcpstat({"--all-netns", "doctor", "-f", "json"});
    ASSERT_LE(all.exit_code, 1) << all.err;
    const json every = findings_of(all);
    std::vector<std::string> kinds_all;
    for (const json& f : in_netns(every, tight.name())) kinds_all.push_back(f["kind"]);
    EXPECT_EQ(kinds_all, kinds_netns) << all.out;
    EXPECT_TRUE(in_netns(every, plain.name()).empty()) << all.out;
}

TEST_F(DoctorNetns, AllNetnsNeverMergesHalfOpenConnectionsOrListeners) {
    Netns a("syn-a"), b("syn-b"), c("syn-c");
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    auto in_a = half_open_in(a.name(), 60, "syn-a");
    auto in_b = half_open_in(b.name(), 40, "syn-b");
    auto in_c = half_open_in(c.name(), 0, "listener-c");
    ASSERT_EQ(in_a->ready_line(), "ready");
    ASSERT_EQ(in_b->ready_line(), "ready");
    ASSERT_EQ(in_c->ready_line(), "ready");
    const std::string port = std::to_string(kSynPort);

    // 60 + 40 would pass 50 together; apart only namespace a does, with its own listener.
    auto r = run_tcpstat({"--all-netns", "doctor", "--port", port, "--syn-recv", "50", "-f", "json"});
    ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
    auto syn = all_of_kind(findings_of(r), "syn_recv_pile_up");
    ASSERT_EQ(syn.size(), 1u) << r.out;
    EXPECT_EQ(syn[0]["netns"], a.name());
    EXPECT_EQ(syn[0]["count"], 60);
    EXPECT_EQ(syn[0]["pid"], in_a->pid()) << "the listener of its own namespace, never one in another";
    EXPECT_NE(syn[0]["evidence"].dump().find("from 1 source address"), std::string::npos) << syn[0];

    auto both = run_tcpstat({"--all-netns", "doctor", "--port", port, "--syn-recv", "40", "-f", "json"});
    ASSERT_EQ(both.exit_code, 1) << both.err;
    syn = all_of_kind(findings_of(both), "syn_recv_pile_up");
    ASSERT_EQ(syn.size(), 2u) << both.out;
    for (const json& f : syn) {
        const bool is_a = f["netns"] == a.name();
        EXPECT_TRUE(is_a || f["netns"] == b.name()) << f;
        EXPECT_EQ(f["count"], is_a ? 60 : 40) << f;
        EXPECT_EQ(f["pid"], is_a ? in_a->pid() : in_b->pid()) << f;
        EXPECT_NE(f["pid"], in_c->pid()) << f;
    }
    auto text = run_tcpstat({"--all-netns", "doctor", "--port", port, "--syn-recv", "50"});
    EXPECT_NE(text.out.find("WARNING syn_recv_pile_up in netns " + a.name() + ": 60 half-open connections (SYN_RECV) on :8443, "
                            "listener pid " + std::to_string(in_a->pid()) + " (syn-a)"),
              std::string::npos)
        << text.out;
}
