// Owns pid -> process name lookup on Windows (image path basename, UTF-8) and the per-pid join.
#include "windows_headers.hpp"

#include "process_names.hpp"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "mib_convert.hpp"

namespace tcpstat::win {

namespace {

// NT's kernel pseudo-process: it owns kernel-mode sockets (SMB, http.sys) but has no image
// file, so QueryFullProcessImageNameW cannot name it even for an Administrator.
constexpr std::uint32_t kSystemPid = 4;

class HandleCloser {
public:
    explicit HandleCloser(HANDLE h) : h_(h) {}
    ~HandleCloser() { CloseHandle(h_); }
    HandleCloser(const HandleCloser&) = delete;
    HandleCloser& operator=(const HandleCloser&) = delete;

private:
    HANDLE h_;
};

}  // namespace

std::string utf8_from_wide(std::wstring_view wide) {
    if (wide.empty()) return {};
    const int in_len = static_cast<int>(std::min<std::size_t>(wide.size(), 0x7fffffff));
    const int need = WideCharToMultiByte(CP_UTF8, 0, wide.data(), in_len, nullptr, 0, nullptr, nullptr);
    if (need <= 0) return {};
    std::string out(static_cast<std::size_t>(need), '\0');
    WideCharToMultiByte(CP_UTF8, 0, wide.data(), in_len, out.data(), need, nullptr, nullptr);
    return out;
}

ProcessName process_name(std::uint32_t pid) {
    ProcessName result;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (h == nullptr) {
        const DWORD err = GetLastError();
        if (pid == kSystemPid) {
            result.status = NameStatus::Ok;
            result.name = "System";
        } else {
            // ERROR_INVALID_PARAMETER is how OpenProcess says "no such pid".
            result.status = err == ERROR_INVALID_PARAMETER ? NameStatus::Gone : NameStatus::Unreadable;
        }
        return result;
    }
    HandleCloser closer(h);
    // Long-path-aware systems can exceed MAX_PATH; 32767 is the NT path limit.
    std::vector<wchar_t> buf(MAX_PATH);
    for (;;) {
        DWORD len = static_cast<DWORD>(buf.size());
        if (QueryFullProcessImageNameW(h, 0, buf.data(), &len)) {
            result.status = NameStatus::Ok;
            result.name = utf8_from_wide(image_basename(std::wstring_view(buf.data(), len)));
            return result;
        }
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || buf.size() >= 32768) break;
        buf.resize(32768);
    }
    if (pid == kSystemPid) {
        result.status = NameStatus::Ok;
        result.name = "System";
    } else {
        result.status = NameStatus::Unreadable;
    }
    return result;
}

std::size_t fill_process_names(Snapshot& snap, const OwnerRequest& request) {
    const std::unordered_set<Pid> wanted(request.only_pids.begin(), request.only_pids.end());
    std::unordered_set<Pid> seen;
    std::size_t unreadable = 0;
    for (const Socket& s : snap.sockets) {
        for (const Owner& o : s.owners) {
            if (!wanted.empty() && !wanted.contains(o.pid)) continue;
            if (!seen.insert(o.pid).second || snap.processes.contains(o.pid)) continue;
            ProcessName pn = process_name(static_cast<std::uint32_t>(o.pid));
            switch (pn.status) {
                case NameStatus::Ok: {
                    Process p;
                    p.name = std::move(pn.name);
                    snap.processes.emplace(o.pid, std::move(p));
                    break;
                }
                case NameStatus::Gone: break;
                case NameStatus::Unreadable: ++unreadable; break;
            }
        }
    }
    return unreadable;
}

}  // namespace tcpstat::win
