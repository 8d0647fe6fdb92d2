// Owns the inode lookups of the owner join: socket index by inode (the walk probes it once per fd)
// and fds by inode (the prefetch looks each socket up in its sorted fd list).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "owners_join.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

// Open addressing with linear probing in one array: every fd of every process is looked up
// here, so it must be one cache miss, not a tree walk or a node chase. Equal inodes (the same
// socket listed twice) are all kept and all reported.
class InodeIndex {
public:
    explicit InodeIndex(const OwnerJoin& sockets) {
        std::vector<std::uint64_t> inodes(sockets.size(), kNone);
        std::size_t n = 0;
        for (std::size_t i = 0; i < inodes.size(); ++i) {
            if (auto inode = sockets.inode(i)) {
                inodes[i] = *inode;
                ++n;
            }
        }
        if (n == 0) return;
        std::size_t cap = 16;
        while (cap < n * 2) cap <<= 1;
        slots_.assign(cap, Slot{});
        mask_ = cap - 1;
        for (std::size_t i = 0; i < inodes.size(); ++i) {
            if (inodes[i] == kNone) continue;
            std::size_t h = hash(inodes[i]) & mask_;
            while (slots_[h].index_plus1 != 0) h = (h + 1) & mask_;
            slots_[h] = Slot{inodes[i], static_cast<std::uint32_t>(i + 1)};
        }
    }

    bool empty() const { return slots_.empty(); }

    // Calls f(socket_index) for every socket with this inode.
    template <class F>
    void for_each_match(std::uint64_t inode, F&& f) const {
        if (slots_.empty()) return;
        for (std::size_t h = hash(inode) & mask_; slots_[h].index_plus1 != 0; h = (h + 1) & mask_)
            if (slots_[h].inode == inode) f(slots_[h].index_plus1 - 1);
    }

private:
    static constexpr std::uint64_t kNone = ~std::uint64_t{0};  // PackedOptional's "no inode"
    struct Slot {
        std::uint64_t inode = 0;
        std::uint32_t index_plus1 = 0;  // 0: empty slot
    };
    // Socket inodes are handed out sequentially; multiplying spreads neighbours across the table.
    static std::size_t hash(std::uint64_t inode) {
        return static_cast<std::size_t>((inode * 0x9E3779B97F4A7C15ull) >> 20);
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
};

// A lookup over socket fds sorted by inode, for the prefetch's join: a table of where each
// range of inodes starts (one 4-byte entry per two fds) narrows every search to the few fds of
// its range, where a binary search over all of them took 17 cache-missing steps per socket and
// a hash beside them would be 4 MiB of fresh pages at 100k.
template <class Entry>  // pair-like: .first is the inode
class SortedInodes {
public:
    // `sorted` must stay sorted by .first and alive while this is used.
    explicit SortedInodes(const std::vector<Entry>& sorted) : v_(sorted) {
        if (v_.empty()) return;
        lo_ = v_.front().first;
        const std::uint64_t span = v_.back().first - lo_;
        const std::uint64_t want = std::max<std::uint64_t>(1, v_.size() / 2);
        while (shift_ < 63 && (span >> shift_) >= want) ++shift_;
        const std::size_t ranges = static_cast<std::size_t>(span >> shift_) + 1;
        start_.assign(ranges + 1, 0);
        std::size_t i = 0;
        for (std::size_t r = 0; r <= ranges; ++r) {
            while (i < v_.size() && ((v_[i].first - lo_) >> shift_) < r) ++i;
            start_[r] = static_cast<std::uint32_t>(i);
        }
    }

    // Calls f(entry) for every entry with this inode, in their sorted order.
    template <class F>
    void for_each_match(std::uint64_t inode, F&& f) const {
        if (v_.empty() || inode < lo_ || inode > v_.back().first) return;
        const std::size_t r = static_cast<std::size_t>((inode - lo_) >> shift_);
        auto first = v_.begin() + start_[r];
        auto last = v_.begin() + start_[r + 1];
        auto it = std::lower_bound(first, last, inode, [](const Entry& e, std::uint64_t v) { return e.first < v; });
        for (; it != v_.end() && it->first == inode; ++it) f(*it);
    }

private:
    const std::vector<Entry>& v_;
    std::uint64_t lo_ = 0;
    unsigned shift_ = 0;
    std::vector<std::uint32_t> start_;  // range r's entries are [start_[r], start_[r + 1])
};

}  // namespace tcpstat::procfs
