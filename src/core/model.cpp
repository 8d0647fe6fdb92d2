// Owns the few behaviours of the model types (derived values, no I/O).
#include "tcpstat/model.hpp"

#include <algorithm>

namespace tcpstat {

std::optional<std::uint32_t> TcpInfo::idle_ms() const {
    if (last_send_ms && last_recv_ms) return std::min(*last_send_ms, *last_recv_ms);
    if (last_send_ms) return last_send_ms;
    return last_recv_ms;
}

}  // namespace tcpstat
