// Owns the message for words the command line did not expect: in the order typed, with a hint.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcpstat::app {

// One line for the words CLI11 left over (`extra`, in the order typed): an unknown command or
// option with its nearest known name, or the words with the tcpstat options that say what
// ss/lsof/netstat syntax among them means. `command_given`: a subcommand was recognised.
std::string unexpected_arguments_message(const std::vector<std::string>& extra, bool command_given,
                                         std::span<const std::string_view> commands,
                                         std::span<const std::string_view> options);

}  // namespace tcpstat::app
