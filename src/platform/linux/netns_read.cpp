// Owns netns::read_tables: entering each namespace from a helper thread, dumping its tables, merging them.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "kernel_facts_read.hpp"
#include "netlink.hpp"
#include "netns.hpp"
#include "procfs.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::netns {
namespace {

// One helper thread enters up to this many namespaces and hands back one open socket for
// each; the dumps then drain them. Bounds the open descriptors on hosts with thousands.
constexpr std::size_t kBatch = 64;

// Per-thread view of a namespace's /proc/net: after setns() in the helper thread, this shows
// the namespace just entered, even one that no process lives in (a fresh `ip netns add`).
constexpr const char* kThreadProc = "/proc/thread-self";

enum class Want { NetlinkOrProc, NetlinkOnly, ProcOnly };
enum class Outcome { Socket, Proc, Vanished, Refused, Failed };

struct Entered {
    Outcome outcome = Outcome::Failed;
    int diag_fd = -1;     // Outcome::Socket: a sock_diag socket bound to the namespace
    Snapshot proc;        // Outcome::Proc: its /proc/net tables
    std::optional<KernelFacts> facts;  // its sysctls and counters, when the request asked
    std::string detail;   // Proc: why netlink was not used; Refused/Failed: what went wrong
};

std::string errno_text(int e) { return std::system_category().message(e); }

std::string label(const Target& t) { return t.name.empty() ? std::to_string(t.inode) : t.name; }

void enter_one(const Target& t, const CollectRequest& request, Want want, Entered& e) {
    const int fd = ::open(t.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        const int err = errno;
        e.outcome = err == ENOENT || err == ESRCH ? Outcome::Vanished
                    : err == EACCES || err == EPERM ? Outcome::Refused
                                                    : Outcome::Failed;
        e.detail = fmt::format("cannot open {}: {}", t.path, errno_text(err));
        return;
    }
    struct stat st {};
    // A pid that exited and was reused since the namespaces were listed names another one.
    const bool same = ::fstat(fd, &st) == 0 && st.st_ino == t.inode;
    const int rc = same ? ::setns(fd, CLONE_NEWNET) : 0;
    const int err = errno;
    ::close(fd);
    if (!same) {
        e.outcome = Outcome::Vanished;
        return;
    }
    if (rc != 0) {
        e.outcome = err == EPERM ? Outcome::Refused : Outcome::Failed;
        e.detail = fmt::format("cannot enter {}: setns: {}", t.path, errno_text(err));
        return;
    }
    if (request.kernel_facts) e.facts = procfs::read_kernel_facts_of_this_thread();
    if (want != Want::ProcOnly) {
        try {
            e.diag_fd = netlink::open_diag_socket();
            e.outcome = Outcome::Socket;
            return;
        } catch (const netlink::Unavailable& u) {
            if (want == Want::NetlinkOnly) {
                e.outcome = Outcome::Failed;
                e.detail = fmt::format("netlink sock_diag is not available: {} (try --source proc)", u.what());
                return;
            }
            e.detail = u.what();
        }
    }
    e.proc = procfs::read_tables(request, kThreadProc);
    e.outcome = Outcome::Proc;
}

// Runs in a helper thread, which may change its own network namespace freely: the other
// threads keep theirs. setns(CLONE_NEWNET) needs no unshare() first (only mount and user
// namespaces demand an unshared fs or a single thread), and the file table must stay shared:
// the sockets opened here are used and closed by the calling thread.
void enter_each(std::span<const Target> targets, const CollectRequest& request, Want want,
                std::span<Entered> out) noexcept {
    for (std::size_t i = 0; i < targets.size(); ++i) {
        try {
            enter_one(targets[i], request, want, out[i]);
        } catch (const std::exception& ex) {
            out[i].outcome = Outcome::Failed;
            out[i].detail = ex.what();
        }
    }
}

std::vector<Entered> enter_in_helper(std::span<const Target> targets, const CollectRequest& request, Want want) {
    std::vector<Entered> out(targets.size());
    try {
        std::thread helper(enter_each, targets, std::cref(request), want, std::span<Entered>(out));
        helper.join();
    } catch (const std::system_error& e) {
        throw RuntimeError(fmt::format("cannot start a thread to enter network namespaces: {}", e.what()));
    }
    return out;
}

void merge(Snapshot& out, Snapshot& part, const Target& t, std::optional<KernelFacts>& facts) {
    if (facts) out.netns_facts[t.inode] = *facts;
    out.sockets.reserve(out.sockets.size() + part.sockets.size());
    for (Socket& s : part.sockets) {
        s.netns = t.inode;
        out.sockets.push_back(std::move(s));
    }
    for (auto& [uid, name] : part.users) out.users.emplace(uid, std::move(name));
    for (const std::string& w : part.warnings) out.warnings.push_back(fmt::format("netns {}: {}", label(t), w));
    if (!t.name.empty()) out.netns_names.emplace(t.inode, t.name);
}

struct Tally {
    std::size_t read = 0, refused = 0, vanished = 0, proc_fallbacks = 0;
    bool netlink = false, proc = false;
    std::string first_refusal, first_fallback;
    std::vector<std::string> failures;
};

std::string privilege_error(const std::string& flag, const std::string& detail) {
    return fmt::format("{} needs CAP_SYS_ADMIN (run as root): a namespace's sockets are read from inside it, "
                       "and entering it with setns(2) is reserved to that capability ({})",
                       flag, detail);
}

}  // namespace

