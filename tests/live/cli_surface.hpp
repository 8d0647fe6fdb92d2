// Owns what the man page and completion tests share: the command line as --help and error messages
// describe it, and running another program (bash, fish, groff) with captured output.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "live/support.hpp"

namespace tcpstat::testing {

// The repository root, for docs/ and completions/.
std::string source_dir();
std::string read_text(const std::string& path);

// Runs argv[0] found on PATH with exactly `env` as its environment; bounded by a timeout.
RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      int timeout_seconds = 60);
bool have_program(const std::string& name);

// Every option spelled in a CLI11 --help text ("-s", "--state", ...), and its subcommands.
std::set<std::string> help_options(const std::string& help);
std::vector<std::string> help_subcommands(const std::string& help);

// The accepted values a usage error lists after "expected one of" / "expected" (up to ", or a
// group:" for states, whose groups come back through `groups`).
std::vector<std::string> accepted_values(const std::string& message, std::vector<std::string>* groups = nullptr);

// Runs the binary with args that must fail, and returns the accepted values its message lists.
std::vector<std::string> values_from_error(const std::vector<std::string>& args,
                                           std::vector<std::string>* groups = nullptr);

}  // namespace tcpstat::testing
