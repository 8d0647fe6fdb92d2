// Tests the prefetch's lookup of fds by inode (SortedInodes) against a plain search of the same list.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "owners_index.hpp"

using namespace tcpstat;
using namespace tcpstat::procfs;

namespace {

using Fd = std::pair<std::uint64_t, int>;

std::vector<Fd> naive(const std::vector<Fd>& v, std::uint64_t inode) {
    std::vector<Fd> out;
    for (const Fd& f : v)
        if (f.first == inode) out.push_back(f);
    return out;
}

void expect_agrees(const std::vector<Fd>& sorted, const std::vector<std::uint64_t>& keys) {
    const SortedInodes<Fd> index(sorted);
    for (std::uint64_t k : keys) {
        std::vector<Fd> got;
        index.for_each_match(k, [&](const Fd& f) { got.push_back(f); });
        ASSERT_EQ(got, naive(sorted, k)) << "inode " << k;
    }
}

}  // namespace

TEST(SortedInodes, FindsEveryFdOfAnInodeAndNothingElse) {
    std::mt19937_64 rng(15);
    std::vector<Fd> fds;
    // A few old sockets with small inodes, a dense block of new ones (a server's), some shared by
    // two processes (the same inode twice), and one far above the rest.
    for (int i = 0; i < 20; ++i) fds.push_back({1000 + rng() % 5000, i});
    for (int i = 0; i < 50000; ++i) fds.push_back({4000000 + static_cast<std::uint64_t>(i) * 2 + rng() % 2, i});
    for (int i = 0; i < 300; ++i) fds.push_back({4000000 + rng() % 100000, -i});
    fds.push_back({~0ull - 1, 7});
    std::sort(fds.begin(), fds.end());
    std::vector<std::uint64_t> keys = {0, 999, 1000, ~0ull - 1, ~0ull, 4200000, 3999999};
    for (const Fd& f : fds) keys.push_back(f.first);
    for (int i = 0; i < 20000; ++i) keys.push_back(1000 + rng() % 4200000);  // mostly misses
    expect_agrees(fds, keys);
}

TEST(SortedInodes, SmallAndEmptyLists) {
    expect_agrees({}, {0, 1, ~0ull});
    expect_agrees({{5, 1}}, {4, 5, 6});
    expect_agrees({{5, 1}, {5, 2}, {5, 3}}, {5, 0, ~0ull});
    expect_agrees({{0, 1}, {~0ull, 2}}, {0, 1, ~0ull - 1, ~0ull});
}
