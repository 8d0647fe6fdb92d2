// Owns -g grouping: counting sockets per distinct key tuple, each owner value counted once per socket.
#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <functional>

#include "tcpstat/field_value.hpp"
#include "tcpstat/grouping.hpp"

namespace tcpstat {

namespace {

constexpr std::size_t kMaxKeys = kFieldCount;

using Cell = FieldValue;

// Final avalanche so that the low bits used by the probe table depend on every input bit.
std::uint64_t finish(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

std::uint64_t hash_cells(const Cell* cells, std::size_t n) {
    std::uint64_t h = n;
    for (std::size_t i = 0; i < n; ++i) h = h * 0x100000001b3ULL ^ hash_value(cells[i]);
    return finish(h);
}

// Distinct key tuples and their counts, stored flat (group g's cells at [g*n, g*n+n)) behind an
// open-addressing index: one allocation per growth, not one per group.
class GroupCounter {
public:
    explicit GroupCounter(std::size_t width) : width_(width) {}

    // The group's index.
    std::size_t add(const Cell* key) {
        if ((counts_.size() + 1) * 2 > slots_.size()) grow();
        std::uint64_t h = hash_cells(key, width_);
        std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            std::uint32_t slot = slots_[i];
            if (slot == 0) {
                slots_[i] = static_cast<std::uint32_t>(counts_.size() + 1);
                cells_.insert(cells_.end(), key, key + width_);
                hashes_.push_back(h);
                counts_.push_back(1);
                return counts_.size() - 1;
            }
            std::size_t g = slot - 1;
            if (hashes_[g] == h && std::equal(key, key + width_, cells_.begin() + static_cast<std::ptrdiff_t>(g * width_))) {
                ++counts_[g];
                return g;
            }
        }
    }

    std::size_t size() const { return counts_.size(); }
    const Cell* key(std::size_t g) const { return cells_.data() + g * width_; }
    std::uint64_t count(std::size_t g) const { return counts_[g]; }

private:
    void grow() {
        std::size_t cap = slots_.empty() ? 64 : slots_.size() * 2;
        slots_.assign(cap, 0);
        std::size_t mask = cap - 1;
        for (std::size_t g = 0; g < hashes_.size(); ++g) {
            std::size_t i = hashes_[g] & mask;
            while (slots_[i] != 0) i = (i + 1) & mask;
            slots_[i] = static_cast<std::uint32_t>(g + 1);
        }
    }

    std::size_t width_;
    std::vector<Cell> cells_;
    std::vector<std::uint64_t> hashes_;
    std::vector<std::uint64_t> counts_;
    std::vector<std::uint32_t> slots_;
};

// The value a socket counts under for key k; per-owner keys take `owner`'s value.
Cell key_cell(GroupKey k, const Socket& s, const Snapshot& snap, const ServerPorts* client_ports, const Owner* owner) {
    if (k == Field::Lport && client_ports && !client_ports->has(s.protocol, s.local.port))
        return FieldValue::string(kClientPortsGroup, true);
    return field_value(snap, s, k, owner);
}

Column column_of(GroupKey k) {
    const FieldInfo& fi = field_info(k);
    // netns is mostly a name (`ip netns`, or a hint), a bare inode only without one.
    return Column{std::string(fi.name), std::string(fi.header), k == Field::Netns ? FieldType::Text : fi.type};
}

}  // namespace

Table group_sockets(const Snapshot& snap, const std::vector<GroupKey>& keys, const ServerPorts* client_ports,
                    std::span<const GroupSortKey> sort_keys, std::span<const std::int64_t> first_seen,
                    std::vector<std::int64_t>* row_first_seen) {
    Table table;
    table.name = "groups";
    for (GroupKey k : keys) table.columns.push_back(column_of(k));
    table.columns.push_back(Column{"count", "COUNT", FieldType::Number});

    // Counting uses each distinct key once (at most kMaxKeys); a repeated key only repeats a column.
    std::vector<GroupKey> used;
    for (GroupKey k : keys)
        if (static_cast<std::size_t>(k) < kMaxKeys && std::find(used.begin(), used.end(), k) == used.end())
            used.push_back(k);
    std::vector<std::size_t> owner_slots;  // the slots of per-owner keys
    for (std::size_t i = 0; i < used.size(); ++i)
        if (per_owner(used[i])) owner_slots.push_back(i);

    GroupCounter counter(used.size());
    // The owner-derived part of each key already counted for this socket: two owners differing
    // only in an ungrouped member collapse into one.
    std::vector<Cell> counted;
    std::array<Cell, kMaxKeys> key{};
    const bool track = row_first_seen != nullptr && first_seen.size() == snap.sockets.size();
    std::vector<std::int64_t> group_first;  // per counted group, when tracking
    std::size_t socket_index = 0;
    auto add = [&](const Cell* k) {
        const std::size_t g = counter.add(k);
        if (!track) return;
        const std::int64_t t = first_seen[socket_index];
        if (g == group_first.size()) group_first.push_back(t);
        else group_first[g] = std::min(group_first[g], t);
    };
    for (const Socket& s : snap.sockets) {
        for (std::size_t i = 0; i < used.size(); ++i) key[i] = key_cell(used[i], s, snap, client_ports, nullptr);
        if (owner_slots.empty() || s.owners.size() <= 1) {
            add(key.data());
            ++socket_index;
            continue;
        }
        counted.clear();
        const std::size_t width = owner_slots.size();
        for (const Owner& o : s.owners) {
            for (std::size_t slot : owner_slots) key[slot] = field_value(snap, s, used[slot], &o);
            bool seen = false;
            for (std::size_t at = 0; at < counted.size() && !seen; at += width) {
                seen = true;
                for (std::size_t j = 0; j < width && seen; ++j) seen = counted[at + j] == key[owner_slots[j]];
            }
            if (seen) continue;
            for (std::size_t slot : owner_slots) counted.push_back(key[slot]);
            add(key.data());
        }
        ++socket_index;
    }

    std::vector<std::size_t> order(counter.size());
    for (std::size_t g = 0; g < order.size(); ++g) order[g] = g;
    // The slot of each --sort key in the counted key; npos: the count.
    std::vector<std::pair<std::size_t, bool>> chosen;
    for (const GroupSortKey& k : sort_keys) {
        const std::size_t slot = k.key ? static_cast<std::size_t>(std::find(used.begin(), used.end(), *k.key) - used.begin())
                                       : std::string::npos;
        chosen.emplace_back(slot, k.descending);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const Cell* ka = counter.key(a);
        const Cell* kb = counter.key(b);
        for (const auto& [slot, descending] : chosen) {
            int c = 0;
            if (slot == std::string::npos) {
                c = counter.count(a) < counter.count(b) ? -1 : counter.count(a) > counter.count(b) ? 1 : 0;
            } else if (slot < used.size()) {
                const bool na = ka[slot].is_null(), nb = kb[slot].is_null();
                if (na != nb) return nb;  // missing values last, either way
                c = compare_values(ka[slot], kb[slot]);
            }
            if (c != 0) return descending ? c > 0 : c < 0;
        }
        if (counter.count(a) != counter.count(b)) return counter.count(a) > counter.count(b);
        for (std::size_t i = 0; i < used.size(); ++i) {
            int c = compare_values(ka[i], kb[i]);
            if (c != 0) return c < 0;
        }
        return false;
    });

