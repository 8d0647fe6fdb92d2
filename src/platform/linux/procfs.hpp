// Owns the /proc/net/{tcp,tcp6,udp,udp6} text tables: parsing (pure) and reading from a root.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tcpstat/backend.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::procfs {

struct ParseStats {
    std::size_t rows = 0;        // sockets appended
    std::size_t malformed = 0;   // lines skipped
    std::size_t first_malformed_line = 0;  // 1-based line number of the first skipped line
};

// Parses the full text of one table (header line included). Appends one Socket per valid row
// to out; malformed or truncated lines are skipped and counted, never fatal.
ParseStats parse_table(std::string_view text, Protocol proto, Family family, std::vector<Socket>& out);

// Reads the tables the request asks for under `root` (normally "/proc"). A missing table
// (e.g. tcp6 with IPv6 disabled) is a warning; no readable table at all throws RuntimeError.
Snapshot read_tables(const CollectRequest& request, const std::string& root);

}  // namespace tcpstat::procfs
