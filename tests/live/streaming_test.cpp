// Tests what a listing with no global order holds: streamed, memory does not grow with the number
// of sockets it prints; kept (the table, owner fields), rows are packed, a fraction of Sockets;
// either way the rows are the same as a collected listing's.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

constexpr int kPairs = 8000;  // 16,001 sockets: ~3 MiB as Socket rows, far more than one batch

// Peak resident set of one tcpstat run in KiB, its output thrown away.
long peak_rss_kib(const std::vector<std::string>& args) {
    std::vector<std::string> store{TCPSTAT_BINARY};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    rusage ru{};
    if (::wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1) return -1;
    return ru.ru_maxrss;
}

// A population of kPairs loopback connections in a holder, and the peak RSS of one listing of
// it against the same listing of its listener alone (the kernel filters by port and state).
class Streaming : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs its own network namespace (root) so the population is known";
        holder_ = std::make_unique<Child>([] { return hold_loopback_pairs(kPairs); }, "stream-holder");
        port_ = holder_->ready_line();
        ASSERT_TRUE(!port_.empty() && port_.find_first_not_of("0123456789") == std::string::npos) << port_;
    }
    std::vector<std::string> with(std::vector<std::string> args) const {
        args.insert(args.end(), fields_.begin(), fields_.end());
        return args;
    }
    // Sets all_ and none_ (KiB) for the listing of fields_ (or `command`'s run).
    void measure(const std::vector<std::string>& command = {}) {
        auto run = [&](std::vector<std::string> filter) {
            filter.insert(filter.begin(), command.begin(), command.end());
            return peak_rss_kib(with(filter));
        };
        all_ = run({"--port", port_});
        none_ = run({"--port", port_, "-l"});
        ASSERT_GT(all_, 0);
        ASSERT_GT(none_, 0);
    }

    std::unique_ptr<Child> holder_;
    std::string port_;
    std::vector<std::string> fields_;
    long all_ = -1, none_ = -1;
};

}  // namespace

TEST_F(Streaming, ListingMemoryDoesNotGrowWithTheSocketsPrinted) {
    // The listener's row too looks up a user name, so both runs load NSS's modules (~1 MiB).
    fields_ = {"-f", "tsv", "--fields", "proto,state,local,remote,user"};
    ASSERT_NO_FATAL_FAILURE(measure());
    // Holding 16k sockets costs ~3 MiB; a batch and the output buffer a few hundred KiB.
    EXPECT_LT(all_ - none_, 1536) << "peak RSS " << all_ << " KiB printing 16k sockets, " << none_
                                  << " KiB printing the listener";

    // Streamed rows are the collected rows: --sort makes the listing collect them first.
    auto streamed = run_tcpstat(with({"--port", port_, "-H"}));
    auto collected = run_tcpstat(with({"--port", port_, "-H", "--sort", "local"}));
    ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
    ASSERT_EQ(collected.exit_code, 0) << collected.err;
    auto a = lines_of(streamed.out), b = lines_of(collected.out);
    EXPECT_EQ(a.size(), static_cast<std::size_t>(2 * kPairs + 1));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    // And the count streams too.
    auto count = run_tcpstat({"--port", port_, "--count"});
    EXPECT_EQ(count.out, std::to_string(2 * kPairs + 1) + "\n");
}

TEST_F(Streaming, TheTableKeepsItsRowsPacked) {
    // No owner column: the owner lookup's own memory (the walk's threads, the kernel's BTF for
    // its iterator) would blur the rows' share; with owners the rows are packed all the same
    // (packed_listing_test.cpp).
    fields_ = {"--fields", "proto,state,local,remote"};
    ASSERT_NO_FATAL_FAILURE(measure());
    // 16k sockets as Socket rows are 2.5 MiB (160 bytes each, measured 2.1-2.4 MiB); packed,
    // ~30 bytes a row (measured 0.5-1.2 MiB).
    EXPECT_LT(all_ - none_, 1536) << "peak RSS " << all_ << " KiB for the table of 16k sockets, " << none_
                                  << " KiB for the listener's";
}

TEST_F(Streaming, ASummaryCountsAsTheDumpArrives) {
    ASSERT_NO_FATAL_FAILURE(measure({"summary"}));
    // Counting 16k sockets from their Socket rows held 2.5 MiB; counted batch by batch, nothing grows.
    EXPECT_LT(all_ - none_, 1024) << "peak RSS " << all_ << " KiB summarising 16k sockets, " << none_
                                  << " KiB the listener";
    auto summary = run_tcpstat({"summary", "--port", port_, "-f", "tsv", "-H"});
    ASSERT_EQ(summary.exit_code, 0) << summary.err;
    EXPECT_NE(summary.out.find("tcp\tESTABLISHED\t" + std::to_string(2 * kPairs) + "\t0\t"), std::string::npos)
        << summary.out;
    EXPECT_NE(summary.out.find("tcp\tLISTEN\t1\t0\t1\n"), std::string::npos) << summary.out;
}
