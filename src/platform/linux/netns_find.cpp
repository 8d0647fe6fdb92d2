// Owns finding network namespaces: resolving one --netns NAME|PATH|PID, and listing every one on the host.
#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>

#include <fmt/format.h>

#include "netns.hpp"
#include "owners_walk.hpp"
#include "process_info.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::netns {
namespace {

constexpr const char* kAccepted =
    "expected an `ip netns` name (see ip netns list), a path to a network namespace file such as "
    "/run/netns/NAME or /proc/PID/ns/net, or a pid";

std::string errno_text(int e) { return std::system_category().message(e); }

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

// The `ip netns` entries, name -> inode; files that are not namespace bind mounts (left behind
// by a failed `ip netns add`) live on another device than nsfs and are left out.
std::vector<std::pair<std::string, std::uint64_t>> named_namespaces(const std::string& run_netns,
                                                                    const std::string& proc_root) {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    struct stat self {};
    if (::stat((proc_root + "/self/ns/net").c_str(), &self) != 0) return out;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(run_netns.c_str()), ::closedir);
    if (!dir) return out;
    while (const dirent* e = ::readdir(dir.get())) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::stat((run_netns + "/" + name).c_str(), &st) != 0 || st.st_dev != self.st_dev) continue;
        out.emplace_back(name, st.st_ino);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// "<comm>:<inode>": a process name alone could name two namespaces (two containers both running
// nginx), and grouping by netns must never merge them.
std::string hint_name(int proc_fd, Pid pid, std::uint64_t inode) {
    const Process p = procfs::read_process(proc_fd, pid, OwnerRequest{});
    if (p.name.empty()) return {};
    return fmt::format("{}:{}", p.name, inode);
}

// tcpstat's own namespace (the host's, unless tcpstat itself runs in a container) is named for
// what it is: after its lowest-pid process it read like one more container ("memfd:sealed-91").
constexpr const char* kSelfName = "self";

std::optional<std::uint64_t> own_inode(const std::string& proc_root) {
    struct stat st {};
    if (::stat((proc_root + "/self/ns/net").c_str(), &st) != 0) return std::nullopt;
    return st.st_ino;
}

[[noreturn]] void throw_open_error(std::string_view spec, const std::string& path, int err) {
    if (err == EACCES || err == EPERM)
        throw RuntimeError(fmt::format(
            "--netns {}: cannot open {} ({}): reading another network namespace needs CAP_SYS_ADMIN (run as root) "
            "and, for a pid, permission to inspect that process",
            spec, path, errno_text(err)));
    throw RuntimeError(fmt::format("--netns {}: cannot open {}: {}", spec, path, errno_text(err)));
}

}  // namespace

Target resolve(std::string_view spec, const std::string& proc_root, const std::string& run_netns) {
    if (spec.empty()) throw UsageError(fmt::format("empty --netns: {}", kAccepted));
    enum class Kind { Name, Path, Pid } kind = Kind::Name;
    std::string path;
    Pid pid = 0;
    if (spec.find('/') != std::string_view::npos) {
        kind = Kind::Path;
        path = std::string(spec);
    } else if (all_digits(spec) &&
               (exists(proc_root + "/" + std::string(spec)) || !exists(run_netns + "/" + std::string(spec)))) {
        kind = Kind::Pid;
        pid = static_cast<Pid>(std::stol(std::string(spec)));
        path = proc_root + "/" + std::string(spec) + "/ns/net";
    } else {
        if (spec == "." || spec == "..")
            throw UsageError(fmt::format("invalid --netns '{}': {}", spec, kAccepted));
        path = run_netns + "/" + std::string(spec);
    }

    // O_NONBLOCK: a FIFO given as the path must not block the open waiting for a writer.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR || err == ESRCH) {
            switch (kind) {
                case Kind::Pid:
                    throw UsageError(fmt::format("unknown --netns '{}': no process with that pid; {}", spec, kAccepted));
                case Kind::Name:
                    throw UsageError(fmt::format("unknown --netns '{}': no such name in {}; {}", spec, run_netns,
                                                 kAccepted));
                case Kind::Path:
                    throw UsageError(fmt::format("unknown --netns '{}': no such file; {}", spec, kAccepted));
            }
        }
        throw_open_error(spec, path, err);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || ::ioctl(fd.get(), NS_GET_NSTYPE) != CLONE_NEWNET)
        throw UsageError(fmt::format("invalid --netns '{}': {} is not a network namespace; {}", spec, path, kAccepted));

    Target t;
    t.inode = st.st_ino;
    t.path = path;
    if (kind == Kind::Name) {
        t.name = std::string(spec);
        return t;
    }
    for (const auto& [name, inode] : named_namespaces(run_netns, proc_root)) {
        if (inode == t.inode) {
            t.name = name;
            return t;
        }
    }
    if (own_inode(proc_root) == t.inode) {
        t.name = kSelfName;
    } else if (kind == Kind::Pid) {
        Fd proc(::open(proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (proc.get() >= 0) t.name = hint_name(proc.get(), pid, t.inode);
    } else {
        t.name = path;
    }
    return t;
}

std::vector<Target> find_all(const std::string& proc_root, const std::string& run_netns) {
    std::unordered_map<std::uint64_t, Target> by_inode;
    for (const auto& [name, inode] : named_namespaces(run_netns, proc_root)) {
        if (by_inode.count(inode)) continue;  // a second name for the same namespace
        by_inode.emplace(inode, Target{inode, run_netns + "/" + name, name});
    }

    Fd proc(::open(proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (proc.get() >= 0) {
        auto buf = std::make_unique<procfs::WalkBuffers>();
        std::vector<Pid> pids;
        procfs::list_pids(proc.get(), pids, *buf);
        std::sort(pids.begin(), pids.end());  // the lowest pid names the namespace: its init, usually
        // Kernel threads (no command line) all live in the host's namespace and would name it
        // "kthreadd": the first user process there is the better hint, a kernel thread the last resort.
        std::unordered_map<std::uint64_t, bool> settled;  // inode -> no better hint can come
        for (const auto& [inode, t] : by_inode) settled.emplace(inode, true);  // `ip netns` names
        char rel[32];
        OwnerRequest cmdline_only;
        cmdline_only.want_cmdline = true;
        for (Pid pid : pids) {
            struct stat st {};
            if (::fstatat(proc.get(), procfs::pid_path(rel, pid, "/ns/net"), &st, 0) != 0) continue;
            bool& done = settled[st.st_ino];
            if (done) continue;
            const Process p = procfs::read_process(proc.get(), pid, cmdline_only);
            const bool user_process = p.cmdline.has_value();
            if (by_inode.count(st.st_ino) && !user_process) continue;
            Target t{st.st_ino, proc_root + "/" + std::to_string(pid) + "/ns/net", {}};
            if (!p.name.empty()) t.name = fmt::format("{}:{}", p.name, t.inode);
            by_inode.insert_or_assign(t.inode, std::move(t));
            done = user_process;
        }
    }

    if (const auto self = own_inode(proc_root)) {
        auto it = by_inode.find(*self);
        const bool has_ip_name = it != by_inode.end() && !it->second.path.starts_with(proc_root + "/");
        if (it != by_inode.end() && !has_ip_name) it->second.name = kSelfName;
    }

    std::vector<Target> out;
    out.reserve(by_inode.size());
    for (auto& [inode, t] : by_inode) out.push_back(std::move(t));
    std::sort(out.begin(), out.end(), [](const Target& a, const Target& b) { return a.inode < b.inode; });
    return out;
}

}  // namespace tcpstat::netns
