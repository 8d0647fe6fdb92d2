// Owns -g grouping: counting sockets per distinct key tuple, each owner value counted once per socket.
#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <functional>

#include "tcpstat/group.hpp"

namespace tcpstat {

namespace {

constexpr std::size_t kMaxKeys = static_cast<std::size_t>(GroupKey::Service) + 1;

// One key value while counting. Text points into the snapshot or static tables, which outlive
// the grouping, so building a key never allocates.
enum class CellKind : std::uint8_t { Null, Number, Text, Uid, Addr, State };
struct Cell {
    IpAddress addr;         // Addr
    std::string_view text;  // Text, State (its name for this protocol)
    std::int64_t num = 0;   // Number, Uid, State (enum value, for ordering)
    CellKind kind = CellKind::Null;

    bool operator==(const Cell& o) const {
        if (kind != o.kind) return false;
        switch (kind) {
            case CellKind::Null: return true;
            case CellKind::Number:
            case CellKind::Uid: return num == o.num;
            case CellKind::Text:
            case CellKind::State: return text == o.text;
            case CellKind::Addr: return addr == o.addr;
        }
        return false;
    }
};

Cell number(std::int64_t v) {
    Cell c;
    c.kind = CellKind::Number;
    c.num = v;
    return c;
}
Cell text(std::string_view v) {
    Cell c;
    c.kind = CellKind::Text;
    c.text = v;
    return c;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

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
    for (std::size_t i = 0; i < n; ++i) {
        const Cell& c = cells[i];
        h = mix(h, static_cast<std::uint64_t>(c.kind));
        switch (c.kind) {
            case CellKind::Null: break;
            case CellKind::Number:
            case CellKind::Uid: h = mix(h, static_cast<std::uint64_t>(c.num)); break;
            case CellKind::Text:
            case CellKind::State: h = mix(h, std::hash<std::string_view>{}(c.text)); break;
            case CellKind::Addr: {
                std::uint64_t lo = 0, hi = 0;
                for (int b = 0; b < 8; ++b) lo = (lo << 8) | c.addr.bytes[b];
                for (int b = 8; b < 16; ++b) hi = (hi << 8) | c.addr.bytes[b];
                h = mix(mix(mix(h, lo), hi), (std::uint64_t{c.addr.scope_id} << 8) | static_cast<unsigned>(c.addr.family));
                break;
            }
        }
    }
    return finish(h);
}

// Distinct key tuples and their counts, stored flat (group g's cells at [g*n, g*n+n)) behind an
// open-addressing index: one allocation per growth, not one per group.
class GroupCounter {
public:
    explicit GroupCounter(std::size_t width) : width_(width) {}

