// Owns the byte layout of a packed socket row: a presence mask, the state, both endpoints, then
// each present number as a varint.
#include "tcpstat/packed_sockets.hpp"

#include <algorithm>
#include <cstring>

namespace tcpstat {
namespace {

// Which parts a row carries, in the order they follow the mask.
enum Bit : std::uint16_t {
    kUdp = 1u << 0,
    kInet6 = 1u << 1,
    kLocalV6 = 1u << 2,
    kRemoteV6 = 1u << 3,
    kLocalScope = 1u << 4,
    kRemoteScope = 1u << 5,
    kUid = 1u << 6,
    kRxQueue = 1u << 7,
    kTxQueue = 1u << 8,
    kRetransmits = 1u << 9,
    kChangedBy = 1u << 10,
    kInode = 1u << 11,
    kNetns = 1u << 12,
    kCookie = 1u << 13,
    kAge = 1u << 14,
    kTimer = 1u << 15,
};

// mask 2 + state 1 + two endpoints (16 + 2 + 5) + ten varints of at most 10 + the timer kind,
// then the owner count; each carried owner adds at most 15 (pid and fd).
constexpr std::size_t kMaxRow = 3 + 2 * 23 + 10 * 10 + 1 + 10;
constexpr std::size_t kMaxOwner = 15;
// Small listings stay small; big ones get blocks of 1 MiB, which the allocator maps on their own
// and whose untouched tail pages never become resident.
constexpr std::size_t kFirstBlock = 16 * 1024;
constexpr std::size_t kLastBlock = 1024 * 1024;

class Writer {
public:
    explicit Writer(std::uint8_t* p) : p_(p) {}
    void byte(std::uint8_t b) { *p_++ = b; }
    void bytes(const std::uint8_t* b, std::size_t n) {
        std::memcpy(p_, b, n);
        p_ += n;
    }
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            *p_++ = static_cast<std::uint8_t>(v | 0x80);
            v >>= 7;
        }
        *p_++ = static_cast<std::uint8_t>(v);
    }
    std::uint8_t* at() const { return p_; }

private:
    std::uint8_t* p_;
};

class Reader {
public:
    explicit Reader(const std::uint8_t* p) : p_(p) {}
    std::uint8_t byte() { return *p_++; }
    void bytes(std::uint8_t* to, std::size_t n) {
        std::memcpy(to, p_, n);
        p_ += n;
    }
    void skip(std::size_t n) { p_ += n; }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            const std::uint8_t b = *p_++;
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
    }

private:
    const std::uint8_t* p_;
};

// Signed numbers (a pid) as unsigned so that small magnitudes of either sign stay short.
std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void write_endpoint(Writer& w, const Endpoint& e, bool v6) {
    w.bytes(e.addr.bytes.data(), v6 ? 16 : 4);
    w.byte(static_cast<std::uint8_t>(e.port >> 8));
    w.byte(static_cast<std::uint8_t>(e.port));
}

void read_endpoint(Reader& r, Endpoint& e, bool v6) {
    e.addr.family = v6 ? Family::Inet6 : Family::Inet;
    e.addr.bytes = {};
    r.bytes(e.addr.bytes.data(), v6 ? 16 : 4);
    const std::uint8_t hi = r.byte();
    e.port = static_cast<std::uint16_t>(hi << 8 | r.byte());
}

template <class T>
void put(Writer& w, std::uint16_t mask, Bit bit, const PackedOptional<T>& v) {
    if (mask & bit) w.varint(static_cast<std::uint64_t>(*v));
}

template <class T>
void get(Reader& r, std::uint16_t mask, Bit bit, PackedOptional<T>& v) {
    if (mask & bit) v = static_cast<T>(r.varint());
    else v = std::nullopt;
}

}  // namespace

