// Owns PackedSockets: a listing's sockets kept as a few dozen bytes each instead of Socket structs,
// with their owners beside them, for the outputs that must see every row before printing one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "tcpstat/model.hpp"

namespace tcpstat {

// The aligned table measures every row before it prints the first, so it cannot stream; kept
// as Sockets, 100k rows are 16 MB. Packed (present fields only, numbers as varints), a typical
// IPv4 row is ~30 bytes. Rows are appended in blocks that never move, so growing costs no copy
// and no second peak. Decoding gives back the Socket exactly, owners joined from a side table.
class PackedSockets {
public:
    PackedSockets() = default;
    PackedSockets(PackedSockets&&) noexcept = default;
    PackedSockets& operator=(PackedSockets&&) noexcept = default;

    // Keeps every field of `s` except tcp_info and memory (-e and -m are not packed: their
    // listings keep Sockets). Owners the socket already has are kept until set_owners().
    void append(const Socket& s);
    std::size_t size() const { return offsets_.size(); }
    bool empty() const { return offsets_.empty(); }

    // Forgets the rows from `n` on (a dump that starts over), and every owner.
    void truncate(std::size_t n);

    // Row i into `out`, overwriting every field; reusing one `out` keeps its owner list's room.
    void decode(std::size_t i, Socket& out) const;
    // Row i's inode, the key owners are joined by.
    std::optional<std::uint64_t> inode(std::size_t i) const;

    // Every row's owners at once: row i owns owners[begin[i] .. begin[i + 1]), so `begin` has
    // size() + 1 entries (or none: the owners rows were appended with). Replaces earlier owners;
    // rows appended afterwards keep their own.
    void set_owners(std::vector<Owner> owners, std::vector<std::uint32_t> begin);

    // The bytes held, rows and owners together (for tests and benchmarks).
    std::size_t bytes_used() const;

private:
    struct Block {
        std::unique_ptr<std::uint8_t[]> data;
        std::size_t capacity = 0;
        std::size_t used = 0;
        std::size_t first_row = 0;
    };
    const std::uint8_t* row_data(std::size_t i) const;

    std::vector<Block> blocks_;
    std::vector<std::uint32_t> offsets_;  // row i starts at this offset in its block
    std::vector<Owner> owners_;
    std::vector<std::uint32_t> owner_begin_;
};

}  // namespace tcpstat
