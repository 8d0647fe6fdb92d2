// Owns where found owners go: a snapshot's sockets or packed rows, behind one interface, so the
// walk, the kernel's list of fds and the prefetch each join owners once for both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tcpstat/model.hpp"
#include "tcpstat/packed_sockets.hpp"

namespace tcpstat::procfs {

class OwnerJoin {
public:
    virtual ~OwnerJoin() = default;
    virtual std::size_t size() const = 0;
    virtual std::optional<std::uint64_t> inode(std::size_t i) const = 0;
    // Socket i gains an owner; owners arrive in any order.
    virtual void add(std::uint32_t i, const Owner& owner) = 0;
    // After the last add(): each socket's owners in (pid, fd) order, whatever order the threads
    // found them in, so the listing does not depend on it.
    virtual void done() = 0;
};

// Straight into the sockets (no list of matches in between: at 100k that copy cost more than
// the appends); a second run replaces the first one's owners.
class SnapshotJoin final : public OwnerJoin {
public:
    explicit SnapshotJoin(Snapshot& snap) : snap_(snap) {
        for (Socket& s : snap_.sockets) s.owners.clear();
    }
    std::size_t size() const override { return snap_.sockets.size(); }
    std::optional<std::uint64_t> inode(std::size_t i) const override { return snap_.sockets[i].inode; }
    void add(std::uint32_t i, const Owner& owner) override {
        auto& owners = snap_.sockets[i].owners;
        owners.push_back(owner);
        shared_ = shared_ || owners.size() > 1;
    }
    void done() override;

private:
    Snapshot& snap_;
    bool shared_ = false;
};

// Into packed rows' side table: (row, owner) pairs, laid out by row at the end.
class PackedJoin final : public OwnerJoin {
public:
    explicit PackedJoin(PackedSockets& rows) : rows_(rows) {}
    std::size_t size() const override { return rows_.size(); }
    std::optional<std::uint64_t> inode(std::size_t i) const override { return rows_.inode(i); }
    void add(std::uint32_t i, const Owner& owner) override { found_.emplace_back(i, owner); }
    void done() override;

private:
    PackedSockets& rows_;
    std::vector<std::pair<std::uint32_t, Owner>> found_;
};

}  // namespace tcpstat::procfs
