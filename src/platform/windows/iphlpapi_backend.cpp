// Owns the Windows Backend: socket tables from IP Helper (GetExtendedTcpTable/UdpTable), names by pid.
#include "windows_headers.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include "close_tcp.hpp"
#include "mib_convert.hpp"
#include "process_names.hpp"
#include "table_fetch.hpp"
#include "tcp_parameters.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::win {

namespace {

// mib_convert decodes the tables by byte offset without the SDK; these pin its layout to the real
// structs so a header that disagrees breaks the build instead of the output.
static_assert(sizeof(MIB_TCPROW_OWNER_PID) == kTcp4RowSize);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwState) == 0);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwLocalAddr) == 4);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwLocalPort) == 8);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwRemoteAddr) == 12);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwRemotePort) == 16);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwOwningPid) == 20);
static_assert(offsetof(MIB_TCPTABLE_OWNER_PID, table) == kTableHeaderSize);

static_assert(sizeof(MIB_TCP6ROW_OWNER_PID) == kTcp6RowSize);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, ucLocalAddr) == 0);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwLocalScopeId) == 16);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwLocalPort) == 20);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, ucRemoteAddr) == 24);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwRemoteScopeId) == 40);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwRemotePort) == 44);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwState) == 48);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwOwningPid) == 52);
static_assert(offsetof(MIB_TCP6TABLE_OWNER_PID, table) == kTableHeaderSize);

static_assert(sizeof(MIB_TCPROW_OWNER_MODULE) == kTcp4ModuleRowSize);
static_assert(offsetof(MIB_TCPROW_OWNER_MODULE, dwOwningPid) == 20);
static_assert(offsetof(MIB_TCPROW_OWNER_MODULE, liCreateTimestamp) == kTcp4CreatedOffset);
static_assert(offsetof(MIB_TCPTABLE_OWNER_MODULE, table) == kModuleTableHeaderSize);
static_assert(sizeof(MIB_TCP6ROW_OWNER_MODULE) == kTcp6ModuleRowSize);
static_assert(offsetof(MIB_TCP6ROW_OWNER_MODULE, dwState) == 48);
static_assert(offsetof(MIB_TCP6ROW_OWNER_MODULE, dwOwningPid) == 52);
static_assert(offsetof(MIB_TCP6ROW_OWNER_MODULE, liCreateTimestamp) == kTcp6CreatedOffset);
static_assert(offsetof(MIB_TCP6TABLE_OWNER_MODULE, table) == kModuleTableHeaderSize);

static_assert(sizeof(MIB_UDPROW_OWNER_PID) == kUdp4RowSize);
static_assert(offsetof(MIB_UDPROW_OWNER_PID, dwLocalAddr) == 0);
static_assert(offsetof(MIB_UDPROW_OWNER_PID, dwLocalPort) == 4);
static_assert(offsetof(MIB_UDPROW_OWNER_PID, dwOwningPid) == 8);
static_assert(offsetof(MIB_UDPTABLE_OWNER_PID, table) == kTableHeaderSize);

static_assert(sizeof(MIB_UDP6ROW_OWNER_PID) == kUdp6RowSize);
static_assert(offsetof(MIB_UDP6ROW_OWNER_PID, ucLocalAddr) == 0);
static_assert(offsetof(MIB_UDP6ROW_OWNER_PID, dwLocalScopeId) == 16);
static_assert(offsetof(MIB_UDP6ROW_OWNER_PID, dwLocalPort) == 20);
static_assert(offsetof(MIB_UDP6ROW_OWNER_PID, dwOwningPid) == 24);
static_assert(offsetof(MIB_UDP6TABLE_OWNER_PID, table) == kTableHeaderSize);

static_assert(MIB_TCP_STATE_CLOSED == 1 && MIB_TCP_STATE_LISTEN == 2 && MIB_TCP_STATE_ESTAB == 5 &&
              MIB_TCP_STATE_CLOSE_WAIT == 8 && MIB_TCP_STATE_TIME_WAIT == 11 &&
              MIB_TCP_STATE_DELETE_TCB == 12);

