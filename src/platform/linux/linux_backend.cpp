// Owns the Linux Backend: picks netlink or /proc for the tables, falls back, and walks owners.
#include <unistd.h>

#include <memory>
#include <string>

#include <fmt/format.h>

#include "kernel_facts_read.hpp"
#include "netlink.hpp"
#include "netns.hpp"
#include "owners.hpp"
#include "procfs.hpp"
#include "recorder.hpp"
#include "tcpstat/backend.hpp"
#include "tcpstat/error.hpp"
#include "users.hpp"

namespace tcpstat {
namespace {

class LinuxBackend final : public Backend {
public:
    explicit LinuxBackend(const CollectRequest& r)
        : proc_root_(r.proc_root.value_or("/proc")) {}

    Snapshot collect(const CollectRequest& request) override {
        if (request.netns || request.all_netns) return netns::read_tables(request);
        switch (request.source) {
            case SourceKind::Proc:
                return procfs::read_tables(request, proc_root_);
            case SourceKind::Netlink:
                try {
                    return netlink::read_tables(request);
                } catch (const netlink::Unavailable& e) {
                    throw RuntimeError(fmt::format("netlink sock_diag is not available: {} (try --source proc)", e.what()));
                }
            case SourceKind::Auto:
                break;
        }
        try {
            return netlink::read_tables(request);
        } catch (const netlink::Unavailable& e) {
            Snapshot snap = procfs::read_tables(request, proc_root_);
            snap.warnings.insert(snap.warnings.begin(),
                                 fmt::format("netlink sock_diag is not available ({}); read {}/net instead",
                                             e.what(), proc_root_));
            return snap;
        }
    }

    // Netlink streams batch by batch; namespaces and /proc hand their tables over whole.
    Snapshot collect_into(const CollectRequest& request, SocketSink& sink) override {
        if (request.netns || request.all_netns || request.source == SourceKind::Proc)
            return Backend::collect_into(request, sink);
        try {
            return netlink::read_tables(request, sink);
        } catch (const netlink::Unavailable& e) {
            if (request.source == SourceKind::Netlink)
                throw RuntimeError(fmt::format("netlink sock_diag is not available: {} (try --source proc)", e.what()));
            return Backend::collect_into(request, sink);  // collect() falls back to /proc, with its warning
        }
    }

    void attach_owners(Snapshot& snapshot, const OwnerRequest& request) override {
        if (prefetch_ && prefetch_->serves(request)) {
            const auto walk = std::move(prefetch_);
            walk->attach(snapshot, request);
            return;
        }
        prefetch_.reset();
        procfs::attach_owners(snapshot, request, proc_root_);
    }

    void attach_packed_owners(PackedSockets& rows, Snapshot& context, const OwnerRequest& request) override {
        if (prefetch_ && prefetch_->serves(request)) {
            const auto walk = std::move(prefetch_);
            walk->attach(rows, context, request);
            return;
        }
        prefetch_.reset();
        procfs::attach_owners(rows, context, request, proc_root_);
    }

    // Only where the dump takes long enough to hide a walk behind it: on a small host the
    // threads would cost more than they save, and with no socket left the walk after the dump
    // is skipped altogether. A --pid walk reads a few directories; namespaces are read by
    // threads of their own; a recorded --proc-root has no live sockstat to size it by. The
    // /proc/net tables are slower to read than the dump, so they hide the walk even better.
    void prefetch_owners(const CollectRequest& collect, const OwnerRequest& request) override {
        prefetch_.reset();
        if (!request.only_pids.empty() || collect.netns || collect.all_netns) return;
        if (collect.proc_root) return;
        if (netlink::expected_sockets(collect) < procfs::kOwnerPrefetchMinSockets) return;
        prefetch_ = std::make_unique<procfs::OwnerPrefetch>(request, proc_root_);
    }

    void cancel_owner_prefetch() override { prefetch_.reset(); }

    void attach_ages(Snapshot& snapshot) override { procfs::attach_recorded_ages(snapshot); }

    std::optional<std::uint32_t> uid_of_user(std::string_view name) override {
        return procfs::UserNames::uid_of(name);
    }

    KernelFacts kernel_facts() override { return procfs::read_kernel_facts(proc_root_); }

    // A sock_diag socket answers for the namespace it was opened in: --netns opens it there.
    std::vector<CloseResult> close_sockets(std::span<const Socket> sockets, const CollectRequest& where) override {
        if (sockets.empty()) return {};
        int fd = -1;
        try {
            fd = where.netns ? netns::open_diag_socket(where) : netlink::open_diag_socket();
        } catch (const netlink::Unavailable& e) {
            throw RuntimeError(fmt::format("cannot close sockets: netlink sock_diag is not available ({})", e.what()));
        }
        try {
            auto results = netlink::destroy_sockets(sockets, fd);
            ::close(fd);
            return results;
        } catch (...) {
            ::close(fd);
            throw;
        }
    }

    std::vector<Pid> own_session_pids() override { return procfs::own_session_pids(proc_root_); }

private:
    std::string proc_root_;
    std::unique_ptr<procfs::OwnerPrefetch> prefetch_;
};

}  // namespace

std::unique_ptr<Backend> make_system_backend(const CollectRequest& request) {
    return std::make_unique<LinuxBackend>(request);
}

}  // namespace tcpstat
