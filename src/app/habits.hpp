// Owns the translation of netstat/ss/lsof habits in argv into tcpstat's own options.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tcpstat::app {

// Rewrites the words after argv[0] before CLI11 reads them:
//  - `-p` is a pid filter only with a pid-shaped value (digits and commas): attached (`-p1234`) or
//    as the next word when -p ends its word (`-p 1234`, `-tp 1234`); anywhere else (`-tanp`,
//    `-tulpn`, `-p` last, `-p -l`) it is netstat/ss's "show processes", which tcpstat always does.
//  - lsof's `-i` specs, `[46][TCP|UDP][@HOST][:PORTS]`, only where ss's bare `-i` cannot be meant:
//    attached at the start of a word (`-i4`, `-iTCP:6800`, `-i:6800`, `-i@10.0.0.5:5432`), or
//    as the word after a lone `-i` when it starts with ':' or '@' or names TCP/UDP with one
//    (`-i :6800`); they become -4/-6, -t/-u (neither: both, as lsof), --addr and --port.
//  - lsof's `-sTCP:STATE[,STATE]` becomes `-s STATE,...`.
//  - Windows/BSD netstat's `-p PROTO` after a word ending in -p (`-ano -p tcp`): TCP, UDP, TCPv6,
//    UDPv6 become -t/-u (with -6 for the v6 ones).
//  - `help [COMMAND]` and Windows' `/?` become `[COMMAND] --help`.
// `takes_value` says whether an option name ("-s", "--sort") consumes the next word, which is
// then passed through untouched. Throws UsageError for a malformed lsof spec.
std::vector<std::string> translate_habits(const std::vector<std::string>& words,
                                          const std::function<bool(std::string_view)>& takes_value);

}  // namespace tcpstat::app
