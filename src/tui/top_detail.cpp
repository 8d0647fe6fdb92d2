// Owns the detail pane of one socket in `tcpstat top`: every field the listing knows, and each owner.
#include <fmt/format.h>

#include "render/cell.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"
#include "tui/top_draw.hpp"

namespace tcpstat::tui {
std::vector<std::string> socket_detail_lines(const Socket& s, const Snapshot& snap) {
    std::vector<std::string> lines;
    CellSource cells(snap, OwnerStyle::Joined);
    // The listing's own fields, so the pane says what `tcpstat -e` would, in the same words;
    // owners get their own lines below with the command lines.
    for (const FieldInfo& fi : all_fields()) {
        if (fi.field == Field::Owners || fi.field == Field::Pid || fi.field == Field::Process) continue;
        const Cell c = cells.get(s, fi.field);
        if (c.is_null()) continue;
        std::string value;
        {
            Output sink(&value);
            write_cell_text(c, sink);
        }
        lines.push_back(fmt::format("  {:<16} {}", fi.header, value));
    }
    if (!s.tcp_info) lines.emplace_back("  (tcp_info: not reported by this source)");
    lines.emplace_back("");
    if (s.owners.empty()) lines.emplace_back("  owners: none known (TIME_WAIT and request sockets have none)");
    for (const Owner& o : s.owners) {
        const Process* p = snap.process(o.pid);
        std::string line = fmt::format("  owner pid {}", o.pid);
        if (o.fd) line += fmt::format(" fd {}", *o.fd);
        if (p) {
            line += fmt::format(" {}", escaped_text(p->name));
            if (p->user) line += fmt::format(" user {}", escaped_text(*p->user));
        }
        lines.push_back(std::move(line));
        if (p && p->cmdline) lines.push_back(fmt::format("    {}", escaped_text(*p->cmdline)));
    }
    return lines;
}

}  // namespace tcpstat::tui