    void add(const Cell* key) {
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
                return;
            }
            std::size_t g = slot - 1;
            if (hashes_[g] == h && std::equal(key, key + width_, cells_.begin() + static_cast<std::ptrdiff_t>(g * width_))) {
                ++counts_[g];
                return;
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

Cell socket_cell(GroupKey k, const Socket& s, const Snapshot& snap, const ServerPorts* client_ports) {
    Cell c;
    switch (k) {
        case GroupKey::State:
            c.kind = CellKind::State;
            c.num = static_cast<std::int64_t>(s.state);
            c.text = state_name(s.state, s.protocol);
            return c;
        case GroupKey::Proto: return text(protocol_name(s.protocol));
        case GroupKey::Family: return text(family_name(s.family));
        case GroupKey::User: {
            if (!s.uid) return c;
            auto it = snap.users.find(*s.uid);
            if (it != snap.users.end()) return text(it->second);
            c.kind = CellKind::Uid;
            c.num = *s.uid;
            return c;
        }
        case GroupKey::Lport:
            if (client_ports && !client_ports->has(s.protocol, s.local.port)) return text(kClientPortsGroup);
            return number(s.local.port);
        case GroupKey::Rport: return number(s.remote.port);
        case GroupKey::Laddr:
        case GroupKey::Raddr:
            c.kind = CellKind::Addr;
            c.addr = k == GroupKey::Laddr ? s.local.addr : s.remote.addr;
            return c;
        case GroupKey::Netns: {
            if (!s.netns) return c;
            auto it = snap.netns_names.find(*s.netns);
            return it != snap.netns_names.end() ? text(it->second) : number(static_cast<std::int64_t>(*s.netns));
        }
        case GroupKey::Pid:
        case GroupKey::Process:
        case GroupKey::Cmdline:
        case GroupKey::Exe:
        case GroupKey::Service: break;  // per owner
    }
    return c;
}

// The owner-derived part of a key: only the members the user grouped by are filled in, so that
// two owners differing in an ungrouped member collapse into one.
struct OwnerValue {
    std::optional<Pid> pid;
    std::optional<std::string_view> name, cmdline, exe, service;
    auto operator<=>(const OwnerValue&) const = default;
};

// Which slot of the counted key each owner-derived key fills; -1: not grouped by it.
struct OwnerSlots {
    int pid = -1, process = -1, cmdline = -1, exe = -1, service = -1;
    bool any() const { return pid >= 0 || process >= 0 || cmdline >= 0 || exe >= 0 || service >= 0; }
};

OwnerValue owner_value(const Owner& o, const Snapshot& snap, const OwnerSlots& slots) {
    OwnerValue v;
    if (slots.pid >= 0) v.pid = o.pid;
    const Process* p = snap.process(o.pid);
    if (p == nullptr) return v;
    if (slots.process >= 0) v.name = std::string_view(p->name);
    if (slots.cmdline >= 0 && p->cmdline) v.cmdline = std::string_view(*p->cmdline);
    if (slots.exe >= 0 && p->exe) v.exe = std::string_view(*p->exe);
    if (slots.service >= 0 && p->service) v.service = std::string_view(*p->service);
    return v;
}

void put_text(std::array<Cell, kMaxKeys>& key, int slot, const std::optional<std::string_view>& v) {
    if (slot >= 0) key[static_cast<std::size_t>(slot)] = v ? text(*v) : Cell{};
}

std::string_view cell_text(const Cell& c, std::array<char, 24>& buf) {
    if (c.kind == CellKind::Uid) {
        auto r = std::to_chars(buf.data(), buf.data() + buf.size(), c.num);
        return std::string_view(buf.data(), static_cast<std::size_t>(r.ptr - buf.data()));
    }
    return c.text;
}

// Ascending, null last; numbers numerically, addresses by value, states in enum order.
int compare_cells(const Cell& a, const Cell& b) {
    bool an = a.kind == CellKind::Null, bn = b.kind == CellKind::Null;
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
    if (a.kind == CellKind::Number && b.kind == CellKind::Number) return a.num < b.num ? -1 : a.num > b.num;
    if (a.kind == CellKind::Addr && b.kind == CellKind::Addr) {
        auto c = a.addr <=> b.addr;
        return c < 0 ? -1 : c > 0;
    }
    if (a.kind == CellKind::State && b.kind == CellKind::State && a.num != b.num) return a.num < b.num ? -1 : 1;
    std::array<char, 24> ab{}, bb{};
    auto c = cell_text(a, ab).compare(cell_text(b, bb));
    return c < 0 ? -1 : c > 0;
}

Value to_value(const Cell& c) {
    switch (c.kind) {
        case CellKind::Null: return std::monostate{};
        case CellKind::Number: return c.num;
        case CellKind::Uid: return fmt::format("{}", c.num);
        case CellKind::Text:
        case CellKind::State: return std::string(c.text);
        case CellKind::Addr: return format_address(c.addr);
    }
    return std::monostate{};
}

Column column_of(GroupKey k) {
    Column col;
    col.name = std::string(group_key_name(k));
    for (char ch : col.name) col.header += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    bool numeric = k == GroupKey::Pid || k == GroupKey::Lport || k == GroupKey::Rport;  // netns: mostly names
    col.type = numeric ? FieldType::Number : FieldType::Text;
    return col;
}

}  // namespace

Table group_sockets(const Snapshot& snap, const std::vector<GroupKey>& keys, const ServerPorts* client_ports,
                    std::span<const GroupSortKey> sort_keys) {
    Table table;
    table.name = "groups";
    for (GroupKey k : keys) table.columns.push_back(column_of(k));
    table.columns.push_back(Column{"count", "COUNT", FieldType::Number});

    // Counting uses each distinct key once (at most kMaxKeys); a repeated key only repeats a column.
    std::vector<GroupKey> used;
    for (GroupKey k : keys)
        if (static_cast<std::size_t>(k) < kMaxKeys && std::find(used.begin(), used.end(), k) == used.end())
            used.push_back(k);
    OwnerSlots slots;
    for (std::size_t i = 0; i < used.size(); ++i) {
        const int at = static_cast<int>(i);
        if (used[i] == GroupKey::Pid) slots.pid = at;
        if (used[i] == GroupKey::Process) slots.process = at;
        if (used[i] == GroupKey::Cmdline) slots.cmdline = at;
        if (used[i] == GroupKey::Exe) slots.exe = at;
        if (used[i] == GroupKey::Service) slots.service = at;
    }
    const bool by_owner = slots.any();

    GroupCounter counter(used.size());
    std::vector<OwnerValue> variants;  // reused across sockets
    std::array<Cell, kMaxKeys> key{};
    for (const Socket& s : snap.sockets) {
        for (std::size_t i = 0; i < used.size(); ++i) key[i] = socket_cell(used[i], s, snap, client_ports);
        if (!by_owner || s.owners.empty()) {
            counter.add(key.data());
            continue;
        }
        variants.clear();
        for (const Owner& o : s.owners) variants.push_back(owner_value(o, snap, slots));
        if (variants.size() > 1) {
            std::sort(variants.begin(), variants.end());
            variants.erase(std::unique(variants.begin(), variants.end()), variants.end());
        }
        for (const OwnerValue& v : variants) {
            if (slots.pid >= 0) key[static_cast<std::size_t>(slots.pid)] = v.pid ? number(*v.pid) : Cell{};
            put_text(key, slots.process, v.name);
            put_text(key, slots.cmdline, v.cmdline);
            put_text(key, slots.exe, v.exe);
            put_text(key, slots.service, v.service);
            counter.add(key.data());
        }
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
                const bool na = ka[slot].kind == CellKind::Null, nb = kb[slot].kind == CellKind::Null;
                if (na != nb) return nb;  // missing values last, either way
                c = compare_cells(ka[slot], kb[slot]);
            }
            if (c != 0) return descending ? c > 0 : c < 0;
        }
        if (counter.count(a) != counter.count(b)) return counter.count(a) > counter.count(b);
        for (std::size_t i = 0; i < used.size(); ++i) {
            int c = compare_cells(ka[i], kb[i]);
            if (c != 0) return c < 0;
        }
        return false;
    });

    // Where each requested column's value sits in the counted key.
    std::vector<std::size_t> source;
    for (GroupKey k : keys)
        source.push_back(static_cast<std::size_t>(std::find(used.begin(), used.end(), k) - used.begin()));

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
    int pid_slot = -1, process_slot = -1;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == GroupKey::Pid) pid_slot = static_cast<int>(i);
        else if (keys[i] == GroupKey::Process) process_slot = static_cast<int>(i);
        else if (to_value(socket_cell(keys[i], s, snap, client_ports)) != values[i]) return false;
    }
    if (pid_slot < 0 && process_slot < 0) return true;
    auto slot_is = [&](int slot, const Value& v) { return slot < 0 || values[static_cast<std::size_t>(slot)] == v; };
    if (s.owners.empty()) return slot_is(pid_slot, Value{}) && slot_is(process_slot, Value{});
    for (const Owner& o : s.owners) {
        const Process* p = snap.process(o.pid);
        const Value name = p ? Value{p->name} : Value{};
        if (slot_is(pid_slot, Value{std::int64_t{o.pid}}) && slot_is(process_slot, name)) return true;
    }
    return false;
}

}  // namespace tcpstat
