// Tests names: host names in --src/--dst (every address), service names for ports, -r's
// host and service names, and IPv6 zones accepted and printed by interface name, so that
// any address tcpstat prints pastes back as a filter.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>

#include "common/private_net.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

// What the system resolver answers for a host, as numeric text.
std::set<std::string> resolved_addresses(const char* host) {
    std::set<std::string> out;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host, nullptr, &hints, &res) != 0) return out;
    for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) == 0) out.insert(buf);
    }
    freeaddrinfo(res);
    return out;
}

std::set<std::string> lines_set(const std::string& out) {
    auto l = lines_of(out);
    return {l.begin(), l.end()};
}

// A TCP listener on addr:port (port 0: the kernel picks); aborts the child on failure.
int listen_at(const char* addr, std::uint16_t port, unsigned scope = 0) {
    sockaddr_in6 a6{};
    sockaddr_in a4{};
    const bool v6 = std::string(addr).find(':') != std::string::npos;
    const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc;
    if (v6) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(port);
        a6.sin6_scope_id = scope;
        inet_pton(AF_INET6, addr, &a6.sin6_addr);
        rc = bind(fd, reinterpret_cast<sockaddr*>(&a6), sizeof a6);
    } else {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(port);
        inet_pton(AF_INET, addr, &a4.sin_addr);
        rc = bind(fd, reinterpret_cast<sockaddr*>(&a4), sizeof a4);
    }
    if (rc != 0 || listen(fd, 16) != 0) _exit(96);
    return fd;
}

}  // namespace

TEST(Names, HostNamesMatchEveryAddressTheyResolveTo) {
    Child srv(
        [] {
            const int v4 = listen_tcp(false), v6 = listen_tcp(true);
            return std::to_string(local_port(v4)) + "," + std::to_string(local_port(v6));
        },
        "two-stacks");
    const std::string ports = srv.ready_line();
    // /etc/hosts differs between machines: "localhost" is 127.0.0.1 and often ::1 too. Whatever
    // the resolver answers, tcpstat must match every one of those addresses.
    std::set<std::string> want;
    for (const std::string& a : resolved_addresses("localhost"))
        if (a == "127.0.0.1" || a == "::1") want.insert(a);
    ASSERT_TRUE(want.contains("127.0.0.1"));
    auto local = run_tcpstat({"-l", "--sport", ports, "--src", "localhost", "--fields", "laddr", "-f", "tsv", "-H"});
    ASSERT_EQ(local.exit_code, 0) << local.err;
    EXPECT_EQ(lines_set(local.out), want) << local.out;
    auto remote = run_tcpstat({"-l", "--sport", ports, "--dst", "localhost", "--count"});
    EXPECT_EQ(remote.out, "0\n") << "a listener's remote end is no address of localhost";
}

TEST(Names, UnresolvableHostIsOneLineExitTwo) {
    auto r = run_tcpstat({"--dst", "no-such-host.invalid"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("cannot resolve 'no-such-host.invalid' in --dst"), std::string::npos) << r.err;
    auto svc = run_tcpstat({"--port", "no-such-service"});
    EXPECT_EQ(svc.exit_code, 2);
    ASSERT_EQ(lines_of(svc.err).size(), 1u) << svc.err;
    EXPECT_NE(svc.err.find("unknown service 'no-such-service' in --port"), std::string::npos) << svc.err;
    // A malformed number is still an address error, not a host lookup.
    auto bad = run_tcpstat({"--dst", "300.1.1.1"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("invalid address '300.1.1.1'"), std::string::npos) << bad.err;
}

TEST(Names, ServiceNamesAndResolveLikeSs) {
    // Port 22 is free only in a namespace of our own.
    if (geteuid() != 0 || !enter_new_network_namespace()) GTEST_SKIP() << "needs root for a private namespace";
    Child sshd([] {
        listen_at("127.0.0.1", 22);
        return std::string("22");
    });
    ASSERT_EQ(sshd.ready_line(), "22");
    auto by_name = run_tcpstat({"-l", "--port", "ssh", "--fields", "local", "-f", "tsv", "-H"});
    ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
    EXPECT_EQ(by_name.out, "127.0.0.1:22\n") << "numeric unless -r";
    auto sport = run_tcpstat({"-l", "--sport", "ssh", "--count"});
    EXPECT_EQ(sport.out, "1\n") << sport.err;
    auto resolved = run_tcpstat({"-l", "--port", "ssh", "-r", "--fields", "local,remote,lport", "-f", "tsv", "-H"});
    ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
    EXPECT_EQ(resolved.out, "localhost:ssh\t0.0.0.0:*\t22\n") << "ports stay numbers in their own field";
    auto table = run_tcpstat({"-l", "--port", "ssh", "-r", "--fields", "local"});
    EXPECT_NE(table.out.find("localhost:ssh"), std::string::npos) << table.out;
    auto grouped = run_tcpstat({"-l", "-r", "-g", "state"});
    EXPECT_EQ(grouped.exit_code, 2) << "-r names a listing's addresses, not groups";
}

TEST(Names, LinkLocalZonesByInterfaceNamePasteBack) {
    if (geteuid() != 0 || !enter_new_network_namespace()) GTEST_SKIP() << "needs root for a private namespace";
    // A dummy interface where the kernel has the module, else one end of a veth pair.
    if (std::system("{ ip link add d0 type dummy 2>/dev/null || ip link add d0 type veth peer name d1; } && "
                    "ip link set d0 up && ip addr add fe80::1/64 dev d0 nodad") != 0)
        GTEST_SKIP() << "no dummy or veth interface support";
    const unsigned index = if_nametoindex("d0");
    ASSERT_NE(index, 0u);
    Child srv([index] { return std::to_string(local_port(listen_at("fe80::1", 0, index))); }, "zoned-srv");
    const std::string port = srv.ready_line();
    const std::string want = "[fe80::1%d0]:" + port + "\n";
    for (const std::string& filter : {std::string("fe80::1%d0"), "fe80::1%" + std::to_string(index), std::string("fe80::/64")}) {
        auto r = run_tcpstat({"-l", "--src", filter, "--fields", "local", "-f", "tsv", "-H"});
        ASSERT_EQ(r.exit_code, 0) << filter << ": " << r.err;
        EXPECT_EQ(r.out, want) << filter;
    }
    // What the listing printed is a filter that selects the same socket.
    auto printed = run_tcpstat({"-l", "--sport", port, "--fields", "laddr", "-f", "tsv", "-H"});
    ASSERT_EQ(printed.out, "fe80::1%d0\n");
    auto again = run_tcpstat({"-l", "--src", "fe80::1%d0", "--sport", port, "--count"});
    EXPECT_EQ(again.out, "1\n") << again.err;
    // Another zone is another address.
    EXPECT_EQ(run_tcpstat({"-l", "--src", "fe80::1%lo", "--count"}).out, "0\n");
    auto unknown = run_tcpstat({"--src", "fe80::1%nosuchif0"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown interface 'nosuchif0'"), std::string::npos) << unknown.err;
}
