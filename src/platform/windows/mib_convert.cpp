// Owns the pure MIB-row -> Socket conversion, table decoding and the bounded table-growth retry.
#include "mib_convert.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>

namespace tcpstat::win {

namespace {

// Buffers from the API are only DWORD-aligned at best, and test buffers may be any slice, so
// every field is read with memcpy.
std::uint32_t read_u32(const std::byte* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::uint64_t read_u64(const std::byte* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::array<std::uint8_t, 16> read_v6(const std::byte* p) {
    std::array<std::uint8_t, 16> a;
    std::memcpy(a.data(), p, a.size());
    return a;
}

std::vector<Owner> owners_of(std::uint32_t pid) {
    if (pid == 0) return {};
    // Pids on Windows are DWORDs but always multiples of 4 well below 2^31 in practice; a value
    // that does not fit Pid would be a corrupt row, and a wrapped negative pid would be worse
    // than none.
    if (pid > static_cast<std::uint32_t>(std::numeric_limits<Pid>::max())) return {};
    return {Owner{static_cast<Pid>(pid), std::nullopt}};
}

// The API documents a listener's remote address and port as meaningless (they can be junk), so
// they are reported as the wildcard, as netstat prints them.
Endpoint unspecified(Family f) {
    Endpoint e;
    e.addr.family = f;
    return e;
}

// The model's scope_id is the zone of a link-local address. Windows fills dwLocalScopeId for
// every address (Wine 8 reports 4096 for ::1), where a zone means nothing and would print as
// "::1%4096", so it is kept only for link-local and (deprecated) site-local unicast: fe80::/9.
IpAddress ipv6_from_mib(const std::array<std::uint8_t, 16>& bytes, std::uint32_t scope_id) {
    IpAddress a = IpAddress::from_v6_bytes(bytes.data(), scope_id);
    if (!has_zone(a)) a.scope_id = 0;
    return a;
}

TcpRow4 tcp4_at(const std::byte* p, TableClass cls) {
    return TcpRow4{read_u32(p),      read_u32(p + 4),  read_u32(p + 8),
                   read_u32(p + 12), read_u32(p + 16), read_u32(p + 20),
                   cls == TableClass::OwnerModule ? read_u64(p + kTcp4CreatedOffset) : 0};
}

TcpRow6 tcp6_at(const std::byte* p, TableClass cls) {
    TcpRow6 r;
    if (cls == TableClass::OwnerModule) r.created = read_u64(p + kTcp6CreatedOffset);
    r.local_addr = read_v6(p);
    r.local_scope_id = read_u32(p + 16);
    r.local_port = read_u32(p + 20);
    r.remote_addr = read_v6(p + 24);
    r.remote_scope_id = read_u32(p + 40);
    r.remote_port = read_u32(p + 44);
    r.state = read_u32(p + 48);
    r.pid = read_u32(p + 52);
    return r;
}

UdpRow4 udp4_at(const std::byte* p) { return UdpRow4{read_u32(p), read_u32(p + 4), read_u32(p + 8)}; }

UdpRow6 udp6_at(const std::byte* p) {
    UdpRow6 r;
    r.local_addr = read_v6(p);
    r.local_scope_id = read_u32(p + 16);
    r.local_port = read_u32(p + 20);
    r.pid = read_u32(p + 24);
    return r;
}

}  // namespace

bool has_zone(const IpAddress& a) {
    return a.family == Family::Inet6 && a.bytes[0] == 0xfe && (a.bytes[1] & 0x80) == 0x80;
}

std::uint32_t zone_from_mib(std::uint32_t raw, const IpAddress& local, const ZoneLookup& lookup) {
    if (has_zone(local) && lookup.interface_holding) {
        if (auto held = lookup.interface_holding(local)) return *held;
    }
    if (raw == 0 || !lookup.interface_exists) return raw;
    if (lookup.interface_exists(raw)) return raw;
    const std::uint32_t swapped = ((raw & 0xffu) << 24) | ((raw & 0xff00u) << 8) | ((raw >> 8) & 0xff00u) | (raw >> 24);
    if (lookup.interface_exists(swapped)) return swapped;
    return 0;
}

void settle_zones(std::span<Socket> sockets, const ZoneLookup& lookup) {
    for (Socket& s : sockets) {
        if (s.family != Family::Inet6) continue;
        std::optional<std::uint32_t> link;
        if (has_zone(s.local.addr)) {
            s.local.addr.scope_id = zone_from_mib(s.local.addr.scope_id, s.local.addr, lookup);
            link = s.local.addr.scope_id;
        }
        if (has_zone(s.remote.addr)) {
            s.remote.addr.scope_id = link && *link != 0 ? *link : zone_from_mib(s.remote.addr.scope_id, {}, lookup);
        }
    }
}

std::size_t row_size(TableKind kind) {
    switch (kind) {
        case TableKind::Tcp4: return kTcp4RowSize;
        case TableKind::Tcp6: return kTcp6RowSize;
        case TableKind::Udp4: return kUdp4RowSize;
        case TableKind::Udp6: return kUdp6RowSize;
    }
    return kTcp4RowSize;
}

std::size_t header_size(TableKind kind, TableClass cls) {
    const bool tcp = kind == TableKind::Tcp4 || kind == TableKind::Tcp6;
    return tcp && cls == TableClass::OwnerModule ? kModuleTableHeaderSize : kTableHeaderSize;
}

std::size_t row_size(TableKind kind, TableClass cls) {
    if (cls == TableClass::OwnerModule && kind == TableKind::Tcp4) return kTcp4ModuleRowSize;
    if (cls == TableClass::OwnerModule && kind == TableKind::Tcp6) return kTcp6ModuleRowSize;
    return row_size(kind);
}

std::optional<std::uint64_t> age_from_created(std::uint64_t created, std::uint64_t now) {
    if (created == 0 || now == 0 || created > now) return std::nullopt;
    return (now - created) / 10000;  // FILETIME counts 100 ns
}

bool process_newer_than_socket(std::uint64_t process_created, std::uint64_t table_read, std::uint64_t socket_age_ms) {
    if (process_created == 0 || table_read == 0) return false;
    const std::uint64_t back = socket_age_ms * 10000;
    if (back > table_read) return false;  // a corrupt age: older than the calendar
    return process_created > table_read - back;
}

std::optional<std::string> reused_pids_warning(std::size_t pids) {
    if (pids == 0) return std::nullopt;
    return "owners of some sockets are unknown: " + std::to_string(pids) + (pids == 1 ? " pid was" : " pids were") +
           " reused by a process started after the socket was created (the owner has exited)";
}

bool class_refused(std::uint32_t error) {
    constexpr std::uint32_t kNotSupported = 50, kInvalidParameter = 87;
    return error == kNotSupported || error == kInvalidParameter;
}

std::string_view table_name(TableKind kind) {
    switch (kind) {
        case TableKind::Tcp4: return "TCP/IPv4";
        case TableKind::Tcp6: return "TCP/IPv6";
        case TableKind::Udp4: return "UDP/IPv4";
        case TableKind::Udp6: return "UDP/IPv6";
    }
    return "?";
}

std::optional<TcpState> state_from_mib(std::uint32_t mib_state) {
    switch (mib_state) {
        case 1: return TcpState::Close;        // MIB_TCP_STATE_CLOSED
        case 2: return TcpState::Listen;
        case 3: return TcpState::SynSent;
        case 4: return TcpState::SynRecv;      // MIB_TCP_STATE_SYN_RCVD
        case 5: return TcpState::Established;
        case 6: return TcpState::FinWait1;
        case 7: return TcpState::FinWait2;
        case 8: return TcpState::CloseWait;
        case 9: return TcpState::Closing;
        case 10: return TcpState::LastAck;
        case 11: return TcpState::TimeWait;
        case 12: return TcpState::DeleteTcb;
        default: return std::nullopt;
    }
}

std::uint16_t port_from_mib(std::uint32_t raw) {
    auto v = static_cast<std::uint16_t>(raw & 0xffffu);
    if constexpr (std::endian::native == std::endian::little) {
        v = static_cast<std::uint16_t>((v >> 8) | (v << 8));
    }
    return v;
}

IpAddress ipv4_from_mib(std::uint32_t raw) {
    std::uint8_t b[4];
    std::memcpy(b, &raw, sizeof b);
    return IpAddress::from_v4_bytes(b);
}

std::optional<Socket> socket_from_row(const TcpRow4& row, std::uint64_t now) {
    auto state = state_from_mib(row.state);
    if (!state) return std::nullopt;
    Socket s;
    s.protocol = Protocol::Tcp;
    s.family = Family::Inet;
    s.local = {ipv4_from_mib(row.local_addr), port_from_mib(row.local_port)};
    s.remote = {ipv4_from_mib(row.remote_addr), port_from_mib(row.remote_port)};
    s.state = *state;
    if (s.state == TcpState::Listen) s.remote = unspecified(Family::Inet);
    s.owners = owners_of(row.pid);
    s.age_ms = age_from_created(row.created, now);
    return s;
}

std::optional<Socket> socket_from_row(const TcpRow6& row, std::uint64_t now) {
    auto state = state_from_mib(row.state);
    if (!state) return std::nullopt;
    Socket s;
    s.protocol = Protocol::Tcp;
    s.family = Family::Inet6;
    s.local = {ipv6_from_mib(row.local_addr, row.local_scope_id),
               port_from_mib(row.local_port)};
    s.remote = {ipv6_from_mib(row.remote_addr, row.remote_scope_id),
                port_from_mib(row.remote_port)};
    s.state = *state;
    if (s.state == TcpState::Listen) s.remote = unspecified(Family::Inet6);
    s.owners = owners_of(row.pid);
    s.age_ms = age_from_created(row.created, now);
    return s;
}

Socket socket_from_row(const UdpRow4& row) {
    Socket s;
    s.protocol = Protocol::Udp;
    s.family = Family::Inet;
    s.local = {ipv4_from_mib(row.local_addr), port_from_mib(row.local_port)};
    s.remote = unspecified(Family::Inet);
    // The UDP table has no notion of a connected UDP socket, so every row is unconnected.
    s.state = TcpState::Close;
    s.owners = owners_of(row.pid);
    return s;
}

Socket socket_from_row(const UdpRow6& row) {
    Socket s;
    s.protocol = Protocol::Udp;
    s.family = Family::Inet6;
    s.local = {ipv6_from_mib(row.local_addr, row.local_scope_id),
               port_from_mib(row.local_port)};
    s.remote = unspecified(Family::Inet6);
    s.state = TcpState::Close;
    s.owners = owners_of(row.pid);
    return s;
}

DecodeResult decode_table(TableKind kind, std::span<const std::byte> buffer, std::vector<Socket>& out,
                          TableClass cls, std::uint64_t now) {
    DecodeResult result;
    const std::size_t header = header_size(kind, cls);
    if (buffer.size() < header) {
        result.truncated = true;
        return result;
    }
    const std::uint32_t claimed = read_u32(buffer.data());
    const std::size_t rsize = row_size(kind, cls);
    const std::size_t fit = (buffer.size() - header) / rsize;
    const std::size_t n = std::min<std::size_t>(claimed, fit);
    result.truncated = claimed > fit;
    out.reserve(out.size() + n);
    const std::byte* p = buffer.data() + header;
    for (std::size_t i = 0; i < n; ++i, p += rsize) {
        switch (kind) {
            case TableKind::Tcp4:
                if (auto s = socket_from_row(tcp4_at(p, cls), now)) {
                    out.push_back(std::move(*s));
                    ++result.rows;
                } else {
                    ++result.unknown_state;
                }
                break;
            case TableKind::Tcp6:
                if (auto s = socket_from_row(tcp6_at(p, cls), now)) {
                    out.push_back(std::move(*s));
                    ++result.rows;
                } else {
                    ++result.unknown_state;
                }
                break;
            case TableKind::Udp4:
                out.push_back(socket_from_row(udp4_at(p)));
                ++result.rows;
                break;
            case TableKind::Udp6:
                out.push_back(socket_from_row(udp6_at(p)));
                ++result.rows;
                break;
        }
    }
    return result;
}

FetchOutcome outcome_of_api(std::uint32_t rc) {
    constexpr std::uint32_t kNoError = 0, kInsufficientBuffer = 122;
    if (rc == kNoError) return {FetchStatus::Ok, 0};
    if (rc == kInsufficientBuffer) return {FetchStatus::TooSmall, 0};
    if (rc == kStatusUnsuccessful) return {FetchStatus::Transient, rc};
    return {FetchStatus::Failed, rc};
}

std::optional<std::string> ntstatus_text(std::uint32_t code) {
    // Severity "error" (0xC...) marks an NTSTATUS; Win32 error codes are small numbers.
    if ((code & 0xC0000000u) != 0xC0000000u) return std::nullopt;
    const char* name = nullptr;
    switch (code) {
        case 0xC0000001u: name = "STATUS_UNSUCCESSFUL"; break;
        case 0xC0000017u: name = "STATUS_NO_MEMORY"; break;
        case 0xC0000022u: name = "STATUS_ACCESS_DENIED"; break;
        case 0xC0000023u: name = "STATUS_BUFFER_TOO_SMALL"; break;
        case 0xC000009Au: name = "STATUS_INSUFFICIENT_RESOURCES"; break;
        case 0xC00000BBu: name = "STATUS_NOT_SUPPORTED"; break;
        default: name = "NTSTATUS"; break;
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", code);
    return std::string(name) + " (" + hex + ")";
}

std::uint32_t table_slack(std::uint32_t table_bytes) { return std::max(kTableSlack, table_bytes / 4); }

GrowResult read_growing_table(const TableFetcher& fetch, int max_tries) {
    GrowResult result;
    std::uint32_t size = 0;  // the first call only asks for the size
    for (int attempt = 0; attempt < max_tries; ++attempt) {
        result.tries = attempt + 1;
        result.buffer.resize(size);
        std::uint32_t requested = size;
        FetchOutcome got = fetch(size == 0 ? nullptr : result.buffer.data(), requested);
        if (got.status == FetchStatus::Ok) {
            result.ok = true;
            result.error = 0;
            result.transient = false;
            return result;
        }
        if (got.status == FetchStatus::Failed) {
            result.error = got.error;
            result.buffer.clear();
            return result;
        }
        if (got.status == FetchStatus::Transient) {
            // Try again within the same bound; the size the next call offers stays as it was.
            result.error = got.error;
            result.transient = true;
            continue;
        }
        result.transient = false;
        // TooSmall: the table is at least `requested` bytes now and may grow again before the
        // next call. A fetcher that claims TooSmall without asking for more is broken; growing
        // by the slack anyway keeps the loop bounded and making progress.
        const std::uint32_t base = std::max(requested, size);
        const std::uint32_t slack = table_slack(base);
        size = base > std::numeric_limits<std::uint32_t>::max() - slack ? std::numeric_limits<std::uint32_t>::max()
                                                                         : base + slack;
    }
    result.kept_growing = !result.transient;
    result.buffer.clear();
    return result;
}

std::wstring_view image_basename(std::wstring_view path) {
    const auto cut = path.find_last_of(L"\\/");
    return cut == std::wstring_view::npos ? path : path.substr(cut + 1);
}

std::optional<std::string> hidden_owners_warning(std::size_t denied, std::size_t other_failures, bool elevated) {
    const std::size_t n = denied + other_failures;
    if (n == 0) return std::nullopt;
    std::string text = "owners of some sockets are hidden: " + std::to_string(n) + (n == 1 ? " process" : " processes") +
                       " could not be named";
    if (denied > 0 && !elevated) text += " (run as Administrator)";
    return text;
}

}  // namespace tcpstat::win
