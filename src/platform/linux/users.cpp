// Owns uid <-> user name lookups through getpwuid_r/getpwnam_r, cached per uid.
#include "users.hpp"

#include <pwd.h>
#include <sys/types.h>

#include <vector>

namespace tcpstat::procfs {

const std::optional<std::string>& UserNames::name_of(std::uint32_t uid) {
    auto [it, inserted] = cache_.try_emplace(uid);
    if (inserted) {
        std::vector<char> buf(4096);
        passwd pw{};
        passwd* res = nullptr;
        if (::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &res) == 0 && res)
            it->second = std::string(res->pw_name);
    }
    return it->second;
}

std::optional<std::uint32_t> UserNames::uid_of(std::string_view name) {
    std::string n(name);
    std::vector<char> buf(4096);
    passwd pw{};
    passwd* res = nullptr;
    if (::getpwnam_r(n.c_str(), &pw, buf.data(), buf.size(), &res) == 0 && res)
        return static_cast<std::uint32_t>(res->pw_uid);
    return std::nullopt;
}

void fill_socket_users(Snapshot& snap, UserNames& names) {
    std::uint32_t last = 0;
    bool have_last = false;
    for (const Socket& s : snap.sockets) {
        if (!s.uid || (have_last && *s.uid == last)) continue;  // runs of one uid are the norm
        last = *s.uid;
        have_last = true;
        if (snap.users.count(last)) continue;
        if (const auto& n = names.name_of(last)) snap.users.emplace(last, *n);
    }
}

}  // namespace tcpstat::procfs