Snapshot read_tables(const CollectRequest& request) {
    const bool all = request.all_netns;
    const std::vector<Target> targets = all ? find_all() : std::vector<Target>{resolve(request.netns.value_or(""))};
    const std::string flag = all ? std::string("--all-netns") : "--netns " + request.netns.value_or("");
    const Want want = request.source == SourceKind::Proc      ? Want::ProcOnly
                      : request.source == SourceKind::Netlink ? Want::NetlinkOnly
                                                              : Want::NetlinkOrProc;
    Snapshot out;
    Tally tally;

    auto take_proc = [&](Entered& e, const Target& t) {
        if (!e.detail.empty()) {
            ++tally.proc_fallbacks;
            if (tally.first_fallback.empty()) tally.first_fallback = e.detail;
        }
        merge(out, e.proc, t, e.facts);
        tally.proc = true;
        ++tally.read;
    };
    auto take_other = [&](Entered& e, const Target& t) {
        if (e.outcome == Outcome::Vanished) {
            ++tally.vanished;
        } else if (e.outcome == Outcome::Refused) {
            ++tally.refused;
            if (tally.first_refusal.empty()) tally.first_refusal = e.detail;
        } else {
            tally.failures.push_back(fmt::format("netns {}: {}", label(t), e.detail));
        }
    };

    for (std::size_t begin = 0; begin < targets.size(); begin += kBatch) {
        const std::span<const Target> batch(targets.data() + begin, std::min(kBatch, targets.size() - begin));
        std::vector<Entered> got = enter_in_helper(batch, request, want);
        std::vector<Target> refused_dump;  // netlink socket opened, but the dump itself refused
        std::vector<std::string> refused_why;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            Entered& e = got[i];
            const Target& t = batch[i];
            if (e.outcome == Outcome::Proc) {
                take_proc(e, t);
                continue;
            }
            if (e.outcome != Outcome::Socket) {
                take_other(e, t);
                continue;
            }
            try {
                Snapshot part = netlink::read_tables(request, e.diag_fd);
                merge(out, part, t, e.facts);
                tally.netlink = true;
                ++tally.read;
            } catch (const netlink::Unavailable& u) {
                if (want == Want::NetlinkOnly) {
                    tally.failures.push_back(fmt::format("netns {}: netlink sock_diag is not available: {} (try --source proc)",
                                                         label(t), u.what()));
                } else {
                    refused_dump.push_back(t);
                    refused_why.emplace_back(u.what());
                }
            } catch (const RuntimeError& r) {
                tally.failures.push_back(fmt::format("netns {}: {}", label(t), r.what()));
            }
            ::close(e.diag_fd);
        }
        if (refused_dump.empty()) continue;
        std::vector<Entered> again = enter_in_helper(refused_dump, request, Want::ProcOnly);
        for (std::size_t i = 0; i < again.size(); ++i) {
            if (again[i].outcome != Outcome::Proc) {
                take_other(again[i], refused_dump[i]);
                continue;
            }
            again[i].detail = refused_why[i];
            take_proc(again[i], refused_dump[i]);
        }
    }

    if (tally.read == 0) {
        if (tally.refused > 0) throw RuntimeError(privilege_error(flag, tally.first_refusal));
        if (!tally.failures.empty()) throw RuntimeError(tally.failures.front());
        if (!all) throw RuntimeError(fmt::format("{}: the namespace disappeared before it could be read", flag));
    }
    if (!all && !tally.failures.empty()) throw RuntimeError(tally.failures.front());
    for (std::string& f : tally.failures) out.warnings.push_back(std::move(f));
    if (tally.refused > 0)
        out.warnings.push_back(fmt::format("{} network namespace{} could not be entered ({}); their sockets are not shown",
                                           tally.refused, tally.refused == 1 ? "" : "s", tally.first_refusal));
    if (tally.proc_fallbacks > 0)
        out.warnings.push_back(fmt::format("netlink sock_diag is not available ({}); read /proc/net instead in {} "
                                           "namespace{}",
                                           tally.first_fallback, tally.proc_fallbacks,
                                           tally.proc_fallbacks == 1 ? "" : "s"));
    out.source = tally.netlink && tally.proc ? "netlink+proc" : tally.proc ? "proc" : "netlink";
    return out;
}

int open_diag_socket(const CollectRequest& request) {
    const std::string spec = request.netns.value_or("");
    const Target target = resolve(spec);
    std::vector<Entered> got = enter_in_helper(std::span<const Target>(&target, 1), request, Want::NetlinkOnly);
    Entered& e = got.front();
    if (e.outcome == Outcome::Socket) return e.diag_fd;
    if (e.outcome == Outcome::Refused) throw RuntimeError(privilege_error("--netns " + spec, e.detail));
    if (e.outcome == Outcome::Vanished)
        throw RuntimeError(fmt::format("--netns {}: the namespace disappeared before its sockets could be closed", spec));
    throw RuntimeError(fmt::format("netns {}: {}", label(target), e.detail));
}

}  // namespace tcpstat::netns
