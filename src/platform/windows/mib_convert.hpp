// Owns the pure translation of IP Helper (iphlpapi) MIB tables into tcpstat Sockets; no windows.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/model.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat::win {

// Mirrors of the four *_OWNER_PID row structs, field for field and with the same integer types,
// so this file can be compiled and tested without the Windows SDK. iphlpapi_backend.cpp checks
// with static_asserts that the byte offsets below match the real structs.
//   IPv4 addresses are a DWORD whose *memory* bytes are the address in network order.
//   Ports are a DWORD whose low 16 bits hold the port in network order (high bits: junk).
struct TcpRow4 {
    std::uint32_t state = 0;
    std::uint32_t local_addr = 0;
    std::uint32_t local_port = 0;
    std::uint32_t remote_addr = 0;
    std::uint32_t remote_port = 0;
    std::uint32_t pid = 0;
    std::uint64_t created = 0;  // MODULE rows' liCreateTimestamp (see TableClass); 0: unknown
};

struct TcpRow6 {
    std::array<std::uint8_t, 16> local_addr{};
    std::uint32_t local_scope_id = 0;
    std::uint32_t local_port = 0;
    std::array<std::uint8_t, 16> remote_addr{};
    std::uint32_t remote_scope_id = 0;
    std::uint32_t remote_port = 0;
    std::uint32_t state = 0;
    std::uint32_t pid = 0;
    std::uint64_t created = 0;
};

struct UdpRow4 {
    std::uint32_t local_addr = 0;
    std::uint32_t local_port = 0;
    std::uint32_t pid = 0;
};

struct UdpRow6 {
    std::array<std::uint8_t, 16> local_addr{};
    std::uint32_t local_scope_id = 0;
    std::uint32_t local_port = 0;
    std::uint32_t pid = 0;
};

// Byte layout of each table as GetExtendedTcpTable/GetExtendedUdpTable write it: a DWORD row
// count, then packed rows (every field is 4-byte aligned, so no padding anywhere).
enum class TableKind : std::uint8_t { Tcp4, Tcp6, Udp4, Udp6 };
inline constexpr std::size_t kTableHeaderSize = 4;
inline constexpr std::size_t kTcp4RowSize = 24;
inline constexpr std::size_t kTcp6RowSize = 56;
inline constexpr std::size_t kUdp4RowSize = 12;
inline constexpr std::size_t kUdp6RowSize = 28;
std::size_t row_size(TableKind kind);
std::string_view table_name(TableKind kind);  // "TCP/IPv4", ... for warnings

// Which rows a TCP table holds. OwnerModule (TCP_TABLE_OWNER_MODULE_ALL) rows are the OwnerPid
// row followed by liCreateTimestamp, a LARGE_INTEGER counting 100 ns since 1601 UTC (FILETIME
// units; 0 when the stack does not say: Wine), and 16 ULONGLONGs of opaque module info. The
// LARGE_INTEGER makes rows and table 8-byte aligned, so the rows start 8 bytes in. UDP tables
// are always read as OwnerPid: a UDP socket's age is not asked for.
enum class TableClass : std::uint8_t { OwnerPid, OwnerModule };
inline constexpr std::size_t kModuleTableHeaderSize = 8;
inline constexpr std::size_t kTcp4ModuleRowSize = 160;
inline constexpr std::size_t kTcp6ModuleRowSize = 192;
inline constexpr std::size_t kTcp4CreatedOffset = 24;  // liCreateTimestamp in a MODULE row
inline constexpr std::size_t kTcp6CreatedOffset = 56;
std::size_t header_size(TableKind kind, TableClass cls);
std::size_t row_size(TableKind kind, TableClass cls);

// Socket::age_ms on Windows: milliseconds from a row's creation timestamp to `now` (both FILETIME
// units), rounded down. nullopt for an unknown (0) timestamp, an unknown now, or a timestamp in
// the future (the clock was set back): never estimated. What it means: docs/formats.md, `age`.
std::optional<std::uint64_t> age_from_created(std::uint64_t created, std::uint64_t now);

// Pid reuse between the table read (at `table_read`, FILETIME units) and the name lookup: a
// process created after the socket (which is `socket_age_ms` old at table_read) cannot have
// created it, so its name is another program's. False when either time is unknown (0).
// Rounding: the age is rounded down, so the socket's creation time derived from it is at most
// 1 ms late, which can miss a reuse within that millisecond but never blames the true owner.
bool process_newer_than_socket(std::uint64_t process_created, std::uint64_t table_read, std::uint64_t socket_age_ms);
// The one warning for pids whose process was newer than their sockets, or nullopt when none.
std::optional<std::string> reused_pids_warning(std::size_t pids);

// MIB_TCP_STATE (1 CLOSED ... 12 DELETE_TCB) into TcpState; nullopt for any other value.
std::optional<TcpState> state_from_mib(std::uint32_t mib_state);
// ntohs of the low 16 bits: the high half of the DWORD is documented as uninitialised.
std::uint16_t port_from_mib(std::uint32_t raw);
IpAddress ipv4_from_mib(std::uint32_t raw);

