// Owns the live Windows backend test: real Winsock sockets on loopback read back through iphlpapi.
#include "platform/windows/windows_headers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "platform/windows/mib_convert.hpp"
#include "platform/windows/process_names.hpp"
#include "platform/windows/table_fetch.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::win {
namespace {

// Wine exports wine_get_version from its ntdll; Windows does not.
std::optional<std::string> wine_version() {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    if (ntdll == nullptr) return std::nullopt;
    FARPROC proc = GetProcAddress(ntdll, "wine_get_version");
    if (proc == nullptr) return std::nullopt;
    using Fn = const char* (*)();
    auto fn = reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(proc));
    return std::string(fn());
}

int wine_major(const std::string& version) { return std::atoi(version.c_str()); }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string own_exe_name() {
    std::vector<wchar_t> buf(32768);
    const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    std::wstring_view path(buf.data(), n);
    const auto cut = path.find_last_of(L"\\/");
    return utf8_from_wide(cut == std::wstring_view::npos ? path : path.substr(cut + 1));
}

class WinsockEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        WSADATA data;
        ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
    }
    void TearDown() override { WSACleanup(); }
};
const auto* const kWinsock = ::testing::AddGlobalTestEnvironment(new WinsockEnvironment);

class Sock {
public:
    Sock() = default;
    explicit Sock(SOCKET s) : s_(s) {}
    Sock(Sock&& o) noexcept : s_(o.s_) { o.s_ = INVALID_SOCKET; }
    Sock& operator=(Sock&& o) noexcept {
        std::swap(s_, o.s_);
        return *this;
    }
    ~Sock() { close(); }
    void close() {
        if (s_ != INVALID_SOCKET) closesocket(s_);
        s_ = INVALID_SOCKET;
    }
    SOCKET get() const { return s_; }
    bool valid() const { return s_ != INVALID_SOCKET; }

private:
    SOCKET s_ = INVALID_SOCKET;
};

std::string wsa_error(const char* what) { return std::string(what) + " failed: WSA error " + std::to_string(WSAGetLastError()); }

sockaddr_storage loopback(int family, std::uint16_t port) {
    sockaddr_storage ss{};
    if (family == AF_INET) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin->sin_port = htons(port);
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = in6addr_loopback;
        sin6->sin6_port = htons(port);
    }
    return ss;
}

int addr_len(int family) { return family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6); }

