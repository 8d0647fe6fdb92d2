// Owns the interface between the command line's declaration (cli_declare.cpp) and its parsing (cli.cpp).
#pragma once

#include <vector>

#include <CLI/CLI.hpp>

#include "app/options.hpp"

namespace tcpstat::app {

// The subcommands, for the parser to ask which one ran; `all` starts with the main app.
struct CommandApps {
    CLI::App* summary;
    CLI::App* check;
    CLI::App* explain;
    CLI::App* doctor;
    CLI::App* kill;
    CLI::App* serve;
    CLI::App* top;
    CLI::App* trace;
    CLI::App* record;
    std::vector<CLI::App*> all;
};

// Declares every option of the main command and every subcommand on `app`, with their help
// texts and examples, each option writing into `raw`.
CommandApps declare_command_line(CLI::App& app, RawFlags& raw);

// The socket filter options (-s, --port, -c, ...), for the main command, the commands that
// filter, and top's filter bar.
void add_filters(CLI::App& app, RawFlags& raw);

}  // namespace tcpstat::app
