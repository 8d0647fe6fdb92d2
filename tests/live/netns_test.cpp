// Tests --netns and --all-netns against two real namespaces (ip netns add) holding real sockets, and their errors.
#include <gtest/gtest.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "live/netns_support.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

constexpr const char* kPrefix = "tcpstat-test-";  // as Netns names them
constexpr uid_t kNobody = 65534;

// A leaky server inside `ns`: `n` accepted connections never closed (CLOSE_WAIT), clients
// closed (FIN_WAIT2, no owner). Ready line: the listener's port.
std::unique_ptr<Child> leaky_in(const std::string& ns, int n, const std::string& name) {
    return std::make_unique<Child>(
        [ns, n] {
            enter_netns(ns);
            int l = listen_tcp(false);
            std::vector<int> clients;
            for (int i = 0; i < n; ++i) clients.push_back(connect_tcp(false, local_port(l)));
            for (int i = 0; i < n; ++i) accept_one(l);
            for (int c : clients) close(c);
            wait_for_orphaned_clients(false, local_port(l), n);
            return std::to_string(local_port(l));
        },
        name);
}

// A listener plus one established connection inside `ns`. Ready line: "<port> <inode>" of the listener.
std::unique_ptr<Child> pair_in(const std::string& ns, const std::string& name) {
    return std::make_unique<Child>(
        [ns] {
            enter_netns(ns);
            int l = listen_tcp(false);
            connect_tcp(false, local_port(l));
            accept_one(l);
            return std::to_string(local_port(l)) + " " + std::to_string(socket_inode(l));
        },
        name);
}

void become_nobody() {
    if (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(95);
    prctl(PR_SET_DUMPABLE, 1);
}

// Rows of a tsv run, fields split.
std::vector<std::vector<std::string>> rows_of(const RunResult& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& line : lines_of(r.out)) out.push_back(split(line, '\t'));
    return out;
}

class NetnsTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "creating network namespaces needs root";
        if (!have_ip()) GTEST_SKIP() << "needs ip (iproute2)";
        a_ = std::make_unique<Netns>("a");
        b_ = std::make_unique<Netns>("b");
        ASSERT_TRUE(a_->ok() && b_->ok()) << "ip netns add failed";
    }
    std::unique_ptr<Netns> a_, b_;
};

