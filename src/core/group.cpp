// Owns group keys and -g grouping: counting sockets per distinct key tuple, owners counted once each.
#include "tcpstat/group.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <functional>
#include <unordered_map>

#include "tcpstat/error.hpp"

namespace tcpstat {

namespace {

struct KeyInfo {
    GroupKey key;
    std::string_view name;
    std::string_view header;
    FieldType type;
};

// In enum order, so lookups by key are an index.
constexpr KeyInfo kKeys[] = {
    {GroupKey::State, "state", "STATE", FieldType::Text},
    {GroupKey::Proto, "proto", "PROTO", FieldType::Text},
    {GroupKey::Family, "family", "FAMILY", FieldType::Text},
    {GroupKey::Pid, "pid", "PID", FieldType::Number},
    {GroupKey::Process, "process", "PROCESS", FieldType::Text},
    {GroupKey::User, "user", "USER", FieldType::Text},
    {GroupKey::Lport, "lport", "LPORT", FieldType::Number},
    {GroupKey::Rport, "rport", "RPORT", FieldType::Number},
    {GroupKey::Laddr, "laddr", "LADDR", FieldType::Text},
    {GroupKey::Raddr, "raddr", "RADDR", FieldType::Text},
    {GroupKey::Netns, "netns", "NETNS", FieldType::Number},
};
constexpr std::size_t kMaxKeys = std::size(kKeys);

const KeyInfo& key_info(GroupKey k) {
    auto i = static_cast<std::size_t>(k);
    return i < kMaxKeys ? kKeys[i] : kKeys[0];
}

std::string accepted_key_names() {
    std::string out;
    for (const auto& k : kKeys) {
        if (!out.empty()) out += ", ";
        out += k.name;
    }
    return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// One key value while counting. Text points into the snapshot or static tables, which outlive
// the grouping, so building a key never allocates.
enum class CellKind : std::uint8_t { Null, Number, Text, Uid, Addr, State };
struct Cell {
    CellKind kind = CellKind::Null;
    std::int64_t num = 0;   // Number, Uid, State (enum value, for ordering)
    std::string_view text;  // Text, State (its name for this protocol)
    IpAddress addr;         // Addr

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

struct Key {
    std::array<Cell, kMaxKeys> cells{};
    std::size_t n = 0;
    bool operator==(const Key& o) const {
        return n == o.n && std::equal(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(n),
                                      o.cells.begin());
    }
};

std::size_t mix(std::size_t h, std::size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

struct KeyHash {
    std::size_t operator()(const Key& k) const {
        std::size_t h = k.n;
        for (std::size_t i = 0; i < k.n; ++i) {
            const Cell& c = k.cells[i];
            h = mix(h, static_cast<std::size_t>(c.kind));
            switch (c.kind) {
                case CellKind::Null: break;
                case CellKind::Number:
                case CellKind::Uid: h = mix(h, std::hash<std::int64_t>{}(c.num)); break;
                case CellKind::Text:
                case CellKind::State: h = mix(h, std::hash<std::string_view>{}(c.text)); break;
                case CellKind::Addr:
                    h = mix(h, std::hash<std::string_view>{}(std::string_view(
                                   reinterpret_cast<const char*>(c.addr.bytes.data()), c.addr.bytes.size())));
                    h = mix(h, static_cast<std::size_t>(c.addr.family));
                    h = mix(h, c.addr.scope_id);
                    break;
            }
        }
        return h;
    }
};

Cell number(std::int64_t v) { return Cell{CellKind::Number, v, {}, {}}; }
Cell text(std::string_view v) { return Cell{CellKind::Text, 0, v, {}}; }
Cell address(const IpAddress& a) { return Cell{CellKind::Addr, 0, {}, a}; }

Cell socket_cell(GroupKey k, const Socket& s, const Snapshot& snap) {
    switch (k) {
        case GroupKey::State:
            return Cell{CellKind::State, static_cast<std::int64_t>(s.state), state_name(s.state, s.protocol), {}};
        case GroupKey::Proto: return text(protocol_name(s.protocol));
        case GroupKey::Family: return text(family_name(s.family));
        case GroupKey::User: {
            if (!s.uid) return Cell{};
            auto it = snap.users.find(*s.uid);
            if (it != snap.users.end()) return text(it->second);
            return Cell{CellKind::Uid, static_cast<std::int64_t>(*s.uid), {}, {}};
        }
        case GroupKey::Lport: return number(s.local.port);
        case GroupKey::Rport: return number(s.remote.port);
        case GroupKey::Laddr: return address(s.local.addr);
        case GroupKey::Raddr: return address(s.remote.addr);
        case GroupKey::Netns: return s.netns ? number(static_cast<std::int64_t>(*s.netns)) : Cell{};
        case GroupKey::Pid:
        case GroupKey::Process: break;  // per owner
    }
    return Cell{};
}

// The owner-derived part of a key: only the members the user grouped by are filled in, so that
// two owners differing in an ungrouped member collapse into one.
struct OwnerValue {
    std::optional<Pid> pid;
    std::optional<std::string_view> name;
    auto operator<=>(const OwnerValue&) const = default;
};

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

}  // namespace

std::string_view group_key_name(GroupKey k) { return key_info(k).name; }

bool group_key_needs_owners(GroupKey k) { return k == GroupKey::Pid || k == GroupKey::Process; }

std::vector<GroupKey> parse_group_keys(std::string_view list) {
    std::vector<GroupKey> out;
    while (true) {
        auto comma = list.find(',');
        auto item = trim(list.substr(0, comma));
        if (!item.empty()) {
            const KeyInfo* found = nullptr;
            for (const auto& k : kKeys)
                if (k.name == item) found = &k;
            if (found == nullptr) {
                throw UsageError(fmt::format("unknown group key '{}': expected one of {}", item,
                                             accepted_key_names()));
            }
            if (std::find(out.begin(), out.end(), found->key) != out.end()) {
                throw UsageError(fmt::format("group key '{}' is listed twice", item));
            }
            out.push_back(found->key);
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    if (out.empty()) {
        throw UsageError(fmt::format("empty group key list: expected one of {}", accepted_key_names()));
    }
    return out;
}

Table group_sockets(const Snapshot& snap, const std::vector<GroupKey>& keys) {
    Table table;
    table.name = "groups";
    for (GroupKey k : keys) {
        const auto& info = key_info(k);
        table.columns.push_back(Column{std::string(info.name), std::string(info.header), info.type});
    }
    table.columns.push_back(Column{"count", "COUNT", FieldType::Number});

    // Counting uses each distinct key once (at most kMaxKeys); a repeated key only repeats a column.
    std::vector<GroupKey> used;
    for (GroupKey k : keys)
        if (static_cast<std::size_t>(k) < kMaxKeys && std::find(used.begin(), used.end(), k) == used.end())
            used.push_back(k);
    int pid_slot = -1, process_slot = -1;
    for (std::size_t i = 0; i < used.size(); ++i) {
        if (used[i] == GroupKey::Pid) pid_slot = static_cast<int>(i);
        if (used[i] == GroupKey::Process) process_slot = static_cast<int>(i);
    }
    bool by_owner = pid_slot >= 0 || process_slot >= 0;

    std::unordered_map<Key, std::uint64_t, KeyHash> counts;
    std::vector<OwnerValue> variants;  // reused across sockets
    Key key;
    key.n = used.size();
    for (const Socket& s : snap.sockets) {
        for (std::size_t i = 0; i < used.size(); ++i) key.cells[i] = socket_cell(used[i], s, snap);
        if (!by_owner || s.owners.empty()) {
            ++counts[key];
            continue;
        }
        variants.clear();
        for (const Owner& o : s.owners) {
            OwnerValue v;
            if (pid_slot >= 0) v.pid = o.pid;
            if (process_slot >= 0) {
                if (const Process* p = snap.process(o.pid)) v.name = std::string_view(p->name);
            }
            variants.push_back(v);
        }
        if (variants.size() > 1) {
            std::sort(variants.begin(), variants.end());
            variants.erase(std::unique(variants.begin(), variants.end()), variants.end());
        }
        for (const OwnerValue& v : variants) {
            if (pid_slot >= 0) key.cells[static_cast<std::size_t>(pid_slot)] = v.pid ? number(*v.pid) : Cell{};
            if (process_slot >= 0)
                key.cells[static_cast<std::size_t>(process_slot)] = v.name ? text(*v.name) : Cell{};
            ++counts[key];
        }
    }

    std::vector<const std::pair<const Key, std::uint64_t>*> order;
    order.reserve(counts.size());
    for (const auto& entry : counts) order.push_back(&entry);
    std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        if (a->second != b->second) return a->second > b->second;
        for (std::size_t i = 0; i < a->first.n; ++i) {
            int c = compare_cells(a->first.cells[i], b->first.cells[i]);
            if (c != 0) return c < 0;
        }
        return false;
    });

    table.rows.reserve(order.size());
    for (const auto* entry : order) {
        std::vector<Value> row;
        row.reserve(keys.size() + 1);
        for (GroupKey k : keys) {
            auto pos = static_cast<std::size_t>(std::find(used.begin(), used.end(), k) - used.begin());
            row.push_back(pos < used.size() ? to_value(entry->first.cells[pos]) : Value{});
        }
        row.push_back(static_cast<std::int64_t>(entry->second));
        table.rows.push_back(std::move(row));
    }
    return table;
}

}  // namespace tcpstat
