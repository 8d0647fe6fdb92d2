// Owns pid -> process name lookup on Windows and the join of names into a Snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::win {

enum class NameStatus : std::uint8_t {
    Ok,
    Gone,        // no such process any more: normal, the table is a moment old
    Unreadable,  // access denied (protected or another user's process without elevation)
};

struct ProcessName {
    NameStatus status = NameStatus::Gone;
    std::string name;  // image file name in UTF-8 ("svchost.exe") when status == Ok
};

// OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION) + QueryFullProcessImageNameW, basename only.
ProcessName process_name(std::uint32_t pid);

// UTF-16 from the OS to UTF-8 for the model; unpaired surrogates become U+FFFD.
std::string utf8_from_wide(std::wstring_view wide);

// Fills snap.processes with a name per distinct owner pid (only request.only_pids when given).
// Returns how many processes could not be read; the caller reports that once.
std::size_t fill_process_names(Snapshot& snap, const OwnerRequest& request);

}  // namespace tcpstat::win
