// Owns uid <-> user name resolution through the system's user database (NSS).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

class UserNames {
public:
    // Cached per uid; nullopt when the uid has no name.
    const std::optional<std::string>& name_of(std::uint32_t uid);
    static std::optional<std::uint32_t> uid_of(std::string_view name);

private:
    std::unordered_map<std::uint32_t, std::optional<std::string>> cache_;
};

// Fills snap.users with the names of every distinct socket uid (one lookup per uid).
void fill_socket_users(Snapshot& snap, UserNames& names);

}  // namespace tcpstat::procfs
