// Owns the app's InterfaceNames: the OS interface table behind IPv6 zones (fe80::1%lo).
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
#else
#include <net/if.h>
#endif

#include <string>

#include "app/names.hpp"

namespace tcpstat::app {
namespace {

class SystemInterfaces final : public InterfaceNames {
public:
    std::optional<std::uint32_t> index_of(std::string_view name) const override {
        const std::string n(name);
        const unsigned i = ::if_nametoindex(n.c_str());
        if (i == 0) return std::nullopt;
        return static_cast<std::uint32_t>(i);
    }
    std::optional<std::string> name_of(std::uint32_t index) const override {
        char buf[IF_NAMESIZE + 1] = {};
        if (::if_indextoname(index, buf) == nullptr) return std::nullopt;
        return std::string(buf);
    }
};

}  // namespace

const InterfaceNames& system_interfaces() {
    static const SystemInterfaces interfaces;
    return interfaces;
}

}  // namespace tcpstat::app
