// Owns the per-command entry points the dispatcher calls; each returns the process exit code.
#pragma once

#include "app/options.hpp"
#include "tcpstat/output.hpp"

namespace tcpstat::app {

// Shared by the commands: print the snapshot's warnings once each on stderr.
void print_warnings(const Snapshot& snap);
// Whether to colour: --color, NO_COLOR, TERM=dumb and whether stdout is a terminal.
bool use_color(ColorMode mode, const Output& out);

int run_list(Options& options, Output& out);
int run_summary(Options& options, Output& out);
int run_check(Options& options, Output& out);
int run_explain(const Options& options, Output& out);
int run_doctor(Options& options, Output& out);
int run_kill(Options& options, Output& out);
int run_serve(Options& options);  // cmd_serve.cpp: runs until SIGINT/SIGTERM
// The interactive view; owns the terminal (cmd_top.cpp), so it takes no Output.
int run_top(Options& options);
int run_trace(Options& options, Output& out);
int run_record(Options& options, Output& out);

}  // namespace tcpstat::app
