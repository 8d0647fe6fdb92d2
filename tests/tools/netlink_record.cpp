// Owns re-recording tests/fixtures/netlink: opens known loopback sockets, saves raw inet_diag dumps.
//
// Usage: netlink_record OUTDIR   (see tests/fixtures/netlink/README.md)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "netlink_dump.hpp"
#include "netlink_parse.hpp"
#include "netlink_request.hpp"

using namespace tcpstat;
using namespace tcpstat::netlink;

namespace {

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

struct Addr {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
};

int make(int family, int type) {
    int fd = ::socket(family, type, 0);
    check(fd >= 0, "socket");
    return fd;
}

void bind_loopback(int fd, int family) {
    if (family == AF_INET) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        check(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "bind");
    } else {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        check(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "bind");
    }
}

Addr local_of(int fd) {
    Addr a;
    check(::getsockname(fd, reinterpret_cast<sockaddr*>(&a.ss), &a.len) == 0, "getsockname");
    return a;
}

std::string text(const Addr& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    unsigned port = 0;
    if (a.ss.ss_family == AF_INET) {
        const auto* s = reinterpret_cast<const sockaddr_in*>(&a.ss);
        ::inet_ntop(AF_INET, &s->sin_addr, buf, sizeof buf);
        port = ntohs(s->sin_port);
    } else {
        const auto* s = reinterpret_cast<const sockaddr_in6*>(&a.ss);
        ::inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof buf);
        port = ntohs(s->sin6_port);
    }
    return std::string(buf) + " " + std::to_string(port);
}

unsigned port_of(const Addr& a) {
    return a.ss.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in*>(&a.ss)->sin_port)
                                     : ntohs(reinterpret_cast<const sockaddr_in6*>(&a.ss)->sin6_port);
}

unsigned long inode_of(int fd) {
    struct stat st{};
    check(::fstat(fd, &st) == 0, "fstat");
    return st.st_ino;
}

int connect_to(int family, const Addr& to) {
    int fd = make(family, SOCK_STREAM);
    check(::connect(fd, reinterpret_cast<const sockaddr*>(&to.ss), to.len) == 0, "connect");
    return fd;
}

// Saves the raw bytes of every buffer; parses them only to know when the dump ends.
class Recorder : public DumpConsumer {
public:
    explicit Recorder(Protocol p) : proto_(p) {}
    void restart() override {
        bytes.clear();
        sockets.clear();
        stats_ = ParseStats{};
    }
    BufferResult consume(std::span<const std::uint8_t> buf, std::uint32_t s, std::uint32_t portid) override {
        seq = s;
        bytes.insert(bytes.end(), buf.begin(), buf.end());
        const BufferStatus st = parse_buffer(buf, ParseContext{proto_, s, portid}, sockets, stats_);
        return {st, stats_.error};
    }
    std::vector<std::uint8_t> bytes;
    std::vector<Socket> sockets;
    std::uint32_t seq = 0;

private:
    Protocol proto_;
    ParseStats stats_;
};

}  // namespace

