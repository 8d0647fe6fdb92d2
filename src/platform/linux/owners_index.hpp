// Owns the flat inode -> socket-index lookup the owner walk probes once per open fd.
#pragma once

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

}  // namespace tcpstat::procfs
