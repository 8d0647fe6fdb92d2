// Owns reading the requested /proc/net socket tables under a root into one Snapshot.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>

#include "procfs.hpp"
#include "tcpstat/error.hpp"
#include "users.hpp"

namespace tcpstat::procfs {
namespace {

// read_whole's failure for anything but a regular file (the errno values are all positive).
constexpr int kNotRegularFile = -1;

// /proc files report size 0, so read until EOF, growing one buffer that all tables share.
// Returns 0, the errno of the failure, or kNotRegularFile.
int read_whole(const std::string& path, std::string& buf) {
    buf.clear();
    // A recorded tree may hold anything: O_NONBLOCK keeps open(2) of a FIFO from waiting for a
    // writer forever, and only regular files are read, since a device such as /dev/zero never
    // reaches EOF.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return errno;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = S_ISDIR(st.st_mode) ? EISDIR : kNotRegularFile;
        ::close(fd);
        return err;
    }
    std::size_t used = 0;
    if (buf.capacity() < 64 * 1024) buf.reserve(64 * 1024);
    for (;;) {
        if (buf.size() - used < 16 * 1024) buf.resize(std::max<std::size_t>(buf.capacity(), used + 16 * 1024) * 2);
        const ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            buf.clear();
            return err;
        }
        used += static_cast<std::size_t>(n);
    }
    ::close(fd);
    buf.resize(used);
    return 0;
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

Snapshot read_tables(const CollectRequest& request, const std::string& root_in) {
    const std::string root = normalized_root(root_in);
    Snapshot snap;
    snap.source = root == "/proc" ? std::string("proc") : "proc:" + root;

    static constexpr TableSpec kTables[] = {
        {"tcp", Protocol::Tcp, Family::Inet},
        {"tcp6", Protocol::Tcp, Family::Inet6},
        {"udp", Protocol::Udp, Family::Inet},
        {"udp6", Protocol::Udp, Family::Inet6},
    };

    std::string buf;
    std::size_t wanted = 0, readable = 0;
    std::string first_failure;
    for (const TableSpec& t : kTables) {
        if (!(t.proto == Protocol::Tcp ? request.tcp : request.udp)) continue;
        if (!(t.family == Family::Inet ? request.ipv4 : request.ipv6)) continue;
        ++wanted;
        const std::string path = root + "/net/" + t.name;
        if (const int err = read_whole(path, buf)) {
            const std::string reason =
                err == kNotRegularFile ? "not a regular file" : std::system_category().message(err);
            if (first_failure.empty()) first_failure = reason;
            snap.warnings.push_back("cannot read " + path + ": " + reason + "; its sockets are not shown");
            continue;
        }
        ++readable;
        const ParseStats st = parse_table(buf, t.proto, t.family, snap.sockets);
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