void PackedSockets::append(const Socket& s) {
    const std::size_t most = kMaxRow + s.owners.size() * kMaxOwner;
    if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < most) {
        Block b;
        b.capacity = blocks_.empty() ? kFirstBlock : std::min(kLastBlock, blocks_.back().capacity * 2);
        b.capacity = std::max(b.capacity, most);  // a socket of thousands of owners gets a block of its own
        b.data.reset(new std::uint8_t[b.capacity]);  // not zeroed: only what is written is touched
        b.first_row = size();
        blocks_.push_back(std::move(b));
    }
    Block& b = blocks_.back();
    const bool local_v6 = s.local.addr.family == Family::Inet6;
    const bool remote_v6 = s.remote.addr.family == Family::Inet6;
    std::uint16_t mask = 0;
    auto flag = [&mask](bool on, Bit bit) {
        if (on) mask |= bit;
    };
    flag(s.protocol == Protocol::Udp, kUdp);
    flag(s.family == Family::Inet6, kInet6);
    flag(local_v6, kLocalV6);
    flag(remote_v6, kRemoteV6);
    flag(s.local.addr.scope_id != 0, kLocalScope);
    flag(s.remote.addr.scope_id != 0, kRemoteScope);
    flag(s.uid.has_value(), kUid);
    flag(s.rx_queue.has_value(), kRxQueue);
    flag(s.tx_queue.has_value(), kTxQueue);
    flag(s.retransmits.has_value(), kRetransmits);
    flag(s.changed_by.has_value(), kChangedBy);
    flag(s.inode.has_value(), kInode);
    flag(s.netns.has_value(), kNetns);
    flag(s.cookie.has_value(), kCookie);
    flag(s.age_ms.has_value(), kAge);
    flag(s.timer.has_value(), kTimer);

    Writer w(b.data.get() + b.used);
    w.byte(static_cast<std::uint8_t>(mask));
    w.byte(static_cast<std::uint8_t>(mask >> 8));
    w.byte(static_cast<std::uint8_t>(s.state));
    write_endpoint(w, s.local, local_v6);
    write_endpoint(w, s.remote, remote_v6);
    if (mask & kLocalScope) w.varint(s.local.addr.scope_id);
    if (mask & kRemoteScope) w.varint(s.remote.addr.scope_id);
    put(w, mask, kUid, s.uid);
    put(w, mask, kRxQueue, s.rx_queue);
    put(w, mask, kTxQueue, s.tx_queue);
    put(w, mask, kRetransmits, s.retransmits);
    if (mask & kChangedBy) w.varint(zigzag(*s.changed_by));
    put(w, mask, kInode, s.inode);
    put(w, mask, kNetns, s.netns);
    put(w, mask, kCookie, s.cookie);
    put(w, mask, kAge, s.age_ms);
    if (mask & kTimer) {
        w.byte(static_cast<std::uint8_t>(s.timer->kind));
        w.varint(s.timer->expires_ms);
    }
    // Owners a backend's table already carries (Windows names the pid in every row); one byte
    // (none) where owners are joined later.
    w.varint(s.owners.size());
    for (const Owner& o : s.owners) {
        w.varint(zigzag(o.pid));
        w.varint(o.fd ? static_cast<std::uint64_t>(static_cast<std::uint32_t>(*o.fd)) + 1 : 0);
    }
    offsets_.push_back(static_cast<std::uint32_t>(b.used));
    b.used = static_cast<std::size_t>(w.at() - b.data.get());
}

void PackedSockets::truncate(std::size_t n) {
    if (n >= size()) return;
    while (!blocks_.empty() && blocks_.back().first_row >= n) blocks_.pop_back();
    if (!blocks_.empty()) blocks_.back().used = offsets_[n];
    offsets_.resize(n);
    owners_.clear();
    owner_begin_.clear();
}

const std::uint8_t* PackedSockets::row_data(std::size_t i) const {
    // A few dozen blocks at most: the last whose first row is at or before i.
    auto it = std::upper_bound(blocks_.begin(), blocks_.end(), i,
                               [](std::size_t row, const Block& b) { return row < b.first_row; });
    return (it - 1)->data.get() + offsets_[i];
}

