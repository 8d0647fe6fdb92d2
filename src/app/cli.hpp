// Owns stage one of flag handling: argv into RawFlags, with the command line cli_declare.cpp declares.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/options.hpp"

namespace tcpstat::app {

// Parses argv into RawFlags. Returns nullopt with `exit_code` set when parsing already decided
// the outcome (--help/--version printed: 0; a usage error printed on one line: 2).
std::optional<RawFlags> parse_command_line(int argc, char** argv, int& exit_code);

// Parses the words of top's filter bar with the command line's own filter options (-s, --port,
// -c, ...); throws UsageError with CLI11's message for anything else. Prints nothing.
RawFlags parse_filter_words(const std::vector<std::string>& words);

}  // namespace tcpstat::app
