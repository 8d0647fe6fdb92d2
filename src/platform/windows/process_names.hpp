// Owns pid -> process name lookup on Windows and the join of names into a Snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::win {

enum class NameStatus : std::uint8_t {
    Ok,
    Gone,        // no such process any more: normal, the table is a moment old
    Denied,      // access denied (protected or another user's process without elevation)
    Unreadable,  // any other failure: elevation would not help
};

struct ProcessName {
    NameStatus status = NameStatus::Gone;
    std::string name;  // image file name in UTF-8 ("svchost.exe") when status == Ok
    std::string path;  // the full image path in UTF-8, when the process could be opened
    std::uint64_t created = 0;  // creation time (GetProcessTimes, FILETIME units) when opened; 0: unknown
};

// OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION) + QueryFullProcessImageNameW and GetProcessTimes.
ProcessName process_name(std::uint32_t pid);

// Every process's image name by pid from one process snapshot (CreateToolhelp32Snapshot),
// which names processes without opening them: the fallback for those OpenProcess refuses.
std::unordered_map<std::uint32_t, std::string> listed_process_names();

// The running Win32 services by pid, their names joined by ',' in name order: a shared
// svchost.exe runs several. One EnumServicesStatusExW; empty when the service manager refuses.
std::unordered_map<std::uint32_t, std::string> service_names_by_pid();

// Whether this process runs elevated (an Administrator's full token).
bool running_elevated();

// Where names come from, so the join can be tested with processes that refuse to open.
struct NameSources {
    std::function<ProcessName(std::uint32_t)> open = process_name;
    std::function<std::unordered_map<std::uint32_t, std::string>()> listed = listed_process_names;
    std::function<std::unordered_map<std::uint32_t, std::string>()> services = service_names_by_pid;
};

// What fill_process_names could not name, for the one warning.
struct NameGaps {
    std::size_t denied = 0;      // access denied and not in the process snapshot either
    std::size_t unreadable = 0;  // failed otherwise
    std::size_t reused = 0;      // the pid's process was created after its sockets: another program now
};

// UTF-16 from the OS to UTF-8 for the model; unpaired surrogates become U+FFFD.
std::string utf8_from_wide(std::wstring_view wide);

// Fills snap.processes with a name per distinct owner pid (only request.only_pids when given),
// Process::exe when request.want_exe and the process could be opened, and Process::service when
// request.want_service and the pid runs services. With `table_read` (when the tables were read,
// FILETIME units; 0: unknown) a process created after the oldest of its pid's sockets
// (Socket::age_ms) is left unnamed and counted as reused (process_newer_than_socket). Returns
// what could not be named; the caller reports that once.
NameGaps fill_process_names(Snapshot& snap, const OwnerRequest& request, const NameSources& sources = {},
                            std::uint64_t table_read = 0);

}  // namespace tcpstat::win
