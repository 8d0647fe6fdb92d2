// Guards the fast owner map: the kernel's task_file iterator gives the same owners as the /proc walk, on real processes.
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live/support.hpp"

namespace tcpstat::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kListing = {"-f", "json", "--fields", "proto,state,local,remote,owners,process"};

RunResult listing(const std::string& mode, const std::vector<std::string>& extra = {},
                  const std::function<void()>& before_exec = {}) {
    std::vector<std::string> args = kListing;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_tcpstat(args, {"TCPSTAT_OWNER_MAP=" + mode}, 60, before_exec);
}

// The kernel's list needs a build with the eBPF toolchain and a kernel with task_file iterators.
bool kernel_map_unavailable(const RunResult& r) {
    return r.exit_code == 2 && r.err.find("cannot list socket fds") != std::string::npos;
}

// Owners of the socket listening on `port` in a json listing.
json owners_of_listener(const std::string& out, std::uint16_t port) {
    const json doc = json::parse(out);
    for (const json& s : doc["sockets"])
        if (s["state"] == "LISTEN" && s["local"].get<std::string>().ends_with(":" + std::to_string(port)))
            return s["owners"];
    return json();
}

// Raises the fd limit for a child holding thousands of sockets (root may).
void allow_fds(rlim_t n) {
    rlimit rl{n, n};
    ::setrlimit(RLIMIT_NOFILE, &rl);
}

// Processes holding sockets the ways owners are found: one socket on three fds (dup), one
// socket shared by a parent and its forked child, and a process with eight threads sharing
// one fd table (one owner per fd, not one per thread). Ready line: the ports.
struct Holders {
    std::unique_ptr<Child> dups, sharer, threads;
    std::uint16_t dup_port = 0, shared_port = 0, threaded_port = 0;

    Holders() {
        dups = std::make_unique<Child>(
            [] {
                const int l = listen_tcp(false);
                ::dup(l);
                ::dup(l);
                const int l6 = listen_tcp(true);
                (void)l6;
                return std::to_string(local_port(l));
            },
            "om_dups");
        sharer = std::make_unique<Child>(
            [] {
                const int l = listen_tcp(false);
                const int c = connect_tcp(false, local_port(l));
                (void)c;
                accept_one(l);
                // The forked grandchild holds the same sockets and dies with this child.
                if (::fork() == 0) {
                    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                    ::prctl(PR_SET_NAME, "om_forked");
                    for (;;) ::pause();
                }
                return std::to_string(local_port(l));
            },
            "om_sharer");
        threads = std::make_unique<Child>(
            [] {
                const int l = listen_tcp(false);
                for (int i = 0; i < 8; ++i) std::thread([] { for (;;) ::pause(); }).detach();
                return std::to_string(local_port(l));
            },
            "om_threads");
        dup_port = static_cast<std::uint16_t>(std::stoi(dups->ready_line()));
        shared_port = static_cast<std::uint16_t>(std::stoi(sharer->ready_line()));
        threaded_port = static_cast<std::uint16_t>(std::stoi(threads->ready_line()));
    }
};

TEST(OwnerMap, KernelIteratorEqualsProcWalkOnRealProcesses) {
    if (::geteuid() != 0) GTEST_SKIP() << "the kernel's list needs root";
    const Holders h;
    const RunResult kernel = listing("kernel");
    if (kernel_map_unavailable(kernel)) GTEST_SKIP() << kernel.err;
    ASSERT_EQ(kernel.exit_code, 0) << kernel.err;
    const RunResult walk = listing("walk");
    ASSERT_EQ(walk.exit_code, 0) << walk.err;
    EXPECT_EQ(kernel.out, walk.out);
    EXPECT_EQ(kernel.err, walk.err);

    // And the listing holds what the holders made, so that equality is not two empty answers.
    const json dup = owners_of_listener(kernel.out, h.dup_port);
    ASSERT_EQ(dup.size(), 3u) << kernel.out;  // three fds of one process
    for (const json& o : dup) EXPECT_EQ(o["pid"], h.dups->pid());
    const json shared = owners_of_listener(kernel.out, h.shared_port);
    ASSERT_EQ(shared.size(), 2u) << kernel.out;  // the child and its forked child
    EXPECT_NE(shared[0]["pid"], shared[1]["pid"]);
    const json threaded = owners_of_listener(kernel.out, h.threaded_port);
    ASSERT_EQ(threaded.size(), 1u) << kernel.out;  // nine threads, one fd table
    EXPECT_EQ(threaded[0]["pid"], h.threads->pid());
}

// --netns reads another namespace's tables; the inode match works across namespaces.
TEST(OwnerMap, KernelIteratorEqualsProcWalkForAnotherNetns) {
    if (::geteuid() != 0) GTEST_SKIP() << "the kernel's list needs root";
    const Holders h;
    const std::string ns = "/proc/" + std::to_string(h.dups->pid()) + "/ns/net";
    const RunResult kernel = listing("kernel", {"--netns", ns});
    if (kernel_map_unavailable(kernel)) GTEST_SKIP() << kernel.err;
    ASSERT_EQ(kernel.exit_code, 0) << kernel.err;
    const RunResult walk = listing("walk", {"--netns", ns});
    ASSERT_EQ(walk.exit_code, 0) << walk.err;
    EXPECT_EQ(kernel.out, walk.out);
    EXPECT_EQ(owners_of_listener(kernel.out, h.shared_port).size(), 2u) << kernel.out;
}

