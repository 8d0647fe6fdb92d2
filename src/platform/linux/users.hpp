// Owns uid <-> user name resolution through the system's user database (NSS).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tcpstat::procfs {

class UserNames {
public:
    // Cached per uid; nullopt when the uid has no name.
    const std::optional<std::string>& name_of(std::uint32_t uid);
    static std::optional<std::uint32_t> uid_of(std::string_view name);

private:
    std::unordered_map<std::uint32_t, std::optional<std::string>> cache_;
};

}  // namespace tcpstat::procfs
