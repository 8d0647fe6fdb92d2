// Owns the -g / check --per key lists: which fields group, their names, and parsing of key lists.
#include <algorithm>
#include <fmt/format.h>

#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/suggest.hpp"

namespace tcpstat {

namespace {

// Owners is a list of pid/fd pairs: each owner already groups by pid.
bool groupable(Field f) { return f != Field::Owners; }

std::vector<std::string_view> key_names() {
    std::vector<std::string_view> out;
    for (const FieldInfo& fi : all_fields())
        if (groupable(fi.field)) out.push_back(fi.name);
    return out;
}

std::string joined(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::string_view n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

}  // namespace

std::string accepted_key_names() { return joined(key_names()); }

std::string_view group_key_name(GroupKey k) { return field_info(k).name; }

bool group_key_needs_owners(GroupKey k) { return field_info(k).needs_owners; }

std::vector<GroupKey> parse_group_keys(std::string_view list) {
    std::vector<GroupKey> out;
    for_each_comma_item(list, [&](std::string_view item) {
        if (item.empty()) return;
        const auto key = field_by_name(item);
        if (!key || !groupable(*key)) {
            const auto names = key_names();
            throw UsageError(fmt::format("unknown group key '{}'{}: expected one of {}", item,
                                         did_you_mean(item, names), joined(names)));
        }
        if (std::find(out.begin(), out.end(), *key) != out.end())
            throw UsageError(fmt::format("group key '{}' is listed twice", item));
        out.push_back(*key);
    });
    if (out.empty()) throw UsageError(fmt::format("empty group key list: expected one of {}", accepted_key_names()));
    return out;
}

std::vector<GroupSortKey> parse_group_sort(std::string_view list, const std::vector<GroupKey>& keys) {
    std::vector<std::string_view> columns;
    for (GroupKey k : keys) columns.push_back(group_key_name(k));
    columns.emplace_back("count");
    std::vector<GroupSortKey> out;
    for_each_comma_item(list, [&](std::string_view item) {
        GroupSortKey k;
        std::string_view name = item;
        if (name.starts_with('-')) {
            k.descending = true;
            name.remove_prefix(1);
        }
        const auto field = field_by_name(name);
        const bool count = name == "count" || name == "COUNT";
        if (!count && (!field || std::find(keys.begin(), keys.end(), *field) == keys.end()))
            throw UsageError(fmt::format("invalid --sort '{}'{} with -g: groups sort by their columns, each with a "
                                         "leading - for descending: {}",
                                         item, did_you_mean(name, columns), joined(columns)));
        if (!count) k.key = *field;
        for (const GroupSortKey& seen : out)
            if (seen.key == k.key) throw UsageError(fmt::format("--sort lists '{}' twice", name));
        out.push_back(k);
    });
    return out;
}

}  // namespace tcpstat
