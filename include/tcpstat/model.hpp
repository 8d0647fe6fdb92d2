// Owns the common data model every backend fills and every later stage reads: Socket, Owner,
// Process, Snapshot. It knows nothing of platforms or output.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/kernel_facts.hpp"
#include "tcpstat/owner_list.hpp"
#include "tcpstat/packed_optional.hpp"
#include "tcpstat/tcp_state.hpp"
#include "tcpstat/types.hpp"

namespace tcpstat {

using Pid = std::int32_t;

// One process holding the socket through one file descriptor. A socket shared by a pre-fork
// server has several owners, and each of them counts. Windows tables name only the pid: a socket
// there is a handle with no per-process number that would mean anything, so fd is absent.
struct Owner {
    Pid pid = 0;
    PackedOptional<std::int32_t> fd;
    bool operator==(const Owner&) const = default;
};
using OwnerList = InlineOneVector<Owner>;

// The kernel's pending timer on a socket (/proc/net/tcp "tr" and "tm->when").
enum class TimerKind : std::uint8_t { Retransmit, KeepAlive, TimeWait, ZeroWindowProbe, Other };
struct Timer {
    TimerKind kind = TimerKind::Other;
    std::uint64_t expires_ms = 0;  // time left until it fires
    bool operator==(const Timer&) const = default;
};
// A kind outside the enumeration means "no timer" in a PackedOptional<Timer> (every expiry
// time is a real value: a saturated one included).
template <>
struct PackedNone<Timer> {
    static constexpr Timer value{static_cast<TimerKind>(0xff), 0};
    static constexpr bool is(const Timer& t) { return static_cast<std::uint8_t>(t.kind) == 0xff; }
};

// TCP internals; each field is present only where the source reports it (netlink tcp_info).
struct TcpInfo {
    std::optional<std::uint32_t> rtt_us;
    std::optional<std::uint32_t> rttvar_us;
    std::optional<std::uint32_t> cwnd;       // segments
    std::optional<std::uint32_t> ssthresh;   // segments; absent while "infinite"
    std::optional<std::uint32_t> mss;
    std::optional<std::uint32_t> retrans_total;
    std::optional<std::uint64_t> bytes_sent;      // tcpi_bytes_sent (or acked, older kernels)
    std::optional<std::uint64_t> bytes_received;
    std::optional<std::uint32_t> last_send_ms;    // ms since data was last sent
    std::optional<std::uint32_t> last_recv_ms;    // ms since data was last received
    // Time since the socket last sent or received anything: min of the two above.
    std::optional<std::uint32_t> idle_ms() const;
};

// Socket memory in bytes as netlink's INET_DIAG_SKMEMINFO reports it (ss -m), in the kernel's
// SK_MEMINFO_* order: rmem_alloc, rcvbuf, wmem_alloc, sndbuf, fwd_alloc, wmem_queued, optmem,
// backlog, drops. An entry the kernel did not send is absent; /proc reports none of it.
struct SocketMemory {
    static constexpr std::size_t kCount = 9;
    std::optional<std::uint32_t> values[kCount];
};

// An optional value kept on the heap, used like std::optional. 100k sockets with an inline
// std::optional<TcpInfo> would carry ~100 bytes each that only -e ever fills; touching that memory
// (page faults) cost more than the kernel dump itself.
template <class T>
class HeapOptional {
public:
    HeapOptional() = default;
    HeapOptional(std::nullopt_t) {}
    HeapOptional(const T& v) : p_(std::make_unique<T>(v)) {}
    HeapOptional(T&& v) : p_(std::make_unique<T>(std::move(v))) {}
    HeapOptional(const HeapOptional& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    HeapOptional(HeapOptional&&) noexcept = default;
    HeapOptional& operator=(const HeapOptional& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    HeapOptional& operator=(HeapOptional&&) noexcept = default;
    HeapOptional& operator=(std::nullopt_t) {
        p_.reset();
        return *this;
    }
    HeapOptional& operator=(const T& v) { return *this = HeapOptional(v); }
    HeapOptional& operator=(T&& v) { return *this = HeapOptional(std::move(v)); }
    HeapOptional& operator=(std::optional<T>&& v) {
        if (v) return *this = std::move(*v);
        return *this = std::nullopt;
    }

    bool has_value() const { return p_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    T& operator*() { return *p_; }
    const T& operator*() const { return *p_; }
    T* operator->() { return p_.get(); }
    const T* operator->() const { return p_.get(); }
    void reset() { p_.reset(); }

private:
    std::unique_ptr<T> p_;
};

// Ordered for packing (no padding between the small fields); each optional keeps "absent" in
// a reserved value (PackedOptional), and the usual single owner sits inline: 100k sockets are
// one array the dump writes once, so every byte here is a page the kernel must zero and map.
struct Socket {
    Protocol protocol = Protocol::Tcp;
    Family family = Family::Inet;
    TcpState state = TcpState::Close;
    Endpoint local;
    Endpoint remote;
    PackedOptional<std::uint32_t> uid;
    PackedOptional<std::uint32_t> rx_queue;
    PackedOptional<std::uint32_t> tx_queue;
    PackedOptional<std::uint32_t> retransmits;  // unrecovered retransmits of the current segment
    // The process that made the socket's last recorded transition in its own context (connect,
    // listen, close, shutdown), kept through the transitions the kernel makes alone; Linux's
    // recorder only. A TIME_WAIT socket has no owner, but was closed by this one.
    PackedOptional<Pid> changed_by;
    PackedOptional<std::uint64_t> inode;  // absent (not 0) for sockets with no inode: TIME_WAIT, SYN_RECV
    PackedOptional<std::uint64_t> netns;  // network namespace inode, when known
    // The kernel's identity of this socket (Linux sock_diag cookie): a 4-tuple reused by a new
    // connection gets a new cookie, so `kill` closes exactly the socket it listed. Absent from /proc.
    PackedOptional<std::uint64_t> cookie;
    // Milliseconds in the current state, only where it is known (Linux: `tcpstat record` saw the
    // socket enter it); never estimated. tcp_info's idle time is another thing. Windows: since
    // the connection was created (its table row's timestamp), an upper bound of that.
    PackedOptional<std::uint64_t> age_ms;
    PackedOptional<Timer> timer;
    OwnerList owners;                      // empty: no owner known (or none exists)
    HeapOptional<TcpInfo> tcp_info;        // out of line: see HeapOptional
    HeapOptional<SocketMemory> memory;     // -m only, out of line likewise
};

struct Process {
    std::string name;                   // comm: up to 15 bytes, attacker-controlled, may hold any byte
    std::optional<std::string> cmdline; // NULs replaced by spaces
    std::optional<std::uint32_t> uid;
    std::optional<std::string> user;    // user name of uid, when resolvable
    std::optional<std::string> exe;     // the executable's path (/proc/PID/exe); absent unless asked for or unreadable
    // Windows: the services this pid runs ("Dnscache,LanmanWorkstation" for a shared svchost.exe),
    // as netstat -b and Task Manager show them; absent elsewhere, for non-services and unless asked for.
    std::optional<std::string> service;
};

// The OS a snapshot was read on: doctor names that system's settings, calls and privileges.
enum class Platform : std::uint8_t { Linux, Windows };

struct Snapshot {
    std::vector<Socket> sockets;
    std::unordered_map<Pid, Process> processes;  // joined once per pid, not per row
    std::unordered_map<std::uint32_t, std::string> users;  // uid -> user name, for uids seen
    std::vector<std::string> warnings;           // one line each, shown on stderr
    std::string source;                          // "netlink", "proc", "proc:/some/root", ...
    Platform platform = Platform::Linux;         // set by the backend with source
    bool owners_attached = false;                // whether an owner lookup ran
    std::size_t owners_hidden = 0;               // processes whose fds could not be read by it
    // Network namespace inode -> its name (`ip netns` name, else a hint such as "nginx:4026532301"),
    // filled only when namespaces were asked for (--netns, --all-netns).
    std::unordered_map<std::uint64_t, std::string> netns_names;
    // Network namespace inode -> that namespace's own sysctls and counters, read from inside it;
    // filled only when CollectRequest::kernel_facts asked for them (doctor with namespaces).
    std::unordered_map<std::uint64_t, KernelFacts> netns_facts;
    // Display names the app looked up after collection; render prints them in place of numbers.
    // Interface names of the IPv6 zones seen ("fe80::1%lo", so a printed address pastes back as
    // a filter), and with -r/--resolve host and service names. All empty on the default path.
    std::unordered_map<std::uint32_t, std::string> interface_names;
    std::map<IpAddress, std::string> host_names;
    std::map<std::pair<Protocol, std::uint16_t>, std::string> service_names;

    const Process* process(Pid pid) const {
        auto it = processes.find(pid);
        return it == processes.end() ? nullptr : &it->second;
    }
};

}  // namespace tcpstat
