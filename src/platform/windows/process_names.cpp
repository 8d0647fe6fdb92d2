// Owns pid -> process name lookup on Windows (image path basename, UTF-8) and the per-pid join.
#include "windows_headers.hpp"
#include <tlhelp32.h>

#include "process_names.hpp"

#include <algorithm>
#include <optional>
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
            result.status = err == ERROR_INVALID_PARAMETER ? NameStatus::Gone
                            : err == ERROR_ACCESS_DENIED   ? NameStatus::Denied
                                                           : NameStatus::Unreadable;
        }
        return result;
    }
    HandleCloser closer(h);
    FILETIME created, exited, kernel, user;
    if (GetProcessTimes(h, &created, &exited, &kernel, &user))
        result.created = (static_cast<std::uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
    // Long-path-aware systems can exceed MAX_PATH; 32767 is the NT path limit.
    std::vector<wchar_t> buf(MAX_PATH);
    for (;;) {
        DWORD len = static_cast<DWORD>(buf.size());
        if (QueryFullProcessImageNameW(h, 0, buf.data(), &len)) {
            const std::wstring_view path(buf.data(), len);
            result.status = NameStatus::Ok;
            result.name = utf8_from_wide(image_basename(path));
            result.path = utf8_from_wide(path);
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

std::unordered_map<std::uint32_t, std::string> listed_process_names() {
    std::unordered_map<std::uint32_t, std::string> names;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return names;
    HandleCloser closer(snap);
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    for (BOOL more = Process32FirstW(snap, &entry); more; more = Process32NextW(snap, &entry)) {
        const std::wstring_view exe(entry.szExeFile);
        if (!exe.empty()) names.emplace(entry.th32ProcessID, utf8_from_wide(image_basename(exe)));
    }
    return names;
}

std::unordered_map<std::uint32_t, std::string> service_names_by_pid() {
    std::unordered_map<std::uint32_t, std::vector<std::string>> lists;
    SC_HANDLE scm = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ENUMERATE_SERVICE);
    if (scm != nullptr) {
        std::vector<BYTE> buf(64 * 1024);
        DWORD resume = 0;
        for (int round = 0; round < 64; ++round) {
            DWORD needed = 0, count = 0;
            const BOOL ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf.data(),
                                                  static_cast<DWORD>(buf.size()), &needed, &count, &resume, nullptr);
            const DWORD err = ok ? ERROR_SUCCESS : GetLastError();
            const auto* rows = reinterpret_cast<const ENUM_SERVICE_STATUS_PROCESSW*>(buf.data());
            for (DWORD i = 0; i < count; ++i)
                if (rows[i].ServiceStatusProcess.dwProcessId != 0 && rows[i].lpServiceName != nullptr)
                    lists[rows[i].ServiceStatusProcess.dwProcessId].push_back(utf8_from_wide(rows[i].lpServiceName));
            if (ok || err != ERROR_MORE_DATA) break;
            if (needed > buf.size()) buf.resize(needed);
        }
        CloseServiceHandle(scm);
    }
    std::unordered_map<std::uint32_t, std::string> out;
    for (auto& [pid, names] : lists) {
        std::sort(names.begin(), names.end());
        std::string joined;
        for (const std::string& n : names) joined += (joined.empty() ? "" : ",") + n;
        out.emplace(pid, std::move(joined));
    }
    return out;
}

bool running_elevated() {
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
    HandleCloser closer(token);
    TOKEN_ELEVATION elevation{};
    DWORD size = 0;
    return GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size) && elevation.TokenIsElevated;
}

NameGaps fill_process_names(Snapshot& snap, const OwnerRequest& request, const NameSources& sources,
                            std::uint64_t table_read) {
    const std::unordered_set<Pid> wanted(request.only_pids.begin(), request.only_pids.end());
    std::unordered_map<Pid, std::uint64_t> oldest;  // pid -> age of its oldest socket
    if (table_read != 0)
        for (const Socket& s : snap.sockets)
            if (s.age_ms)
                for (const Owner& o : s.owners) oldest[o.pid] = std::max(oldest[o.pid], *s.age_ms);
    std::unordered_set<Pid> seen;
    std::optional<std::unordered_map<std::uint32_t, std::string>> listed;  // taken once, on the first refusal
    std::optional<std::unordered_map<std::uint32_t, std::string>> services;  // taken once, when asked for
    NameGaps gaps;
    for (const Socket& s : snap.sockets) {
        for (const Owner& o : s.owners) {
            if (!wanted.empty() && !wanted.contains(o.pid)) continue;
            if (!seen.insert(o.pid).second || snap.processes.contains(o.pid)) continue;
            const auto pid = static_cast<std::uint32_t>(o.pid);
            ProcessName pn = sources.open(pid);
            if (pn.status == NameStatus::Ok) {
                const auto it = oldest.find(o.pid);
                if (it != oldest.end() && process_newer_than_socket(pn.created, table_read, it->second)) {
                    ++gaps.reused;
                    continue;
                }
            }
            if (pn.status == NameStatus::Denied || pn.status == NameStatus::Unreadable) {
                if (!listed) listed = sources.listed();
                if (auto it = listed->find(pid); it != listed->end()) {
                    pn.status = NameStatus::Ok;
                    pn.name = it->second;
                }
            }
            switch (pn.status) {
                case NameStatus::Ok: {
                    Process p;
                    p.name = std::move(pn.name);
                    if (request.want_exe && !pn.path.empty()) p.exe = std::move(pn.path);
                    if (request.want_service) {
                        if (!services) services = sources.services();
                        if (auto it = services->find(pid); it != services->end()) p.service = it->second;
                    }
                    snap.processes.emplace(o.pid, std::move(p));
                    break;
                }
                case NameStatus::Gone: break;
                case NameStatus::Denied: ++gaps.denied; break;
                case NameStatus::Unreadable: ++gaps.unreadable; break;
            }
        }
    }
    return gaps;
}

}  // namespace tcpstat::win