std::uint16_t local_port(const Sock& s) {
    sockaddr_storage ss{};
    int len = sizeof ss;
    if (getsockname(s.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
    return ntohs(ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                         : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

// A listener plus two accepted connections on one loopback address; the client of the second
// connection is closed, which leaves its accepted peer in CLOSE_WAIT.
struct Scene {
    int family = AF_INET;
    Sock listener, client, server, closed_client_peer;
    std::uint16_t listen_port = 0, client_port = 0, closed_client_port = 0;
    std::string error;  // why the scene could not be built

    bool build(int fam) {
        family = fam;
        listener = Sock(socket(fam, SOCK_STREAM, IPPROTO_TCP));
        if (!listener.valid()) return fail("socket");
        sockaddr_storage any = loopback(fam, 0);
        if (bind(listener.get(), reinterpret_cast<sockaddr*>(&any), addr_len(fam)) != 0) return fail("bind");
        if (listen(listener.get(), 8) != 0) return fail("listen");
        listen_port = local_port(listener);
        if (!connect_pair(client, server, client_port)) return false;
        Sock doomed;
        if (!connect_pair(doomed, closed_client_peer, closed_client_port)) return false;
        doomed.close();
        return true;
    }

private:
    bool fail(const char* what) {
        error = wsa_error(what);
        return false;
    }
    bool connect_pair(Sock& c, Sock& s, std::uint16_t& c_port) {
        c = Sock(socket(family, SOCK_STREAM, IPPROTO_TCP));
        if (!c.valid()) return fail("socket");
        sockaddr_storage to = loopback(family, listen_port);
        if (connect(c.get(), reinterpret_cast<sockaddr*>(&to), addr_len(family)) != 0) return fail("connect");
        s = Sock(accept(listener.get(), nullptr, nullptr));
        if (!s.valid()) return fail("accept");
        c_port = local_port(c);
        return true;
    }
};

IpAddress loopback_address(int family) {
    if (family == AF_INET) return IpAddress::v4(127, 0, 0, 1);
    std::uint8_t one[16] = {};
    one[15] = 1;
    return IpAddress::from_v6_bytes(one);
}

const Socket* find(const Snapshot& snap, TcpState state, const Endpoint& local, std::optional<Endpoint> remote) {
    for (const Socket& s : snap.sockets) {
        if (s.protocol != Protocol::Tcp || s.state != state || s.local != local) continue;
        if (remote && s.remote != *remote) continue;
        return &s;
    }
    return nullptr;
}

// Every row, for failure messages: what the table held instead of the expected row.
std::string describe(const Snapshot& snap) {
    std::string out = std::to_string(snap.sockets.size()) + " rows from " + snap.source + ":";
    for (const Socket& s : snap.sockets) {
        out += "\n  " + std::string(protocol_name(s.protocol)) + " " + std::string(state_name(s.state, s.protocol)) +
               " " + format_endpoint(s.local) + " " + format_endpoint(s.remote);
        for (const Owner& o : s.owners) out += " pid=" + std::to_string(o.pid);
    }
    for (const std::string& w : snap.warnings) out += "\n  warning: " + w;
    return out;
}

// FIN delivery is asynchronous, so the table is read until the expected rows are there.
Snapshot collect_until(Backend& backend, const CollectRequest& req, const std::function<bool(const Snapshot&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    Snapshot snap = backend.collect(req);
    while (!done(snap) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        snap = backend.collect(req);
    }
    return snap;
}

class LiveTcp : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        if (!scene_.build(GetParam())) {
            if (GetParam() == AF_INET6) GTEST_SKIP() << "no IPv6 loopback here: " << scene_.error;
            FAIL() << scene_.error;
        }
        const IpAddress lo = loopback_address(GetParam());
        listen_ep_ = {lo, scene_.listen_port};
        client_ep_ = {lo, scene_.client_port};
        closed_ep_ = {lo, scene_.closed_client_port};
        CollectRequest req;
        req.ipv4 = GetParam() == AF_INET;
        req.ipv6 = GetParam() == AF_INET6;
        backend_ = make_system_backend(req);
        snap_ = collect_until(*backend_, req, [&](const Snapshot& s) {
            return find(s, TcpState::CloseWait, listen_ep_, closed_ep_) != nullptr;
        });
    }

    Scene scene_;
    Endpoint listen_ep_, client_ep_, closed_ep_;
    std::unique_ptr<Backend> backend_;
    Snapshot snap_;
};

TEST_P(LiveTcp, ListenEstablishedAndCloseWaitRowsAppear) {
    EXPECT_EQ(snap_.source, "iphlpapi");
    EXPECT_EQ(snap_.platform, Platform::Windows);
    const Socket* listen = find(snap_, TcpState::Listen, listen_ep_, std::nullopt);
    ASSERT_NE(listen, nullptr) << "no LISTEN row for port " << listen_ep_.port << "; " << describe(snap_);
    EXPECT_EQ(listen->remote.port, 0);
    EXPECT_EQ(listen->family, GetParam() == AF_INET ? Family::Inet : Family::Inet6);
    EXPECT_NE(find(snap_, TcpState::Established, client_ep_, listen_ep_), nullptr) << "client side";
    EXPECT_NE(find(snap_, TcpState::Established, listen_ep_, client_ep_), nullptr) << "accepted side";
    EXPECT_NE(find(snap_, TcpState::CloseWait, listen_ep_, closed_ep_), nullptr)
        << "peer of the closed client; " << describe(snap_);
    // The closed client itself is in FIN_WAIT2 (or already gone): never ESTABLISHED any more.
    EXPECT_EQ(find(snap_, TcpState::Established, closed_ep_, listen_ep_), nullptr);
}

TEST_P(LiveTcp, OwnerIsThisProcess) {
    const Socket* listen = find(snap_, TcpState::Listen, listen_ep_, std::nullopt);
    ASSERT_NE(listen, nullptr);
    if (listen->owners.empty()) {
        const auto wine = wine_version();
        if (wine && wine_major(*wine) < 10)
            GTEST_SKIP() << "Wine " << *wine << " reports owning pid 0 for every socket (Wine 10 reports the real pid)";
        FAIL() << "the LISTEN row has no owning pid";
    }
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    ASSERT_EQ(listen->owners.size(), 1u);
    EXPECT_EQ(listen->owners[0].pid, self);
    EXPECT_EQ(listen->owners[0].fd, std::nullopt);
    backend_->attach_owners(snap_, OwnerRequest{});
    EXPECT_TRUE(snap_.owners_attached);
    const Process* p = snap_.process(self);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(lower(p->name), lower(own_exe_name()));
}

std::uint64_t filetime_now() {
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return (static_cast<std::uint64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
}

// TCP_TABLE_OWNER_MODULE_ALL, as the backend reads TCP: the listener is there, and its age is
// either unknown (Wine writes liCreateTimestamp 0) or no older than this test's sockets.
TEST_P(LiveTcp, TheModuleTableHoldsTheListenerWithItsAgeOrNone) {
    const std::uint64_t before = filetime_now();
    const TableKind kind = GetParam() == AF_INET ? TableKind::Tcp4 : TableKind::Tcp6;
    const GrowResult got = read_growing_table(system_table_fetcher(kind, TableClass::OwnerModule));
    ASSERT_TRUE(got.ok) << "TCP_TABLE_OWNER_MODULE_ALL: error " << got.error;
    std::vector<Socket> rows;
    const DecodeResult d = decode_table(kind, got.buffer, rows, TableClass::OwnerModule, filetime_now());
    EXPECT_FALSE(d.truncated);
    Snapshot table;
    table.sockets = rows;
    const Socket* listen = find(table, TcpState::Listen, listen_ep_, std::nullopt);
    ASSERT_NE(listen, nullptr) << describe(table);
    const Socket* via_backend = find(snap_, TcpState::Listen, listen_ep_, std::nullopt);
    ASSERT_NE(via_backend, nullptr);
    if (!listen->age_ms) {
        EXPECT_FALSE(via_backend->age_ms) << "the backend reads the same table";
        const auto wine = wine_version();
        if (wine) GTEST_SKIP() << "Wine " << *wine << " reports no creation timestamp (0)";
        FAIL() << "Windows gave the listener no creation timestamp";
    }
    // The scene was built in SetUp, moments ago.
    EXPECT_LT(*listen->age_ms, 60u * 1000);
    ASSERT_TRUE(via_backend->age_ms);
    EXPECT_LE(*via_backend->age_ms, *listen->age_ms + (filetime_now() - before) / 10000 + 1);
}

// kill --yes: an IPv4 connection is attempted with SetTcpEntry(DELETE_TCB) and reported (closed,
// or refused with Windows' error: Wine's SetTcpEntry is a stub); IPv6 is reported unsupported.
TEST_P(LiveTcp, CloseSocketsAttemptsIPv4AndReportsIPv6AsUnsupported) {
    const Socket* accepted = find(snap_, TcpState::Established, listen_ep_, client_ep_);
    ASSERT_NE(accepted, nullptr) << describe(snap_);
    std::vector<CloseResult> results;
    try {
        results = backend_->close_sockets(std::span<const Socket>(accepted, 1), CollectRequest{});
    } catch (const RuntimeError& e) {
        ASSERT_EQ(GetParam(), AF_INET) << "IPv6 is never attempted: " << e.what();
        EXPECT_NE(std::string(e.what()).find("Administrator"), std::string::npos) << e.what();
        GTEST_SKIP() << "not Administrator here: " << e.what();
    }
    ASSERT_EQ(results.size(), 1u);
    const CloseResult& r = results.front();
    if (GetParam() == AF_INET6) {
        EXPECT_EQ(r.outcome, CloseOutcome::Unsupported);
        EXPECT_NE(r.reason.find("cannot be closed on Windows"), std::string::npos) << r.reason;
        return;
    }
    if (r.outcome == CloseOutcome::Closed) {
        CollectRequest req;
        req.ipv6 = false;
        const Snapshot after = collect_until(*backend_, req, [&](const Snapshot& s) {
            return find(s, TcpState::Established, listen_ep_, client_ep_) == nullptr;
        });
        EXPECT_EQ(find(after, TcpState::Established, listen_ep_, client_ep_), nullptr) << describe(after);
        return;
    }
    // Refused: Windows' own error, or (Wine) a success answer that left the connection open.
    EXPECT_EQ(r.outcome, CloseOutcome::Refused) << close_outcome_name(r.outcome);
    EXPECT_TRUE(r.reason.find("SetTcpEntry failed with error") != std::string::npos ||
                r.reason.find("still established") != std::string::npos)
        << r.reason;
}

TEST(LiveKill, UdpRowsAreUnsupported) {
    Socket udp;
    udp.protocol = Protocol::Udp;
    udp.local = {IpAddress::v4(127, 0, 0, 1), 9};
    const auto results = make_system_backend(CollectRequest{})->close_sockets(std::span<const Socket>(&udp, 1), {});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].outcome, CloseOutcome::Unsupported);
    EXPECT_EQ(make_system_backend(CollectRequest{})->own_session_pids(),
              std::vector<Pid>{static_cast<Pid>(GetCurrentProcessId())});
}

INSTANTIATE_TEST_SUITE_P(Families, LiveTcp, ::testing::Values(AF_INET, AF_INET6),
                         [](const auto& info) { return info.param == AF_INET ? "IPv4" : "IPv6"; });

// A link-local address of this host with its interface, from the unicast address table;
// scripts/windows-test puts fe80::1 on the namespace's lo for this test.
std::optional<std::pair<in6_addr, std::uint32_t>> some_link_local() {
    MIB_UNICASTIPADDRESS_TABLE* table = nullptr;
    if (GetUnicastIpAddressTable(AF_INET6, &table) != NO_ERROR || table == nullptr) return std::nullopt;
    std::optional<std::pair<in6_addr, std::uint32_t>> found;
    for (ULONG i = 0; i < table->NumEntries && !found; ++i) {
        const auto& row = table->Table[i];
        const auto& a = row.Address.Ipv6.sin6_addr;
        if (row.Address.si_family == AF_INET6 && a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80)
            found = std::make_pair(a, static_cast<std::uint32_t>(row.InterfaceIndex));
    }
    FreeMibTable(table);
    return found;
}

// The zone printed for a link-local connection is the interface it is on (Wine 8 writes 8192,
// its scope class, into the rows: decoded raw that printed as fe80::1%8192).
TEST(LiveZone, LinkLocalRowsCarryTheirInterface) {
    const auto ll = some_link_local();
    if (!ll) GTEST_SKIP() << "no link-local IPv6 address here (scripts/windows-test adds fe80::1 to lo)";
    sockaddr_in6 at{};
    at.sin6_family = AF_INET6;
    at.sin6_addr = ll->first;
    at.sin6_scope_id = ll->second;
    Sock listener(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
    ASSERT_TRUE(listener.valid()) << wsa_error("socket");
    ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&at), sizeof at), 0) << wsa_error("bind");
    ASSERT_EQ(listen(listener.get(), 4), 0) << wsa_error("listen");
    at.sin6_port = htons(local_port(listener));
    Sock client(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
    ASSERT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&at), sizeof at), 0) << wsa_error("connect");
    Sock server(accept(listener.get(), nullptr, nullptr));
    ASSERT_TRUE(server.valid()) << wsa_error("accept");
    const Endpoint listen_ep{IpAddress::from_v6_bytes(ll->first.s6_addr, ll->second), local_port(listener)};
    const Endpoint client_ep{IpAddress::from_v6_bytes(ll->first.s6_addr, ll->second), local_port(client)};
    CollectRequest req;
    req.ipv4 = false;
    const Snapshot snap = collect_until(*make_system_backend(req), req, [&](const Snapshot& s) {
        return find(s, TcpState::Established, client_ep, listen_ep) != nullptr;
    });
    EXPECT_NE(find(snap, TcpState::Listen, listen_ep, std::nullopt), nullptr) << describe(snap);
    EXPECT_NE(find(snap, TcpState::Established, client_ep, listen_ep), nullptr) << describe(snap);
    EXPECT_NE(find(snap, TcpState::Established, listen_ep, client_ep), nullptr) << describe(snap);
}