std::string error_text(DWORD code) {
    if (auto nt = ntstatus_text(code)) return *nt;
    std::string text = "error " + std::to_string(code);
    wchar_t* msg = nullptr;
    const DWORD n = FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
        code, 0, reinterpret_cast<wchar_t*>(&msg), 0, nullptr);
    if (n > 0 && msg != nullptr) {
        std::wstring_view w(msg, n);
        while (!w.empty() && (w.back() == L'\r' || w.back() == L'\n' || w.back() == L' ' || w.back() == L'.'))
            w.remove_suffix(1);
        if (!w.empty()) text += ": " + utf8_from_wide(w);
    }
    if (msg != nullptr) LocalFree(msg);
    return text;
}

static_assert(NO_ERROR == 0 && ERROR_INSUFFICIENT_BUFFER == 122, "outcome_of_api's codes");

// The interfaces behind IPv6 zones (see ZoneLookup): the unicast address table once per read,
// and only when some row has a link-local address.
ZoneLookup system_zone_lookup() {
    auto held = std::make_shared<std::vector<std::pair<IpAddress, std::uint32_t>>>();
    MIB_UNICASTIPADDRESS_TABLE* table = nullptr;
    if (GetUnicastIpAddressTable(AF_INET6, &table) == NO_ERROR && table != nullptr) {
        for (ULONG i = 0; i < table->NumEntries; ++i) {
            const MIB_UNICASTIPADDRESS_ROW& row = table->Table[i];
            if (row.Address.si_family != AF_INET6) continue;
            held->emplace_back(IpAddress::from_v6_bytes(row.Address.Ipv6.sin6_addr.s6_addr), row.InterfaceIndex);
        }
        FreeMibTable(table);
    }
    ZoneLookup lookup;
    lookup.interface_holding = [held](const IpAddress& a) -> std::optional<std::uint32_t> {
        std::optional<std::uint32_t> found;
        for (const auto& [addr, index] : *held) {
            if (addr.bytes != a.bytes) continue;
            if (found && *found != index) return std::nullopt;  // on several links: the row must say
            found = index;
        }
        return found;
    };
    lookup.interface_exists = [](std::uint32_t index) {
        NET_LUID luid;
        return ConvertInterfaceIndexToLuid(index, &luid) == NO_ERROR;
    };
    return lookup;
}

