// Owns what a run reads, decided from its Options alone: the fields it shows, groups or sorts by,
// and whether it needs owners, user names and command lines.
#include <algorithm>

#include "app/options.hpp"

namespace tcpstat::app {

std::vector<Field> Options::fields_read() const {
    switch (command) {
        case Command::List:
            if (count) return {};
            if (!group_by.empty()) return group_by;
            {
                std::vector<Field> out = render.fields;
                for (const SortKey& k : sort_keys) out.push_back(k.field);
                return out;
            }
        case Command::Check: return check.per;
        default: return {};
    }
}

bool Options::reads(Field f) const {
    const std::vector<Field> read = fields_read();
    return std::find(read.begin(), read.end(), f) != read.end();
}

bool Options::needs_owners() const {
    if (filter.needs_owners()) return true;
    switch (command) {
        case Command::List:
        case Command::Check: {
            const std::vector<Field> read = fields_read();
            return std::any_of(read.begin(), read.end(), [](Field f) { return field_info(f).needs_owners; });
        }
        case Command::Doctor:
        case Command::Kill:
            return true;  // findings name the process; kill spares its own session's sockets
        case Command::Serve:
            return true;  // findings name the process; series carry it
        case Command::Top:
            return true;  // findings name the process; top groups by it
        case Command::Summary:
        case Command::Explain:
        case Command::Trace:  // transitions carry their owner from the kernel
        case Command::Record:
            return false;
    }
    return false;
}

bool Options::needs_user_names() const {
    switch (command) {
        case Command::List: return reads(Field::User);
        case Command::Summary: return false;
        default: return true;  // findings and owners name their user
    }
}

bool Options::needs_cmdline() const {
    // doctor names a listener by its script (`python3 app.py`), which only the cmdline tells.
    return want_cmdline || command == Command::Doctor || reads(Field::Cmdline);
}

}  // namespace tcpstat::app
