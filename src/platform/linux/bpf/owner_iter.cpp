// Owns the user side of the fast owner map: loads socket_owners.bpf.c once per process and reads its task_file iterator.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "loader_common.hpp"
#include "owner_map.hpp"
#include "socket_owner_record.h"
#include "socket_owners.skel.h"

namespace tcpstat::procfs {
namespace {

// The loaded program and its iterator link, kept for the life of the process: --watch, top and
// serve list owners again and again, and the load (~30 ms, mostly reading the kernel's BTF)
// costs more than an iteration over 100k fds.
class LoadedIterator {
public:
    ~LoadedIterator() {
        if (link_) bpf_link__destroy(link_);
        if (skel_) socket_owners__destroy(skel_);
    }

    // Loads on first use; a failure is kept and returned again without retrying.
    bool ready(std::string& why) {
        if (tried_) {
            why = failure_;
            return link_ != nullptr;
        }
        tried_ = true;
        bpf::quiet_libbpf();
        skel_ = socket_owners__open_and_load();
        if (!skel_) {
            failure_ = fmt::format("cannot load the owner iterator: {}", std::strerror(errno));
            why = failure_;
            return false;
        }
        link_ = bpf_program__attach_iter(skel_->progs.socket_fds, nullptr);
        if (!link_) {
            failure_ = fmt::format("cannot attach the owner iterator: {}", std::strerror(errno));
            why = failure_;
            return false;
        }
        return true;
    }

    bool read_all(std::vector<SocketFd>& out, std::string& why) {
        ++skel_->bss->generation;
        // Untouched capacity costs nothing; the next list is about as long as the last.
        out.reserve(std::max<std::size_t>(last_count_ + last_count_ / 8, 1u << 17));
        const int fd = bpf_iter_create(bpf_link__fd(link_));
        if (fd < 0) {
            why = fmt::format("cannot start the owner iterator: {}", std::strerror(errno));
            return false;
        }
        // The iterator hands out at most its seq buffer (8 pages) per read().
        constexpr std::size_t kChunk = 64 * 1024 / sizeof(tcpstat_socket_owner);
        std::unique_ptr<tcpstat_socket_owner[]> buf(new tcpstat_socket_owner[kChunk]);
        std::size_t carry = 0;  // bytes of a record split across reads (never seen; kept correct)
        for (;;) {
            const ssize_t n = ::read(fd, reinterpret_cast<char*>(buf.get()) + carry, kChunk * sizeof buf[0] - carry);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                why = fmt::format("reading the owner iterator failed: {}", std::strerror(errno));
                ::close(fd);
                return false;
            }
            if (n == 0) break;
            const std::size_t bytes = carry + static_cast<std::size_t>(n);
            const std::size_t records = bytes / sizeof buf[0];
            for (std::size_t i = 0; i < records; ++i)
                out.emplace_back(buf[i].inode, Owner{static_cast<Pid>(buf[i].tgid), static_cast<std::int32_t>(buf[i].fd)});
            carry = bytes - records * sizeof buf[0];
            if (carry) std::memmove(buf.get(), reinterpret_cast<char*>(buf.get()) + records * sizeof buf[0], carry);
        }
        ::close(fd);
        last_count_ = out.size();
        return true;
    }

private:
    socket_owners* skel_ = nullptr;
    bpf_link* link_ = nullptr;
    bool tried_ = false;
    std::size_t last_count_ = 0;
    std::string failure_;
};

}  // namespace

std::optional<std::vector<SocketFd>> kernel_socket_fds(std::string* why) {
    static std::mutex mutex;
    static LoadedIterator iterator;
    const std::lock_guard lock(mutex);
    std::string reason;
    std::vector<SocketFd> out;
    if (!iterator.ready(reason) || !iterator.read_all(out, reason)) {
        if (why) *why = reason;
        return std::nullopt;
    }
    return out;
}

}  // namespace tcpstat::procfs