TEST(LiveUdp, BoundSocketIsUnconn) {
    Sock s(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    ASSERT_TRUE(s.valid()) << wsa_error("socket");
    sockaddr_storage any = loopback(AF_INET, 0);
    ASSERT_EQ(bind(s.get(), reinterpret_cast<sockaddr*>(&any), addr_len(AF_INET)), 0) << wsa_error("bind");
    const Endpoint ep{IpAddress::v4(127, 0, 0, 1), local_port(s)};
    CollectRequest req;
    req.tcp = false;
    req.udp = true;
    req.ipv6 = false;
    const Snapshot snap = make_system_backend(req)->collect(req);
    const auto it = std::find_if(snap.sockets.begin(), snap.sockets.end(), [&](const Socket& x) { return x.local == ep; });
    ASSERT_NE(it, snap.sockets.end()) << "no UDP row for port " << ep.port << "; " << describe(snap);
    EXPECT_EQ(it->protocol, Protocol::Udp);
    EXPECT_EQ(it->state, TcpState::Close);
    for (const Socket& x : snap.sockets) EXPECT_EQ(x.protocol, Protocol::Udp);
}

TEST(LiveNames, NamesThisProcessAndSkipsVanishedPids) {
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    Snapshot snap;
    Socket mine;
    mine.owners = {{self, std::nullopt}};
    Socket ghost;
    // Windows pids are multiples of 4; an odd, huge one belongs to no process.
    ghost.owners = {{0x7ffffff3, std::nullopt}};
    snap.sockets = {mine, ghost, mine};
    make_system_backend(CollectRequest{})->attach_owners(snap, OwnerRequest{});
    ASSERT_NE(snap.process(self), nullptr);
    EXPECT_EQ(lower(snap.process(self)->name), lower(own_exe_name()));
    EXPECT_EQ(snap.process(0x7ffffff3), nullptr);
    EXPECT_EQ(snap.processes.size(), 1u);
    EXPECT_TRUE(snap.warnings.empty()) << snap.warnings.front();
}

TEST(LiveNames, OnlyRequestedPidsAreNamed) {
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    Snapshot snap;
    Socket mine;
    mine.owners = {{self, std::nullopt}};
    snap.sockets = {mine};
    OwnerRequest req;
    req.only_pids = {self + 4};
    make_system_backend(CollectRequest{})->attach_owners(snap, req);
    EXPECT_TRUE(snap.processes.empty());
}

TEST(LiveNames, NamesAnotherProcess) {
    // A suspended copy of this executable: a second process whose name is known in advance.
    std::vector<wchar_t> path(32768);
    GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    std::wstring cmd = L"\"" + std::wstring(path.data()) + L"\" --gtest_list_tests";
    STARTUPINFOW si{};
    si.cb = sizeof si;
    PROCESS_INFORMATION pi{};
    ASSERT_TRUE(CreateProcessW(path.data(), cmd.data(), nullptr, nullptr, FALSE, CREATE_SUSPENDED, nullptr, nullptr,
                               &si, &pi))
        << "CreateProcessW failed: " << GetLastError();
    const ProcessName pn = process_name(pi.dwProcessId);
    TerminateProcess(pi.hProcess, 0);
    WaitForSingleObject(pi.hProcess, 5000);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    EXPECT_NE(pi.dwProcessId, GetCurrentProcessId());
    ASSERT_EQ(pn.status, NameStatus::Ok);
    EXPECT_EQ(lower(pn.name), lower(own_exe_name()));
}

// Without elevation OpenProcess refuses most services; the process snapshot still names them.
TEST(LiveNames, ProcessesThatRefuseToOpenAreNamedFromTheProcessSnapshot) {
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    Snapshot snap;
    Socket mine;
    mine.owners = {{self, std::nullopt}};
    Socket ghost;
    ghost.owners = {{0x7ffffff3, std::nullopt}};
    snap.sockets = {mine, ghost};
    NameSources refusing;
    refusing.open = [](std::uint32_t) { return ProcessName{NameStatus::Denied, {}, {}}; };
    const NameGaps gaps = fill_process_names(snap, OwnerRequest{}, refusing);
    ASSERT_NE(snap.process(self), nullptr);
    EXPECT_EQ(lower(snap.process(self)->name), lower(own_exe_name()));
    EXPECT_EQ(gaps.denied, 1u) << "the pid no process has stays unnamed";
    EXPECT_EQ(gaps.unreadable, 0u);
}

TEST(LiveNames, AnOpenedProcessCarriesItsCreationTime) {
    const ProcessName pn = process_name(GetCurrentProcessId());
    ASSERT_EQ(pn.status, NameStatus::Ok);
    EXPECT_GT(pn.created, 0u);
    EXPECT_LE(pn.created, filetime_now());
}

// The pid-reuse check with this very process and GetProcessTimes: a socket older than the
// process cannot be its own, so the pid is not named (and counted once); a younger one is.
TEST(LiveNames, APidWhoseProcessIsNewerThanItsSocketIsNotNamed) {
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    const std::uint64_t created = process_name(GetCurrentProcessId()).created;
    ASSERT_GT(created, 0u);
    const std::uint64_t read = filetime_now();
    const std::uint64_t process_age_ms = (read - created) / 10000;
    Socket older;
    older.owners = {{self, std::nullopt}};
    older.age_ms = process_age_ms + 60 * 1000;  // bound a minute before this process started
    Socket younger = older;
    younger.age_ms = 0;
    Snapshot reused;
    reused.sockets = {younger, older};
    const NameGaps gaps = fill_process_names(reused, OwnerRequest{}, {}, read);
    EXPECT_EQ(reused.process(self), nullptr) << "the oldest socket decides: it predates the process";
    EXPECT_EQ(gaps.reused, 1u);
    EXPECT_EQ(gaps.denied + gaps.unreadable, 0u);
    Snapshot own;
    own.sockets = {younger};
    EXPECT_EQ(fill_process_names(own, OwnerRequest{}, {}, read).reused, 0u);
    EXPECT_NE(own.process(self), nullptr);
    Snapshot unknown_time;
    unknown_time.sockets = {older};
    fill_process_names(unknown_time, OwnerRequest{});
    EXPECT_NE(unknown_time.process(self), nullptr) << "without the table's time nothing is decided";
}

TEST(LiveNames, TheProcessSnapshotListsThisProcess) {
    const auto names = listed_process_names();
    const auto it = names.find(GetCurrentProcessId());
    ASSERT_NE(it, names.end()) << names.size() << " processes listed";
    EXPECT_EQ(lower(it->second), lower(own_exe_name()));
}

// -o exe: the full image path, which the name lookup reads anyway.
TEST(LiveNames, ExeIsTheFullImagePathWhenAsked) {
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    std::vector<wchar_t> buf(32768);
    const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    Snapshot snap;
    Socket mine;
    mine.owners = {{self, std::nullopt}};
    snap.sockets = {mine};
    OwnerRequest req;
    req.want_exe = true;
    fill_process_names(snap, req);
    ASSERT_NE(snap.process(self), nullptr);
    ASSERT_TRUE(snap.process(self)->exe);
    EXPECT_EQ(lower(*snap.process(self)->exe), lower(utf8_from_wide(std::wstring_view(buf.data(), n))));
    Snapshot plain;
    plain.sockets = {mine};
    fill_process_names(plain, OwnerRequest{});
    EXPECT_FALSE(plain.process(self)->exe) << "read only when asked for";
}

// -o service / -g service: the services a shared svchost.exe pid runs, joined in name order.
TEST(LiveNames, ServiceNamesWhenAsked) {
    const Pid self = static_cast<Pid>(GetCurrentProcessId());
    Socket mine;
    mine.owners = {{self, std::nullopt}};
    NameSources sources;
    sources.services = [self] {
        return std::unordered_map<std::uint32_t, std::string>{{static_cast<std::uint32_t>(self), "Dnscache,LanmanWorkstation"}};
    };
    OwnerRequest req;
    req.want_service = true;
    Snapshot snap;
    snap.sockets = {mine};
    fill_process_names(snap, req, sources);
    ASSERT_NE(snap.process(self), nullptr);
    EXPECT_EQ(snap.process(self)->service, "Dnscache,LanmanWorkstation");
    Snapshot plain;
    plain.sockets = {mine};
    fill_process_names(plain, OwnerRequest{}, sources);
    EXPECT_FALSE(plain.process(self)->service) << "enumerated only when asked for";
}

// The real service manager: Wine runs a few services (plugplay, rpcss, ...) in processes of their own.
TEST(LiveNames, TheServiceManagerNamesRunningServicesByPid) {
    const auto services = service_names_by_pid();
    if (services.empty()) GTEST_SKIP() << "no running Win32 service visible here";
    const auto processes = listed_process_names();
    for (const auto& [pid, names] : services) {
        EXPECT_FALSE(names.empty());
        EXPECT_TRUE(processes.contains(pid)) << "service pid " << pid << " (" << names << ") is no process";
    }
}

TEST(LiveNames, Utf8FromWide) {
    EXPECT_EQ(utf8_from_wide(L"svchost.exe"), "svchost.exe");
    EXPECT_EQ(utf8_from_wide(L"caf\u00e9.exe"), "caf\xc3\xa9.exe");
    EXPECT_EQ(utf8_from_wide(L"\U0001F600"), "\xf0\x9f\x98\x80");
    const wchar_t lone[] = {L'a', static_cast<wchar_t>(0xD800), L'b'};
    EXPECT_EQ(utf8_from_wide(std::wstring_view(lone, 3)), "a\xef\xbf\xbd" "b");
    EXPECT_EQ(utf8_from_wide(L""), "");
}

TEST(Backend, LinuxOnlySourcesAreUsageErrors) {
    CollectRequest proc;
    proc.source = SourceKind::Proc;
    try {
        make_system_backend(proc);
        FAIL() << "--source proc accepted";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "--source proc is only available on Linux");
    }
    CollectRequest netlink;
    netlink.source = SourceKind::Netlink;
    EXPECT_THROW(make_system_backend(netlink), UsageError);
    CollectRequest root;
    root.proc_root = "C:\\snapshots\\proc";
    EXPECT_THROW(make_system_backend(root), UsageError);
    CollectRequest one_ns;
    one_ns.netns = "blue";
    EXPECT_THROW(make_system_backend(one_ns), UsageError);
    CollectRequest every_ns;
    every_ns.all_netns = true;
    EXPECT_THROW(make_system_backend(every_ns), UsageError);
    EXPECT_NE(make_system_backend(CollectRequest{}), nullptr);
}

