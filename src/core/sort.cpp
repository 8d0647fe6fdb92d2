// Owns --sort for listings: parsing the key list and a stable sort by each field, keys computed once per socket.
#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/field_value.hpp"
#include "tcpstat/sorting.hpp"
#include "tcpstat/suggest.hpp"

namespace tcpstat {

namespace {

// Keys are computed once per socket (a comparator that looked up process names would do so
// O(n log n) times), indices are sorted, and the sockets are moved once into their new order.
void sort_by(Snapshot& snap, Field field, bool descending) {
    auto& sockets = snap.sockets;
    std::vector<FieldValue> keys;
    keys.reserve(sockets.size());
    for (const Socket& s : sockets) keys.push_back(field_value(snap, s, field));

    std::vector<std::size_t> order(sockets.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const FieldValue& ka = keys[a];
        const FieldValue& kb = keys[b];
        if (ka.is_null() || kb.is_null()) return !ka.is_null() && kb.is_null();  // missing values last, either way
        const int c = compare_values(ka, kb);
        return descending ? c > 0 : c < 0;
    });

    // Apply the permutation in place, cycle by cycle: no second copy of a 100k-socket vector.
    // order[i] is the old index of the socket that belongs at i; a placed slot is marked by order[i] == i.
    for (std::size_t start = 0; start < order.size(); ++start) {
        if (order[start] == start) continue;
        Socket held = std::move(sockets[start]);
        std::size_t at = start;
        while (order[at] != start) {
            std::size_t from = order[at];
            sockets[at] = std::move(sockets[from]);
            order[at] = at;
            at = from;
        }
        sockets[at] = std::move(held);
        order[at] = at;
    }
}

}  // namespace

void sort_sockets(Snapshot& snap, Field key, bool descending) {
    if (key == Field::Owners)
        throw UsageError("cannot sort by 'owners': a socket may have several; sort by pid or process instead");
    sort_by(snap, key, descending);
}

std::vector<SortKey> parse_sort_keys(std::string_view list) {
    std::vector<std::string_view> names;
    std::string accepted;
    for (const FieldInfo& fi : all_fields()) {
        if (fi.field == Field::Owners) continue;
        names.push_back(fi.name);
        if (!accepted.empty()) accepted += ", ";
        accepted += fi.name;
    }
    std::vector<SortKey> out;
    for_each_comma_item(list, [&](std::string_view item) {
        SortKey k;
        std::string_view name = item;
        if (name.starts_with('-')) {
            k.descending = true;
            name.remove_prefix(1);
        }
        const auto field = field_by_name(name);
        if (!field || *field == Field::Owners)
            throw UsageError(fmt::format("invalid --sort '{}'{}: give fields by priority, each descending with a "
                                         "leading - (e.g. --sort state,-idle_ms); expected one of {}",
                                         item, did_you_mean(name, names), accepted));
        k.field = *field;
        for (const SortKey& seen : out)
            if (seen.field == k.field) throw UsageError(fmt::format("--sort lists '{}' twice", name));
        out.push_back(k);
    });
    if (out.empty()) throw UsageError(fmt::format("invalid --sort '{}': expected a field such as lport or -idle_ms", list));
    return out;
}

void sort_sockets(Snapshot& snap, std::span<const SortKey> keys) {
    // Stable sorts from the last key to the first: the first key decides, later ones break ties.
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) sort_sockets(snap, it->field, it->descending);
}

}  // namespace tcpstat