// Owners: the table's pid with no fd, since Windows has no per-process descriptor numbers for
// sockets. Pid 0 (the idle process) is what Windows reports for sockets no process holds
// (TIME_WAIT), so it yields no owner rather than a fake one. IPv6 scope ids are kept for
// link-local addresses only (the model's meaning of scope_id).
// TCP rows get age_ms from row.created and `now` (age_from_created).
std::optional<Socket> socket_from_row(const TcpRow4& row, std::uint64_t now = 0);  // nullopt: unknown state
std::optional<Socket> socket_from_row(const TcpRow6& row, std::uint64_t now = 0);  // nullopt: unknown state
Socket socket_from_row(const UdpRow4& row);                 // UDP rows are UNCONN (Close)
Socket socket_from_row(const UdpRow6& row);

// IPv6 zones. Microsoft documents dwLocalScopeId/dwRemoteScopeId as network byte order, but
// .NET and Wine read and write them as plain DWORDs, and Wine 8 fills them with Linux's address
// scope class (htons(0x20) = 8192 for every link-local address), not an interface. So the number
// is not trusted on its own: the zone of a local link-local address is the interface that holds
// that address when exactly one does; otherwise the number as read when it names an interface,
// else byte-swapped when that names one (the documented order), else no zone. A remote
// link-local address is on the local one's link. See docs/windows.md.
struct ZoneLookup {
    // The one interface holding this (link-local) address, or nullopt (none, or several).
    std::function<std::optional<std::uint32_t>(const IpAddress&)> interface_holding;
    std::function<bool(std::uint32_t)> interface_exists;
};
bool has_zone(const IpAddress& a);  // link-local or site-local unicast: fe80::/9
std::uint32_t zone_from_mib(std::uint32_t raw, const IpAddress& local, const ZoneLookup& lookup);
// Rewrites the zones socket_from_row() copied raw into the IPv6 sockets of `sockets`.
void settle_zones(std::span<Socket> sockets, const ZoneLookup& lookup);

// Decodes a table buffer exactly as the API filled it (rows of `cls`) and appends the sockets to
// out, with ages against `now` (FILETIME units, when the table was read; 0: no ages).
// A buffer too short for its own row count is decoded as far as whole rows go.
struct DecodeResult {
    std::size_t rows = 0;           // rows converted
    std::size_t unknown_state = 0;  // TCP rows skipped for a state outside 1..12
    bool truncated = false;         // the row count claimed more than the buffer holds
};
DecodeResult decode_table(TableKind kind, std::span<const std::byte> buffer, std::vector<Socket>& out,
                          TableClass cls = TableClass::OwnerPid, std::uint64_t now = 0);
// The API's answer when a table class is not supported (ERROR_INVALID_PARAMETER,
// ERROR_NOT_SUPPORTED): the backend then reads the OwnerPid class instead.
bool class_refused(std::uint32_t error);

// The size-query / read dance around GetExtended*Table, kept free of the API so tests can make a
// table grow between calls. fetch(buffer, size) behaves like the API: with a buffer too small it
// returns TooSmall and sets size to what is needed now.
// Transient: STATUS_UNSUCCESSFUL, which GetExtended*Table answers now and then on a busy host
// (the kernel's table changed under the copy); it is worth another try, unlike Failed.
enum class FetchStatus : std::uint8_t { Ok, TooSmall, Transient, Failed };
struct FetchOutcome {
    FetchStatus status = FetchStatus::Failed;
    std::uint32_t error = 0;  // the API's code when status is Transient or Failed
};
inline constexpr std::uint32_t kStatusUnsuccessful = 0xC0000001u;
// The API's return code as a FetchOutcome (NO_ERROR, ERROR_INSUFFICIENT_BUFFER, NTSTATUS, ...).
FetchOutcome outcome_of_api(std::uint32_t rc);
// NTSTATUS values the table calls are seen to return, in words: "STATUS_UNSUCCESSFUL (0xC0000001)";
// nullopt for a Win32 error code, which FormatMessage names.
std::optional<std::string> ntstatus_text(std::uint32_t code);
using TableFetcher = std::function<FetchOutcome(std::byte* buffer, std::uint32_t& size)>;

struct GrowResult {
    std::vector<std::byte> buffer;  // the table; empty unless ok
    bool ok = false;
    std::uint32_t error = 0;        // the API's code when the last call failed outright
    bool kept_growing = false;      // still TooSmall after max_tries
    bool transient = false;         // error is a transient failure that lasted every try
    int tries = 0;
};
inline constexpr int kMaxTableTries = 5;
// Headroom added to every requested size, so a table that grows between the size query and the
// read does not cost another round trip: a quarter of the table, at least kTableSlack. A busy
// host gains rows in proportion to the rows it has, so a fixed headroom (~170 rows) could miss
// on every try there.
inline constexpr std::uint32_t kTableSlack = 4096;
std::uint32_t table_slack(std::uint32_t table_bytes);
GrowResult read_growing_table(const TableFetcher& fetch, int max_tries = kMaxTableTries);

// "C:\Windows\System32\svchost.exe" -> "svchost.exe" (also accepts '/'); the name Windows tools
// show for a process.
std::wstring_view image_basename(std::wstring_view path);

// The warning for processes whose names could not be read, or nullopt when none. Elevation is
// advised only where it would help: access was denied and tcpstat is not elevated already.
std::optional<std::string> hidden_owners_warning(std::size_t denied, std::size_t other_failures, bool elevated);

}  // namespace tcpstat::win