    // Where each requested column's value sits in the counted key.
    std::vector<std::size_t> source;
    for (GroupKey k : keys)
        source.push_back(static_cast<std::size_t>(std::find(used.begin(), used.end(), k) - used.begin()));

    if (row_first_seen) {
        row_first_seen->clear();
        if (track)
            for (std::size_t g : order) row_first_seen->push_back(group_first[g]);
    }
    table.rows.reserve(order.size());
    for (std::size_t g : order) {
        std::vector<Value> row;
        row.reserve(keys.size() + 1);
        const Cell* cells = counter.key(g);
        for (std::size_t pos : source) row.push_back(pos < used.size() ? to_value(cells[pos]) : Value{});
        row.push_back(static_cast<std::int64_t>(counter.count(g)));
        table.rows.push_back(std::move(row));
    }
    return table;
}

bool socket_in_group(const Snapshot& snap, const Socket& s, const std::vector<GroupKey>& keys,
                     const std::vector<Value>& values, const ServerPorts* client_ports) {
    if (values.size() < keys.size()) return false;
    bool by_owner = false;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (per_owner(keys[i])) by_owner = true;
        else if (to_value(key_cell(keys[i], s, snap, client_ports, nullptr)) != values[i]) return false;
    }
    if (!by_owner) return true;
    const auto owner_matches = [&](const Owner* o) {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (per_owner(keys[i]) && to_value(key_cell(keys[i], s, snap, client_ports, o)) != values[i]) return false;
        return true;
    };
    if (s.owners.empty()) return owner_matches(nullptr);
    for (const Owner& o : s.owners)
        if (owner_matches(&o)) return true;
    return false;
}

}  // namespace tcpstat
