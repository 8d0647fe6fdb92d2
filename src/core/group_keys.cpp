// Owns the -g key vocabulary: key names, which keys need owners, and parsing of key lists.
#include <algorithm>
#include <fmt/format.h>

#include "tcpstat/comma_list.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/suggest.hpp"
#include "tcpstat/group.hpp"

namespace tcpstat {

namespace {

// In enum order, so a key's name is an index.
constexpr std::string_view kNames[] = {
    "state", "proto", "family", "pid", "process", "user", "lport", "rport", "laddr", "raddr", "netns", "cmdline", "exe", "service",
};
static_assert(std::size(kNames) == static_cast<std::size_t>(GroupKey::Service) + 1, "every key needs a name");

}  // namespace

std::string accepted_key_names() {
    std::string out;
    for (auto name : kNames) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

std::string_view group_key_name(GroupKey k) {
    auto i = static_cast<std::size_t>(k);
    return i < std::size(kNames) ? kNames[i] : std::string_view("unknown");
}

bool group_key_needs_owners(GroupKey k) {
    return k == GroupKey::Pid || k == GroupKey::Process || k == GroupKey::Cmdline || k == GroupKey::Exe ||
           k == GroupKey::Service;
}

std::vector<GroupKey> parse_group_keys(std::string_view list) {
    std::vector<GroupKey> out;
    for_each_comma_item(list, [&](std::string_view item) {
        if (item.empty()) return;
        auto it = std::find(std::begin(kNames), std::end(kNames), item);
        if (it == std::end(kNames)) {
            throw UsageError(
                fmt::format("unknown group key '{}'{}: expected one of {}", item, did_you_mean(item, kNames),
                            accepted_key_names()));
        }
        auto key = static_cast<GroupKey>(it - std::begin(kNames));
        if (std::find(out.begin(), out.end(), key) != out.end()) {
            throw UsageError(fmt::format("group key '{}' is listed twice", item));
        }
        out.push_back(key);
    });
    if (out.empty()) {
        throw UsageError(fmt::format("empty group key list: expected one of {}", accepted_key_names()));
    }
    return out;
}

std::vector<GroupSortKey> parse_group_sort(std::string_view list, const std::vector<GroupKey>& keys) {
    std::vector<std::string_view> columns;
    for (GroupKey k : keys) columns.push_back(group_key_name(k));
    columns.emplace_back("count");
    std::string accepted;
    for (std::string_view c : columns) accepted += accepted.empty() ? std::string(c) : ", " + std::string(c);
    std::vector<GroupSortKey> out;
    for_each_comma_item(list, [&](std::string_view item) {
        GroupSortKey k;
        std::string_view name = item;
        if (name.starts_with('-')) {
            k.descending = true;
            name.remove_prefix(1);
        }
        auto it = std::find(columns.begin(), columns.end(), name);
        if (it == columns.end())
            throw UsageError(fmt::format("invalid --sort '{}'{} with -g: groups sort by their columns, each with a "
                                         "leading - for descending: {}",
                                         item, did_you_mean(name, columns), accepted));
        if (name != "count") k.key = keys[static_cast<std::size_t>(it - columns.begin())];
        for (const GroupSortKey& seen : out)
            if (seen.key == k.key) throw UsageError(fmt::format("--sort lists '{}' twice", name));
        out.push_back(k);
    });
    return out;
}

}  // namespace tcpstat