void PackedSockets::decode(std::size_t i, Socket& out) const {
    Reader r(row_data(i));
    std::uint16_t mask = r.byte();
    mask = static_cast<std::uint16_t>(mask | r.byte() << 8);
    out.protocol = (mask & kUdp) ? Protocol::Udp : Protocol::Tcp;
    out.family = (mask & kInet6) ? Family::Inet6 : Family::Inet;
    out.state = static_cast<TcpState>(r.byte());
    read_endpoint(r, out.local, mask & kLocalV6);
    read_endpoint(r, out.remote, mask & kRemoteV6);
    out.local.addr.scope_id = (mask & kLocalScope) ? static_cast<std::uint32_t>(r.varint()) : 0;
    out.remote.addr.scope_id = (mask & kRemoteScope) ? static_cast<std::uint32_t>(r.varint()) : 0;
    get(r, mask, kUid, out.uid);
    get(r, mask, kRxQueue, out.rx_queue);
    get(r, mask, kTxQueue, out.tx_queue);
    get(r, mask, kRetransmits, out.retransmits);
    if (mask & kChangedBy) out.changed_by = static_cast<Pid>(unzigzag(r.varint()));
    else out.changed_by = std::nullopt;
    get(r, mask, kInode, out.inode);
    get(r, mask, kNetns, out.netns);
    get(r, mask, kCookie, out.cookie);
    get(r, mask, kAge, out.age_ms);
    if (mask & kTimer) {
        const auto kind = static_cast<TimerKind>(r.byte());
        out.timer = Timer{kind, r.varint()};
    } else {
        out.timer = std::nullopt;
    }
    out.owners.clear();
    // Rows appended after set_owners() keep their own.
    const bool joined = i + 1 < owner_begin_.size();
    const std::uint64_t carried = r.varint();
    for (std::uint64_t k = 0; k < carried; ++k) {
        Owner o;
        o.pid = static_cast<Pid>(unzigzag(r.varint()));
        if (const std::uint64_t fd = r.varint()) o.fd = static_cast<std::int32_t>(static_cast<std::uint32_t>(fd - 1));
        if (!joined) out.owners.push_back(o);
    }
    if (joined)
        for (std::uint32_t k = owner_begin_[i]; k < owner_begin_[i + 1]; ++k) out.owners.push_back(owners_[k]);
    out.tcp_info.reset();
    out.memory.reset();
}

std::optional<std::uint64_t> PackedSockets::inode(std::size_t i) const {
    // The owner join asks every row for its inode: skip to it rather than decode the row.
    Reader r(row_data(i));
    std::uint16_t mask = r.byte();
    mask = static_cast<std::uint16_t>(mask | r.byte() << 8);
    if (!(mask & kInode)) return std::nullopt;
    r.skip(1 + ((mask & kLocalV6) ? 18 : 6) + ((mask & kRemoteV6) ? 18 : 6));
    for (Bit before : {kLocalScope, kRemoteScope, kUid, kRxQueue, kTxQueue, kRetransmits, kChangedBy})
        if (mask & before) r.varint();
    return r.varint();
}

void PackedSockets::set_owners(std::vector<Owner> owners, std::vector<std::uint32_t> begin) {
    if (!begin.empty() && begin.size() != size() + 1) begin.clear();  // a caller's mistake: no owners rather than a wild read
    owners_ = std::move(owners);
    owner_begin_ = std::move(begin);
}

std::size_t PackedSockets::bytes_used() const {
    std::size_t n = offsets_.capacity() * sizeof(std::uint32_t) + owners_.capacity() * sizeof(Owner) +
                    owner_begin_.capacity() * sizeof(std::uint32_t);
    for (const Block& b : blocks_) n += b.used;
    return n;
}

}  // namespace tcpstat