TEST(Backend, NoUidsOnWindows) {
    EXPECT_EQ(make_system_backend(CollectRequest{})->uid_of_user("Administrator"), std::nullopt);
}

// doctor's facts on Windows: the documented defaults, or TcpTimedWaitDelay as the registry holds
// it. The value is written only where it is absent (Wine, most hosts) and removed again.
TEST(Backend, KernelFactsAreTheDynamicRangeAndTheTimeWaitDelay) {
    const KernelFacts f = make_system_backend(CollectRequest{})->kernel_facts();
    ASSERT_TRUE(f.ephemeral_count());
    if (wine_version()) {
        // Wine has no MSFT_NetTCPSetting: the documented default, said to be one.
        EXPECT_EQ(f.ephemeral_low, 49152);
        EXPECT_EQ(f.ephemeral_high, 65535);
        EXPECT_TRUE(f.ephemeral_is_default);
    } else {
        EXPECT_FALSE(f.ephemeral_is_default) << "Windows answers MSFT_NetTCPSetting";
        EXPECT_GE(*f.ephemeral_low, 1025);
    }
    ASSERT_TRUE(f.time_wait_s);
    EXPECT_FALSE(f.max_tw_buckets) << "no Linux limit is claimed";
    const wchar_t* key = L"SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters";
    DWORD existing = 0, size = sizeof existing;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, key, L"TcpTimedWaitDelay", RRF_RT_REG_DWORD, nullptr, &existing, &size) ==
        ERROR_SUCCESS) {
        EXPECT_EQ(f.time_wait_s, existing);
        GTEST_SKIP() << "TcpTimedWaitDelay is set here (" << existing << "); not touching it";
    }
    EXPECT_EQ(f.time_wait_s, 120u);
    EXPECT_TRUE(f.time_wait_is_default);
    const DWORD delay = 45;
    const LSTATUS set = RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, L"TcpTimedWaitDelay", REG_DWORD, &delay, sizeof delay);
    if (set == ERROR_ACCESS_DENIED) GTEST_SKIP() << "not Administrator: cannot set TcpTimedWaitDelay";
    ASSERT_EQ(set, ERROR_SUCCESS);
    const KernelFacts g = make_system_backend(CollectRequest{})->kernel_facts();
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, key, L"TcpTimedWaitDelay");
    EXPECT_EQ(g.time_wait_s, 45u);
    EXPECT_FALSE(g.time_wait_is_default);
}

TEST(Backend, NothingRequestedReadsNothing) {
    CollectRequest req;
    req.tcp = false;
    req.udp = false;
    const Snapshot snap = make_system_backend(req)->collect(req);
    EXPECT_TRUE(snap.sockets.empty());
    EXPECT_TRUE(snap.warnings.empty());
}

}  // namespace
}  // namespace tcpstat::win