// Above kOwnerPrefetchMinSockets the owners are fetched while the tables are dumped, from the
// kernel by default: the same answer as the walk.
TEST(OwnerMap, PrefetchedKernelListEqualsProcWalkAtFiveThousandSockets) {
    if (::geteuid() != 0) GTEST_SKIP() << "the kernel's list needs root";
    const Child many(
        [] {
            allow_fds(8192);
            for (int i = 0; i < 5000; ++i) listen_tcp(i % 5 == 0, 4);
            return std::string("ok");
        },
        "om_many");
    const RunResult kernel = listing("kernel");
    if (kernel_map_unavailable(kernel)) GTEST_SKIP() << kernel.err;
    ASSERT_EQ(kernel.exit_code, 0) << kernel.err;
    const RunResult automatic = listing("auto");
    const RunResult walk = listing("walk");
    ASSERT_EQ(walk.exit_code, 0) << walk.err;
    EXPECT_EQ(kernel.out, walk.out);
    EXPECT_EQ(automatic.out, walk.out);
    EXPECT_GE(json::parse(walk.out)["sockets"].size(), 5000u);
}

// A process whose main thread has exited keeps running on its other threads; /proc/PID/fd of
// the exited leader is empty, so the walk cannot name the owner (nor can ss -p). The kernel's
// list finds the fd table through the threads and names the process once per fd, not once
// per thread. Ready: the listener's port on the pipe.
TEST(OwnerMap, KernelIteratorFindsSocketsOfAProcessWhoseMainThreadExited) {
    if (::geteuid() != 0) GTEST_SKIP() << "the kernel's list needs root";
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    const pid_t pid = fork_bound_child();
    if (pid == 0) {
        ::alarm(120);
        const int l = listen_tcp(false);
        for (int i = 0; i < 4; ++i) std::thread([] { for (;;) ::pause(); }).detach();
        const std::string line = std::to_string(local_port(l)) + "\n";
        if (::write(p[1], line.data(), line.size()) < 0) ::_exit(98);
        ::syscall(SYS_exit, 0);  // this thread only: the process lives on in its four threads
    }
    ::close(p[1]);
    char buf[16] = {};
    const ssize_t n = ::read(p[0], buf, sizeof buf - 1);
    ::close(p[0]);
    ASSERT_GT(n, 0);
    const auto port = static_cast<std::uint16_t>(std::stoi(buf));
    // The leader is a zombie once its thread has gone.
    ASSERT_TRUE(eventually([&] {
        char state = 0;
        FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "re");
        if (!f) return false;
        const int got = std::fscanf(f, "%*d %*s %c", &state);
        std::fclose(f);
        return got == 1 && state == 'Z';
    }));

    const RunResult kernel = listing("kernel");
    const RunResult walk = listing("walk");
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    if (kernel_map_unavailable(kernel)) GTEST_SKIP() << kernel.err;
    ASSERT_EQ(kernel.exit_code, 0) << kernel.err;
    const json owners = owners_of_listener(kernel.out, port);
    ASSERT_EQ(owners.size(), 1u) << kernel.out;
    EXPECT_EQ(owners[0]["pid"], pid);
    EXPECT_TRUE(owners_of_listener(walk.out, port).is_null()) << "the walk learnt to read threads: " << walk.out;
}

// As a plain user the kernel is not asked (no load is tried): owners come from the walk, with
// no word about it; asking for the kernel's list by name
// says in one line why it cannot be had.
TEST(OwnerMap, PlainUserFallsBackSilently) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
    const auto become_nobody = [] {
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(95);
    };
    const Child mine(
        [&] {
            become_nobody();
            ::prctl(PR_SET_DUMPABLE, 1);
            return std::to_string(local_port(listen_tcp(false)));
        },
        "om_nobody");
    const auto port = static_cast<std::uint16_t>(std::stoi(mine.ready_line()));
    const RunResult automatic = listing("auto", {}, become_nobody);
    ASSERT_EQ(automatic.exit_code, 0) << automatic.err;
    // Only the walk's own warning about the processes it could not read (their number changes
    // with the host's other processes from one run to the next).
    for (const std::string& line : lines_of(automatic.err))
        EXPECT_EQ(line.rfind("tcpstat: warning: owners of some sockets are hidden: ", 0), 0u) << automatic.err;
    ASSERT_EQ(owners_of_listener(automatic.out, port).size(), 1u) << automatic.out;

    const RunResult forced = listing("kernel", {}, become_nobody);
    EXPECT_EQ(forced.exit_code, 2);
    EXPECT_NE(forced.err.find("cannot list socket fds"), std::string::npos) << forced.err;
    EXPECT_EQ(lines_of(forced.err).size(), 1u) << forced.err;
}

}  // namespace
}  // namespace tcpstat::testing
