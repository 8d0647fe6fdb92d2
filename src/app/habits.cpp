// Owns the netstat/ss/lsof argv habits: -p as a flag, lsof -i specs and -sTCP:STATE, `help COMMAND`.
#include "app/habits.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace tcpstat::app {
namespace {

bool pid_shaped(std::string_view w) {
    return !w.empty() && w[0] >= '0' && w[0] <= '9' &&
           std::all_of(w.begin(), w.end(), [](char c) { return (c >= '0' && c <= '9') || c == ','; });
}

bool starts_with_nocase(std::string_view w, std::string_view prefix) {
    if (w.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = w[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != prefix[i]) return false;
    }
    return true;
}

// What follows `-i` in lsof's syntax, as opposed to more ss letters (`-ie`, `-it`).
bool lsof_spec_start(std::string_view rest, bool attached) {
    if (rest.empty()) return false;
    if (rest[0] == ':' || rest[0] == '@') return true;
    if (attached && (rest[0] == '4' || rest[0] == '6')) return true;
    for (std::string_view proto : {"TCP", "UDP"}) {
        if (!starts_with_nocase(rest, proto)) continue;
        if (attached) return true;
        return rest.size() > 3 && (rest[3] == ':' || rest[3] == '@');
    }
    return false;
}

[[noreturn]] void bad_spec(std::string_view spec, std::string_view why) {
    throw UsageError(fmt::format("invalid lsof -i spec '{}': {}; expected [4|6][TCP|UDP][@HOST][:PORT[,PORT]], "
                                 "e.g. -iTCP:6800, -i :6800, -i@10.0.0.5:5432, -i4",
                                 spec, why));
}

// [46][TCP|UDP][@HOST][:PORTS] -> tcpstat options.
void translate_lsof_spec(std::string_view spec, std::vector<std::string>& out) {
    std::string_view rest = spec;
    if (!rest.empty() && (rest[0] == '4' || rest[0] == '6')) {
        out.emplace_back(rest[0] == '4' ? "-4" : "-6");
        rest.remove_prefix(1);
    }
    if (starts_with_nocase(rest, "TCP")) {
        out.emplace_back("-t");
        rest.remove_prefix(3);
    } else if (starts_with_nocase(rest, "UDP")) {
        out.emplace_back("-u");
        rest.remove_prefix(3);
    } else {
        // lsof without a protocol lists both.
        out.emplace_back("-t");
        out.emplace_back("-u");
    }
    if (!rest.empty() && rest[0] == '@') {
        rest.remove_prefix(1);
        std::string_view host;
        if (!rest.empty() && rest[0] == '[') {
            const auto close = rest.find(']');
            if (close == std::string_view::npos) bad_spec(spec, "an IPv6 address in [ ] lacks its ]");
            host = rest.substr(1, close - 1);
            rest.remove_prefix(close + 1);
        } else {
            host = rest.substr(0, rest.find(':'));
            rest.remove_prefix(host.size());
        }
        if (host.empty()) bad_spec(spec, "no host after @");
        out.emplace_back("--addr");
        out.emplace_back(host);
    }
    if (!rest.empty() && rest[0] == ':') {
        rest.remove_prefix(1);
        if (rest.empty()) bad_spec(spec, "no port after :");
        out.emplace_back("--port");
        out.emplace_back(rest);
        rest = {};
    }
    if (!rest.empty()) bad_spec(spec, fmt::format("'{}' is not understood", rest));
}

// Windows (and BSD) netstat's `-p PROTO`: TCP, UDP, TCPv6, UDPv6 in any case.
bool netstat_protocol(std::string_view w, std::vector<std::string>* out) {
    const bool v6 = w.size() == 5 && (w[3] == 'v' || w[3] == 'V') && w[4] == '6';
    if (w.size() != 3 && !v6) return false;
    const bool tcp = starts_with_nocase(w, "TCP"), udp = starts_with_nocase(w, "UDP");
    if (!tcp && !udp) return false;
    if (out != nullptr) {
        out->emplace_back(tcp ? "-t" : "-u");
        if (v6) out->emplace_back("-6");
    }
    return true;
}

// lsof's -sTCP:LISTEN,CLOSE_WAIT.
void translate_lsof_states(std::string_view word, std::vector<std::string>& out) {
    std::string_view states = word.substr(6);  // after "-sTCP:"
    if (states.find('^') != std::string_view::npos)
        throw UsageError(fmt::format("lsof's ^STATE exclusion in '{}' is not supported: list the states to show, "
                                     "e.g. -s established,close_wait",
                                     word));
    out.emplace_back("-s");
    out.emplace_back(states);
}

}  // namespace

std::vector<std::string> translate_habits(const std::vector<std::string>& words,
                                          const std::function<bool(std::string_view)>& takes_value) {
    std::vector<std::string> out;
    std::size_t i = 0;
    if (!words.empty() && words[0] == "help") {
        // `tcpstat help` and `tcpstat help summary`: the --help of the main program or the command.
        if (words.size() > 1) out.push_back(words[1]);
        out.emplace_back("--help");
        i = words.size() > 1 ? 2 : 1;
    }
    for (; i < words.size(); ++i) {
        const std::string& w = words[i];
        const bool has_next = i + 1 < words.size();
        if (w == "--") {
            out.insert(out.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
            break;
        }
        if (w.starts_with("--")) {
            out.push_back(w);
            if (w.find('=') == std::string::npos && takes_value(w) && has_next) out.push_back(words[++i]);
            continue;
        }
        if (w == "/?") {  // Windows tools' help switch
            out.emplace_back("--help");
            continue;
        }
        if (w.size() < 2 || w[0] != '-') {
            out.push_back(w);
            continue;
        }
        if (starts_with_nocase(std::string_view(w).substr(1), "STCP:") && w[1] == 's') {
            translate_lsof_states(w, out);
            continue;
        }
        if (w[1] == 'i' && lsof_spec_start(std::string_view(w).substr(2), true)) {
            translate_lsof_spec(std::string_view(w).substr(2), out);
            continue;
        }
        if (w == "-i" && has_next && lsof_spec_start(words[i + 1], false)) {
            translate_lsof_spec(words[++i], out);
            continue;
        }
        // A cluster of short options, read as CLI11 will: flags until one that takes a value,
        // which owns the rest of the word (or the next word).
        std::string kept = "-";
        bool value_follows = false;
        bool protocol_follows = false;
        for (std::size_t c = 1; c < w.size(); ++c) {
            const char letter = w[c];
            const std::string_view rest = std::string_view(w).substr(c + 1);
            if (letter == 'p') {
                if (!rest.empty() && pid_shaped(rest)) {
                    kept += w.substr(c);
                    break;
                }
                if (rest.empty() && has_next && pid_shaped(words[i + 1])) {
                    kept += 'p';
                    value_follows = true;
                } else if (rest.empty() && has_next && netstat_protocol(words[i + 1], nullptr)) {
                    protocol_follows = true;
                }
                continue;  // netstat/ss's "show processes": owners are always shown
            }
            kept += letter;
            if (takes_value(std::string("-") + letter)) {
                kept += rest;
                value_follows = rest.empty();
                break;
            }
        }
        if (kept != "-") out.push_back(kept);
        if (value_follows && has_next) out.push_back(words[++i]);
        if (protocol_follows) netstat_protocol(words[++i], &out);
    }
    return out;
}

}  // namespace tcpstat::app
