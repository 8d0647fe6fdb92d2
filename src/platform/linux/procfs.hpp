// Owns the /proc/net/{tcp,tcp6,udp,udp6} text tables: parsing (pure) and reading from a root.
#pragma once

#include <cstddef>
#include <cstdint>
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
    bool row_limit_hit = false;  // a valid row came after max_rows: it and the rest were left out
};

// Parses one table's text fed in pieces of any size, as it is read: only an incomplete last line
// is kept between pieces, so a table of any length costs its rows, not its text. The result is
// the same wherever the text is split. A line longer than kMaxLine bytes (the kernel's are under
// 200) is malformed, so a table without newlines cannot make it hold more than that.
class TableParser {
public:
    static constexpr std::size_t kMaxLine = 4096;

    TableParser(Protocol proto, Family family, std::vector<Socket>& out,
                std::size_t max_rows = SIZE_MAX);
    // Returns false once the row limit is hit: everything fed after that is ignored.
    bool feed(std::string_view piece);
    // Ends the text. An unterminated last line is parsed, unless the text was cut short
    // (cut = true), where it would be a fragment and is dropped.
    ParseStats finish(bool cut = false);

private:
    void line(std::string_view raw);

    Protocol proto_;
    Family family_;
    std::vector<Socket>& out_;
    std::size_t max_rows_;
    ParseStats stats_;
    std::size_t line_no_ = 0;
    std::string partial_;     // the incomplete last line so far, up to kMaxLine + 1 bytes
    bool overlong_ = false;   // partial_ outgrew kMaxLine: the line is skipped up to its newline
};

// Parses the full text of one table (header line included). Appends one Socket per valid row
// to out; malformed or truncated lines are skipped and counted, never fatal.
ParseStats parse_table(std::string_view text, Protocol proto, Family family, std::vector<Socket>& out);

// What a recorded tree (any table not on procfs) may make tcpstat read and hold: a copied tree
// may hold anything (a 2 GiB sparse file). The kernel's own tables are read whole. Either limit
// hit is a warning saying which rows were left out.
struct RecordedLimits {
    std::uint64_t table_bytes = std::uint64_t{512} << 20;  // per table: about 3.5 million rows
    std::size_t rows = 4'000'000;                          // per tree: about 750 MB of sockets
};

// Reads the tables the request asks for under `root` (normally "/proc"), each in bounded chunks
// parsed as they arrive. A missing table (e.g. tcp6 with IPv6 disabled) is a warning; no
// readable table at all throws RuntimeError.
Snapshot read_tables(const CollectRequest& request, const std::string& root, const RecordedLimits& limits = {});

// tcpstat's pid, its parents up to (not including) pid 1, and the parent of each one's session
// leader (the sshd or terminal serving it): `kill` spares their sockets (own_session.cpp).
std::vector<Pid> own_session_pids(const std::string& proc_root);

}  // namespace tcpstat::procfs