int main(int argc, char** argv) try {
    if (argc != 2) {
        std::cerr << "usage: netlink_record OUTDIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    const unsigned uid = ::getuid();
    std::vector<std::string> expect;
    auto sock_line = [&](const char* table, const char* state, const std::string& local, const std::string& remote,
                         const std::string& inode) {
        // The only socket without an inode here is the orphaned FIN_WAIT2 timewait minisocket,
        // which reports uid 0 for no owner: its uid is unknown.
        expect.push_back(std::string("sock ") + table + " " + state + " " + local + " " + remote + " uid " +
                         (inode == "-" ? std::string("-") : std::to_string(uid)) + " inode " + inode);
    };

    // TCP over IPv4: a listener, an established pair, and a pair whose server side closed.
    int l4 = make(AF_INET, SOCK_STREAM);
    bind_loopback(l4, AF_INET);
    check(::listen(l4, 16) == 0, "listen");
    const Addr l4a = local_of(l4);
    int c4 = connect_to(AF_INET, l4a);
    int a4 = ::accept(l4, nullptr, nullptr);
    check(a4 >= 0, "accept");
    check(::send(c4, "ping", 4, 0) == 4, "send");  // gives the pair some bytes and an RTT sample
    char buf[16];
    check(::recv(a4, buf, sizeof buf, 0) == 4, "recv");
    int cw = connect_to(AF_INET, l4a);
    int acw = ::accept(l4, nullptr, nullptr);
    check(acw >= 0, "accept");
    const Addr cwa = local_of(cw);
    ::close(acw);  // our FIN: the client side moves to CLOSE_WAIT, this side to FIN_WAIT2
    check(::recv(cw, buf, sizeof buf, 0) == 0, "recv EOF");

    sock_line("tcp4", "LISTEN", text(l4a), "0.0.0.0 0", std::to_string(inode_of(l4)));
    sock_line("tcp4", "ESTABLISHED", text(local_of(c4)), text(l4a), std::to_string(inode_of(c4)));
    sock_line("tcp4", "ESTABLISHED", text(l4a), text(local_of(c4)), std::to_string(inode_of(a4)));
    sock_line("tcp4", "CLOSE_WAIT", text(cwa), text(l4a), std::to_string(inode_of(cw)));
    sock_line("tcp4", "FIN_WAIT2", text(l4a), text(cwa), "-");  // orphaned: no file, no inode

    // TCP over IPv6: a listener and an established pair.
    int l6 = make(AF_INET6, SOCK_STREAM);
    bind_loopback(l6, AF_INET6);
    check(::listen(l6, 16) == 0, "listen");
    const Addr l6a = local_of(l6);
    int c6 = connect_to(AF_INET6, l6a);
    int a6 = ::accept(l6, nullptr, nullptr);
    check(a6 >= 0, "accept");
    sock_line("tcp6", "LISTEN", text(l6a), ":: 0", std::to_string(inode_of(l6)));
    sock_line("tcp6", "ESTABLISHED", text(local_of(c6)), text(l6a), std::to_string(inode_of(c6)));
    sock_line("tcp6", "ESTABLISHED", text(l6a), text(local_of(c6)), std::to_string(inode_of(a6)));

    // UDP: an unconnected IPv4 socket; an IPv6 socket and a second one connected to it.
    int u4 = make(AF_INET, SOCK_DGRAM);
    bind_loopback(u4, AF_INET);
    int u6a = make(AF_INET6, SOCK_DGRAM);
    bind_loopback(u6a, AF_INET6);
    int u6b = make(AF_INET6, SOCK_DGRAM);
    bind_loopback(u6b, AF_INET6);
    const Addr u6aa = local_of(u6a);
    check(::connect(u6b, reinterpret_cast<const sockaddr*>(&u6aa.ss), u6aa.len) == 0, "connect udp");
    sock_line("udp4", "CLOSE", text(local_of(u4)), "0.0.0.0 0", std::to_string(inode_of(u4)));
    sock_line("udp6", "CLOSE", text(u6aa), ":: 0", std::to_string(inode_of(u6a)));
    sock_line("udp6", "ESTABLISHED", text(local_of(u6b)), text(u6aa), std::to_string(inode_of(u6b)));

    // Only this program's sockets: every one of them has one of these ports on some side.
    const std::vector<PortRange> ports = {
        {static_cast<std::uint16_t>(port_of(l4a)), static_cast<std::uint16_t>(port_of(l4a))},
        {static_cast<std::uint16_t>(port_of(l6a)), static_cast<std::uint16_t>(port_of(l6a))},
        {static_cast<std::uint16_t>(port_of(local_of(u4))), static_cast<std::uint16_t>(port_of(local_of(u4)))},
        {static_cast<std::uint16_t>(port_of(u6aa)), static_cast<std::uint16_t>(port_of(u6aa))},
    };
    const auto bytecode = build_port_bytecode({}, {}, ports);

    struct Table {
        const char* name;
        Protocol proto;
        Family family;
        bool extended;
    };
    const Table tables[] = {{"tcp4", Protocol::Tcp, Family::Inet, true},
                            {"tcp6", Protocol::Tcp, Family::Inet6, false},
                            {"udp4", Protocol::Udp, Family::Inet, false},
                            {"udp6", Protocol::Udp, Family::Inet6, false}};
    std::vector<std::uint8_t> rx;
    std::vector<std::string> dumps;
    for (const Table& t : tables) {
        Recorder rec(t.proto);
        const DumpSpec spec{t.proto, t.family, kernel_state_mask(StateMask::all(), t.proto), t.extended};
        run_dump(build_request(spec, bytecode, 0), rec, rx, t.name);
        const std::string file = std::string(t.name) + ".bin";
        std::ofstream(dir + "/" + file, std::ios::binary)
            .write(reinterpret_cast<const char*>(rec.bytes.data()), static_cast<std::streamsize>(rec.bytes.size()));
        dumps.push_back(std::string("dump ") + t.name + " " + file + " seq " + std::to_string(rec.seq) +
                        " extended " + (t.extended ? "1" : "0") + " sockets " + std::to_string(rec.sockets.size()));
    }

    utsname u{};
    ::uname(&u);
    std::ofstream out(dir + "/expected.txt");
    out << "# recorded by tests/tools/netlink_record.cpp on Linux " << u.release << " " << u.machine << "\n";
    out << "# dump TABLE FILE seq SEQ extended 0|1 sockets N\n";
    for (const auto& d : dumps) out << d << "\n";
    out << "# sock TABLE STATE LOCAL_ADDR LOCAL_PORT REMOTE_ADDR REMOTE_PORT uid UID|- inode INODE|-\n";
    for (const auto& e : expect) out << e << "\n";
    std::cout << "recorded " << dumps.size() << " dumps into " << dir << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "netlink_record: " << e.what() << "\n";
    return 1;
}
