// Owns reading the requested /proc/net socket tables under a root into one Snapshot.
#include <algorithm>
#include <cerrno>
#include <string>

#include "netlink.hpp"
#include "proc_file.hpp"
#include "procfs.hpp"
#include "tcpstat/error.hpp"
#include "users.hpp"

namespace tcpstat::procfs {
namespace {

// One read(2) at a time: the parse keeps rows, not text, so a table costs its sockets.
constexpr std::size_t kChunk = 64 * 1024;

// A Socket takes more than a /proc line; this many bytes per row overestimates the rows of a
// recorded table (the kernel's lines are 150 bytes and more), and unused room costs no memory.
constexpr std::size_t kMinLineBytes = 128;

struct TableRead {
    int error = 0;            // 0, the errno of the failure, or kNotRegularFile (ProcFile)
    bool bytes_cut = false;   // a recorded table longer than its byte limit
    ParseStats stats;
};

// /proc files report size 0, so read until EOF, parsing each chunk as it comes. A table on
// procfs is the kernel's own and is read whole; any other file is a recorded one, held to the
// limits (a recorded tree may hold anything, e.g. a 2 GiB sparse file).
TableRead read_table(const std::string& path, std::vector<char>& chunk, Protocol proto, Family family,
                     std::vector<Socket>& out, std::uint64_t max_bytes_recorded, std::size_t max_rows) {
    TableRead r;
    ProcFile file(AT_FDCWD, path.c_str());
    if ((r.error = file.error()) != 0) return r;
    const bool kernel = file.on_procfs();
    const std::uint64_t max_bytes = kernel ? UINT64_MAX : max_bytes_recorded;
    if (!kernel) {
        const auto size = std::min<std::uint64_t>(file.size(), max_bytes);
        const std::size_t rows = std::min<std::size_t>(size / kMinLineBytes + 1, max_rows);
        out.reserve(out.size() + rows);
    }

    const std::size_t first = out.size();
    TableParser parser(proto, family, out, kernel ? SIZE_MAX : max_rows);
    std::uint64_t total = 0;
    for (;;) {
        std::size_t want = chunk.size();
        if (total == max_bytes) {
            want = 1;  // only to learn whether anything is left
        } else if (max_bytes - total < want) {
            want = static_cast<std::size_t>(max_bytes - total);
        }
        const ssize_t n = file.read(chunk.data(), want);
        if (n == 0) break;
        if (n < 0) {
            r.error = errno;
            out.erase(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
            return r;
        }
        if (total == max_bytes) {
            r.bytes_cut = true;
            break;
        }
        total += static_cast<std::uint64_t>(n);
        if (!parser.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)))) break;
    }
    r.stats = parser.finish(r.bytes_cut);
    return r;
}

std::string bytes_text(std::uint64_t n) {
    if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
    return std::to_string(n) + " bytes";
}

std::string normalized_root(const std::string& root) {
    std::string r = root.empty() ? std::string("/proc") : root;
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    return r;
}

struct TableSpec {
    const char* name;
    Protocol proto;
    Family family;
};

}  // namespace

Snapshot read_tables(const CollectRequest& request, const std::string& root_in, const RecordedLimits& limits) {
    const std::string root = normalized_root(root_in);
    Snapshot snap;
    snap.source = root == "/proc" ? std::string("proc") : "proc:" + root;

    static constexpr TableSpec kTables[] = {
        {"tcp", Protocol::Tcp, Family::Inet},
        {"tcp6", Protocol::Tcp, Family::Inet6},
        {"udp", Protocol::Udp, Family::Inet},
        {"udp6", Protocol::Udp, Family::Inet6},
    };

    // The kernel's own tables: sized from sockstat as the netlink dump is, so the vector is not
    // regrown (and copied) table after table. Under another root (a recorded tree, or another
    // namespace's /proc/thread-self) sockstat would describe the wrong sockets.
    if (root == "/proc") netlink::reserve_sockets(snap.sockets, netlink::expected_sockets(request));

    std::vector<char> chunk(kChunk);
    std::size_t wanted = 0, readable = 0;
    std::string first_failure;
    for (const TableSpec& t : kTables) {
        if (!(t.proto == Protocol::Tcp ? request.tcp : request.udp)) continue;
        if (!(t.family == Family::Inet ? request.ipv4 : request.ipv6)) continue;
        ++wanted;
        const std::string path = root + "/net/" + t.name;
        const std::size_t room = limits.rows - std::min(limits.rows, snap.sockets.size());
        const TableRead r = read_table(path, chunk, t.proto, t.family, snap.sockets, limits.table_bytes, room);
        if (const int err = r.error) {
            const std::string reason = proc_error_text(err);
            if (first_failure.empty()) first_failure = reason;
            snap.warnings.push_back("cannot read " + path + ": " + reason + "; its sockets are not shown");
            continue;
        }
        ++readable;
        const ParseStats& st = r.stats;
        if (r.bytes_cut) {
            snap.warnings.push_back("read only the first " + bytes_text(limits.table_bytes) + " of " + path +
                                    ", the most read of a recorded table; its later rows are not shown");
        }
        if (st.row_limit_hit) {
            snap.warnings.push_back("stopped at " + std::to_string(limits.rows) + " sockets, the most held from a " +
                                    "recorded tree; the later rows of " + path + " are not shown");
        }
        if (st.malformed > 0) {
            snap.warnings.push_back("skipped " + std::to_string(st.malformed) + " malformed line" +
                                    (st.malformed == 1 ? "" : "s") + " in " + path + " (first at line " +
                                    std::to_string(st.first_malformed_line) + ")");
        }
    }
    if (wanted > 0 && readable == 0)
        throw RuntimeError("cannot read any socket table under " + root + "/net: " + first_failure);

    if (request.user_names) {
        UserNames names;
        fill_socket_users(snap, names);
    }
    return snap;
}

}  // namespace tcpstat::procfs
