// Owns the tests of doctor's Windows TCP facts: the dynamic port range and TIME_WAIT delay as read, and the documented defaults when not.
#include <gtest/gtest.h>

#include "platform/windows/tcp_parameters.hpp"

namespace tcpstat::win {
namespace {

TEST(TcpParameters, NothingReadableGivesTheDocumentedDefaultsMarkedAsSuch) {
    const KernelFacts f = facts_from_parameters(TcpParameters{});
    EXPECT_EQ(f.ephemeral_low, 49152);
    EXPECT_EQ(f.ephemeral_high, 65535);
    EXPECT_EQ(f.ephemeral_count(), 16384u);
    EXPECT_TRUE(f.ephemeral_is_default);
    EXPECT_EQ(f.time_wait_s, 120u);
    EXPECT_TRUE(f.time_wait_is_default);
    // Nothing Linux-only is claimed.
    EXPECT_FALSE(f.max_tw_buckets);
    EXPECT_FALSE(f.max_orphans);
    EXPECT_FALSE(f.fin_timeout_s);
}

TEST(TcpParameters, ValuesReadAreUsedAsRead) {
    TcpParameters p;
    p.dynamic_start = 10000;
    p.dynamic_count = 1000;
    p.time_wait_delay_s = 30;
    const KernelFacts f = facts_from_parameters(p);
    EXPECT_EQ(f.ephemeral_low, 10000);
    EXPECT_EQ(f.ephemeral_high, 10999);
    EXPECT_FALSE(f.ephemeral_is_default);
    EXPECT_EQ(f.time_wait_s, 30u);
    EXPECT_FALSE(f.time_wait_is_default);
    p.time_wait_delay_s = 300;
    EXPECT_EQ(facts_from_parameters(p).time_wait_s, 300u);
    // The whole range up to 65535, as `netsh int ipv4 set dynamicport tcp start=1025 num=64511` sets it.
    p.dynamic_start = 1025;
    p.dynamic_count = 64511;
    EXPECT_EQ(facts_from_parameters(p).ephemeral_high, 65535);
}

// A TcpTimedWaitDelay outside 30..300 s, or a range netsh would refuse, is not what the stack
// uses: doctor weighs against the defaults and says so.
TEST(TcpParameters, ValuesOutsideTheDocumentedRangesFallBackToTheDefaults) {
    for (std::uint32_t bad : {0u, 29u, 301u, 0xffffffffu}) {
        TcpParameters p;
        p.time_wait_delay_s = bad;
        const KernelFacts f = facts_from_parameters(p);
        EXPECT_EQ(f.time_wait_s, 120u) << bad;
        EXPECT_TRUE(f.time_wait_is_default) << bad;
    }
    const std::pair<std::uint32_t, std::uint32_t> bad_ranges[] = {{1024, 1000}, {60000, 6000}, {49152, 254}, {0, 0},
                                                                   {65535, 0xffffffffu}};
    for (const auto& [start, count] : bad_ranges) {
        TcpParameters p;
        p.dynamic_start = start;
        p.dynamic_count = count;
        const KernelFacts f = facts_from_parameters(p);
        EXPECT_EQ(f.ephemeral_low, 49152) << start << "+" << count;
        EXPECT_TRUE(f.ephemeral_is_default) << start << "+" << count;
    }
    TcpParameters half;
    half.dynamic_start = 10000;  // a start without a count is no range
    EXPECT_TRUE(facts_from_parameters(half).ephemeral_is_default);
}

// serve collects on every scrape: the WMI range is read once per kRangeRefresh, a failure too.
TEST(TcpParameters, TheRangeIsReadOncePerPeriodEvenWhenItFails) {
    using namespace std::chrono;
    RangeCache cache;
    int reads = 0;
    RangeCache::Range answer;  // WMI without the class (Wine): no range
    auto read = [&] {
        ++reads;
        return answer;
    };
    const steady_clock::time_point t0{};
    EXPECT_EQ(cache.get(t0 + hours(1), read), std::nullopt);
    EXPECT_EQ(cache.get(t0 + hours(1) + seconds(15), read), std::nullopt);
    EXPECT_EQ(cache.get(t0 + hours(1) + kRangeRefresh - seconds(1), read), std::nullopt);
    EXPECT_EQ(reads, 1);
    answer = std::pair<std::uint32_t, std::uint32_t>{10000, 5000};  // an administrator ran netsh
    EXPECT_EQ(cache.get(t0 + hours(1) + kRangeRefresh, read), answer);
    EXPECT_EQ(reads, 2);
    EXPECT_EQ(cache.get(t0 + hours(1) + kRangeRefresh + seconds(15), read), answer);
    EXPECT_EQ(reads, 2);
}

}  // namespace
}  // namespace tcpstat::win
