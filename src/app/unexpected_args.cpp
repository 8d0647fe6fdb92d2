// Owns the unexpected-arguments line: typed order, did-you-mean, and the tcpstat form of ss/lsof words.
#include "app/unexpected_args.hpp"

#include <fmt/format.h>

#include "tcpstat/suggest.hpp"
#include "tcpstat/tcp_state.hpp"

namespace tcpstat::app {
namespace {

bool is_option(std::string_view w) { return w.size() > 1 && w[0] == '-'; }

std::string_view port_of(std::string_view w) { return w.starts_with(':') ? w.substr(1) : w; }

bool is_operator(std::string_view w) {
    for (std::string_view op : {"=", "==", "!=", "eq", "ne", "neq", "<", ">", "<=", ">=", "gt", "lt", "ge", "le"})
        if (w == op) return true;
    return false;
}

// The tcpstat options for ss/lsof/netstat words among the leftovers, e.g. "-s close-wait --port 6800".
std::string equivalents(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string_view w = words[i];
        const bool next = i + 1 < words.size();
        if ((w == "state" || w == "exclude") && next && parse_state_word(words[i + 1])) {
            out.push_back(fmt::format("-s {}", words[++i]));
        } else if ((w == "sport" || w == "dport" || w == "src" || w == "dst") && next) {
            std::size_t v = i + 1;
            if (is_operator(words[v]) && v + 1 < words.size()) ++v;
            const bool port = w == "sport" || w == "dport";
            out.push_back(fmt::format("--{} {}", w, port ? port_of(words[v]) : std::string_view(words[v])));
            i = v;
        } else if (w.size() > 1 && w[0] == ':') {
            out.push_back(fmt::format("--port {}", w.substr(1)));
        } else if (parse_state_word(w)) {
            out.push_back(fmt::format("-s {}", w));
        }
    }
    std::string joined;
    for (const std::string& o : out) joined += joined.empty() ? o : " " + o;
    return joined;
}

}  // namespace

std::string unexpected_arguments_message(const std::vector<std::string>& extra, bool command_given,
                                         std::span<const std::string_view> commands,
                                         std::span<const std::string_view> options) {
    for (const std::string& w : extra) {
        if (is_option(w)) {
            const std::string_view name = std::string_view(w).substr(0, w.find('='));
            return fmt::format("unknown option '{}'{}", name, did_you_mean(name, options));
        }
    }
    if (!command_given && !extra.empty()) {
        if (const auto near = closest_word(extra.front(), commands))
            return fmt::format("unknown command '{}' (did you mean {}?)", extra.front(), *near);
    }
    std::string words;
    for (const std::string& w : extra) words += words.empty() ? w : " " + w;
    std::string msg = fmt::format("unexpected argument{} '{}'", extra.size() == 1 ? "" : "s", words);
    if (const std::string eq = equivalents(extra); !eq.empty())
        msg += fmt::format(": in tcpstat that is {}", eq);
    return msg;
}

}  // namespace tcpstat::app