TEST_F(NetnsTest, AllNetnsGroupsCloseWaitByNamespaceAndProcess) {
    auto leak_a = leaky_in(a_->name(), 3, "nsleak-a");
    auto leak_b = leaky_in(b_->name(), 2, "nsleak-b");
    ASSERT_FALSE(leak_a->ready_line().empty());
    ASSERT_FALSE(leak_b->ready_line().empty());

    auto r = run_tcpstat({"--all-netns", "-s", "close_wait", "-g", "netns,process", "-f", "tsv", "-H"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::string> counts;  // "netns/process" -> count
    for (const auto& f : rows_of(r)) {
        ASSERT_EQ(f.size(), 3u) << r.out;
        counts[f[0] + "/" + f[1]] = f[2];
    }
    EXPECT_EQ(counts[a_->name() + "/nsleak-a"], "3") << r.out;
    EXPECT_EQ(counts[b_->name() + "/nsleak-b"], "2") << r.out;
    EXPECT_EQ(counts.count(a_->name() + "/nsleak-b"), 0u) << r.out;
    EXPECT_EQ(counts.count(b_->name() + "/nsleak-a"), 0u) << r.out;
}

TEST_F(NetnsTest, AllNetnsPutsEachSocketInItsNamespaceWithItsOwner) {
    auto pa = pair_in(a_->name(), "nspair-a");
    auto leak_b = leaky_in(b_->name(), 1, "nsleak-b");
    const auto a_parts = split(pa->ready_line(), ' ');
    ASSERT_EQ(a_parts.size(), 2u);
    const std::string port_a = a_parts[0], inode_a = a_parts[1], port_b = leak_b->ready_line();

    for (const char* source : {"auto", "proc"}) {
        SCOPED_TRACE(source);
        auto r = run_tcpstat({"--all-netns", "--source", source, "--port", port_a + "," + port_b, "-f", "tsv", "-H",
                              "--fields", "netns,state,lport,rport,inode,pid,process"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        int in_a = 0, in_b = 0;
        for (const auto& f : rows_of(r)) {
            ASSERT_EQ(f.size(), 7u) << r.out;
            const bool mine_a = f[2] == port_a || f[3] == port_a;
            const bool mine_b = f[2] == port_b || f[3] == port_b;
            if (f[0] == a_->name() && mine_a) {
                ++in_a;
                if (f[1] == "LISTEN") {
                    EXPECT_EQ(f[4], inode_a);
                }
                EXPECT_EQ(f[5], std::to_string(pa->pid())) << r.out;
                EXPECT_EQ(f[6], "nspair-a");
            } else if (f[0] == b_->name() && mine_b) {
                ++in_b;
                if (f[1] == "FIN_WAIT2") {
                    EXPECT_EQ(f[5], "") << "an orphaned client end has no owner";
                } else {
                    EXPECT_EQ(f[5], std::to_string(leak_b->pid())) << r.out;
                    EXPECT_EQ(f[6], "nsleak-b");
                }
            } else if (mine_a || mine_b) {
                // The same port in another namespace (the host, say) is a different socket;
                // ours must never be attributed to the wrong namespace.
                EXPECT_NE(f[6], "nspair-a") << r.out;
                EXPECT_NE(f[6], "nsleak-b") << r.out;
            }
        }
        EXPECT_EQ(in_a, 3) << r.out;  // LISTEN + both ESTABLISHED ends
        EXPECT_EQ(in_b, 3) << r.out;  // LISTEN + CLOSE_WAIT + FIN_WAIT2
        EXPECT_EQ(r.err, "");
    }
}

// tcpstat's own namespace was named after its lowest-pid process, like one more container
// ("memfd:sealed-91:4026531833"); it is "self", by --all-netns and by --netns PATH|PID alike.
TEST_F(NetnsTest, OwnNamespaceIsNamedSelf) {
    EstablishedPair here(false, "own-ns-pair");
    const std::string port = std::to_string(here.port);
    for (std::vector<std::string> where : {std::vector<std::string>{"--all-netns"},
                                           {"--netns", "/proc/self/ns/net"},
                                           {"--netns", std::to_string(here.child->pid())}}) {
        std::vector<std::string> args = where;
        for (const char* a : {"-s", "listen", "--sport", port.c_str(), "-f", "tsv", "-H", "--fields", "netns,process"})
            args.emplace_back(a);
        auto r = run_tcpstat(args);
        ASSERT_EQ(r.exit_code, 0) << where[0] << " " << r.err;
        std::vector<std::string> ours;  // the same port may be in use in another namespace
        for (const auto& line : lines_of(r.out))
            if (line.find("own-ns-pair") != std::string::npos) ours.push_back(line);
        EXPECT_EQ(ours, std::vector<std::string>{"self\town-ns-pair"}) << where[0] << "\n" << r.out;
    }
    // A namespace of its own still shows its `ip netns` name, never "self".
    auto pa = pair_in(a_->name(), "nspair-a");
    const std::string port_a = split(pa->ready_line(), ' ').at(0);
    auto r = run_tcpstat({"--all-netns", "-s", "listen", "--sport", port_a, "-f", "tsv", "-H", "--fields", "netns"});
    EXPECT_NE(r.out.find(a_->name() + "\n"), std::string::npos) << r.out;
}

TEST_F(NetnsTest, NetnsByNameSeesOnlyItsOwn) {
    auto pa = pair_in(a_->name(), "nspair-a");
    auto pb = pair_in(b_->name(), "nspair-b");
    auto r = run_tcpstat({"--netns", a_->name(), "-f", "tsv", "-H", "--fields", "netns,state,pid,process"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = rows_of(r);
    ASSERT_EQ(rows.size(), 3u) << r.out;  // a fresh namespace holds only what the child opened
    for (const auto& f : rows) {
        EXPECT_EQ(f[0], a_->name());
        EXPECT_EQ(f[2], std::to_string(pa->pid()));
        EXPECT_EQ(f[3], "nspair-a");
    }
    // The path of the same namespace file names it the same way.
    auto by_path = run_tcpstat({"--netns", "/run/netns/" + a_->name(), "-f", "tsv", "-H", "--fields", "netns,state,pid,process"});
    EXPECT_EQ(by_path.exit_code, 0) << by_path.err;
    EXPECT_EQ(by_path.out, r.out);
    // The default table gains a NETNS column, the listing itself is unchanged otherwise.
    auto table = run_tcpstat({"--netns", a_->name()});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(lines_of(table.out).at(0).find("NETNS"), std::string::npos) << table.out;
}

TEST_F(NetnsTest, NetnsByPidReadsThatProcesssNamespace) {
    auto pb = pair_in(b_->name(), "nspair-b");
    auto r = run_tcpstat({"--netns", std::to_string(pb->pid()), "-s", "listen", "-f", "tsv", "-H", "--fields",
                          "netns,lport,pid,process"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = rows_of(r);
    ASSERT_EQ(rows.size(), 1u) << r.out;
    EXPECT_EQ(rows[0][0], b_->name()) << "a pid's namespace is named after its `ip netns` name";
    EXPECT_EQ(rows[0][1], split(pb->ready_line(), ' ').at(0));
    EXPECT_EQ(rows[0][2], std::to_string(pb->pid()));
}

TEST_F(NetnsTest, EmptyNamespaceIsNoMatchNotAnError) {
    for (const char* source : {"netlink", "proc"}) {
        auto r = run_tcpstat({"--netns", a_->name(), "--source", source});
        EXPECT_EQ(r.exit_code, 1) << source << ": " << r.err;
        EXPECT_EQ(r.err, "") << source;
    }
}

TEST_F(NetnsTest, UnprivilegedRunNamesTheMissingCapability) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--all-netns"}, std::vector<std::string>{"--netns", a_->name()}}) {
        auto r = run_tcpstat(args, {}, 60, become_nobody);
        EXPECT_EQ(r.exit_code, 2) << r.out;
        const auto lines = lines_of(r.err);
        ASSERT_EQ(lines.size(), 1u) << r.err;
        EXPECT_NE(lines[0].find("CAP_SYS_ADMIN"), std::string::npos) << r.err;
        EXPECT_NE(lines[0].find("root"), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
    }
}

TEST(NetnsErrors, UnknownNamesPathsAndPidsAreUsageErrors) {
    const std::string missing = std::string(kPrefix) + "no-such-namespace";
    for (const std::string& spec : {missing, std::string("/nonexistent/netns"), std::string("/dev/null"),
                                    std::string("/etc"), std::string("999999999")}) {
        auto r = run_tcpstat({"--netns", spec});
        EXPECT_EQ(r.exit_code, 2) << spec;
        const auto lines = lines_of(r.err);
        ASSERT_EQ(lines.size(), 1u) << r.err;
        EXPECT_NE(lines[0].find(spec), std::string::npos) << r.err;
        EXPECT_NE(lines[0].find("ip netns"), std::string::npos) << "names the accepted forms: " << r.err;
        EXPECT_NE(lines[0].find("pid"), std::string::npos) << r.err;
    }
}

TEST(NetnsErrors, CombinationsThatCannotMeanAnything) {
    const std::vector<std::vector<std::string>> cases = {
        {"--netns", "x", "--proc-root", "/proc"},
        {"--all-netns", "--proc-root", "/proc"},
        {"--netns", "x", "--all-netns"},
        {"--netns", ""},
    };
    for (const auto& args : cases) {
        auto r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1];
        EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find("netns"), std::string::npos) << r.err;
    }
}

// Without the flags no socket carries a namespace: -g netns printed one group "-".
TEST(NetnsErrors, GroupByNetnsNeedsTheFlags) {
    for (std::vector<std::string> args : {std::vector<std::string>{"-g", "netns"}, {"-g", "state,netns", "-f", "json"}}) {
        auto r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find("-g netns needs --all-netns"), std::string::npos) << r.err;
    }
}

TEST(NetnsErrors, WithoutTheFlagsNothingChanges) {
    auto r = run_tcpstat({"-s", "listen"});
    ASSERT_LE(r.exit_code, 1) << r.err;
    if (!r.out.empty()) {
        EXPECT_EQ(lines_of(r.out).at(0).find("NETNS"), std::string::npos) << r.out;
    }
}

}  // namespace