// The system time in FILETIME units, the clock of liCreateTimestamp and of GetProcessTimes.
std::uint64_t filetime_now() {
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return (static_cast<std::uint64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
}

bool any_zone(std::span<const Socket> sockets) {
    for (const Socket& s : sockets)
        if (has_zone(s.local.addr) || has_zone(s.remote.addr)) return true;
    return false;
}

class IphlpapiBackend final : public Backend {
public:
    Snapshot collect(const CollectRequest& request) override {
        Snapshot snap;
        snap.source = "iphlpapi";
        snap.platform = Platform::Windows;
        std::vector<TableKind> kinds;
        if (request.tcp && request.ipv4) kinds.push_back(TableKind::Tcp4);
        if (request.tcp && request.ipv6) kinds.push_back(TableKind::Tcp6);
        if (request.udp && request.ipv4) kinds.push_back(TableKind::Udp4);
        if (request.udp && request.ipv6) kinds.push_back(TableKind::Udp6);

        std::vector<std::string> failures;
        for (TableKind kind : kinds) {
            const std::string name(table_name(kind));
            const bool tcp = kind == TableKind::Tcp4 || kind == TableKind::Tcp6;
            // TCP through the MODULE class for the creation timestamp (Socket::age_ms); a stack
            // that refuses the class still serves OWNER_PID, and is not asked again.
            TableClass cls = tcp && !module_refused_ ? TableClass::OwnerModule : TableClass::OwnerPid;
            GrowResult got = read_growing_table(system_table_fetcher(kind, cls));
            if (!got.ok && cls == TableClass::OwnerModule && class_refused(got.error)) {
                module_refused_ = true;
                cls = TableClass::OwnerPid;
                got = read_growing_table(system_table_fetcher(kind, cls));
            }
            const std::uint64_t now = filetime_now();
            if (!got.ok) {
                std::string why = got.kept_growing
                                      ? "it kept growing while being read (" + std::to_string(got.tries) + " tries)"
                                      : error_text(got.error);
                if (got.transient) why += ", on each of " + std::to_string(got.tries) + " tries";
                failures.push_back(name + ": " + why);
                snap.warnings.push_back("cannot read the " + name + " socket table: " + why);
                continue;
            }
            const DecodeResult d = decode_table(kind, got.buffer, snap.sockets, cls, now);
            table_read_ = now;
            if (d.truncated)
                snap.warnings.push_back("the " + name + " socket table was cut short; " + std::to_string(d.rows) +
                                        " rows were read");
            if (d.unknown_state > 0)
                snap.warnings.push_back(std::to_string(d.unknown_state) + " " + name +
                                        " sockets in a state unknown to tcpstat were left out");
        }
        if (any_zone(snap.sockets)) settle_zones(snap.sockets, system_zone_lookup());
        if (!kinds.empty() && failures.size() == kinds.size()) {
            std::string msg = "cannot read any socket table";
            for (const auto& f : failures) msg += "; " + f;
            throw RuntimeError(msg);
        }
        return snap;
    }

    // The tables already carry the owning pid of every socket, so collect() has set the owners;
    // what is left is naming the processes.
    void attach_owners(Snapshot& snapshot, const OwnerRequest& request) override {
        const NameGaps gaps = fill_process_names(snapshot, request, {}, table_read_);
        const bool elevated = gaps.denied > 0 && running_elevated();
        if (auto w = hidden_owners_warning(gaps.denied, gaps.unreadable, elevated))
            snapshot.warnings.push_back(std::move(*w));
        if (auto w = reused_pids_warning(gaps.reused)) snapshot.warnings.push_back(std::move(*w));
        snapshot.owners_hidden = gaps.denied + gaps.unreadable;
        snapshot.owners_attached = true;
    }

    // Windows sockets carry no uid (ownership is a per-process token, not per socket), so no user
    // name can select sockets.
    std::optional<std::uint32_t> uid_of_user(std::string_view) override { return std::nullopt; }

    std::vector<CloseResult> close_sockets(std::span<const Socket> sockets, const CollectRequest&) override {
        return win::close_sockets(sockets);
    }

    std::vector<Pid> own_session_pids() override { return {static_cast<Pid>(GetCurrentProcessId())}; }

    KernelFacts kernel_facts() override { return facts_from_parameters(system_tcp_parameters()); }

private:
    bool module_refused_ = false;
    // When the last table was read (FILETIME units): the ages are against it, and so is the
    // check that a pid still belongs to the process that created its sockets.
    std::uint64_t table_read_ = 0;
};

}  // namespace

TableFetcher system_table_fetcher(TableKind kind, TableClass cls) {
    const ULONG af = (kind == TableKind::Tcp4 || kind == TableKind::Udp4) ? AF_INET : AF_INET6;
    const bool tcp = kind == TableKind::Tcp4 || kind == TableKind::Tcp6;
    const TCP_TABLE_CLASS tcp_class = cls == TableClass::OwnerModule ? TCP_TABLE_OWNER_MODULE_ALL : TCP_TABLE_OWNER_PID_ALL;
    return [af, tcp, tcp_class](std::byte* buffer, std::uint32_t& size) {
        DWORD dsize = size;
        const DWORD rc = tcp ? GetExtendedTcpTable(buffer, &dsize, FALSE, af, tcp_class, 0)
                             : GetExtendedUdpTable(buffer, &dsize, FALSE, af, UDP_TABLE_OWNER_PID, 0);
        size = dsize;
        return outcome_of_api(rc);
    };
}

}  // namespace tcpstat::win

namespace tcpstat {

std::unique_ptr<Backend> make_system_backend(const CollectRequest& request) {
    if (request.proc_root) throw UsageError("--proc-root is only available on Linux");
    // Windows has no network namespaces to enter: silently listing the host instead would mislead.
    if (request.netns) throw UsageError("--netns is only available on Linux");
    if (request.all_netns) throw UsageError("--all-netns is only available on Linux");
    switch (request.source) {
        case SourceKind::Auto: break;
        case SourceKind::Netlink: throw UsageError("--source netlink is only available on Linux");
        case SourceKind::Proc: throw UsageError("--source proc is only available on Linux");
    }
    return std::make_unique<win::IphlpapiBackend>();
}

}  // namespace tcpstat
