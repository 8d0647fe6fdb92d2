// Owns the app's top level: two-stage flag handling, dispatch to a command, and exit codes for
// errors (usage/runtime: 2, or UNKNOWN 3 for `check`), broken pipes and write failures.
#include "app/run.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/output_file.hpp"
#include "app/watch.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {
namespace {

constexpr int kCheckUnknown = 3;

int dispatch(Options& options, Output& out) {
    switch (options.command) {
        case Command::List: return run_list(options, out);
        case Command::Summary: return run_summary(options, out);
        case Command::Check: return run_check(options, out);
        case Command::Explain: return run_explain(options, out);
        case Command::Doctor: return run_doctor(options, out);
        case Command::Kill: return run_kill(options, out);
        case Command::Serve: return run_serve(options);
        case Command::Top: return run_top(options);
        case Command::Trace: return run_trace(options, out);
        case Command::Record: return run_record(options, out);
    }
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef SIGPIPE
    // A closed pipe must surface as EPIPE so `tcpstat | head -1` ends quietly, not by a signal.
    std::signal(SIGPIPE, SIG_IGN);
#endif
    int code = 0;
    auto raw = parse_command_line(argc, argv, code);
    if (!raw) return code;
    // Errors in `check` are UNKNOWN (3) per the Monitoring Plugins guidelines.
    const int error_code = raw->command == Command::Check ? kCheckUnknown : 2;
    const char* prefix = raw->command == Command::Check ? "TCPSTAT UNKNOWN - " : "tcpstat: ";
    // A monitoring system reads the plugin's stdout; everyone else expects errors on stderr.
    std::FILE* where = raw->command == Command::Check ? stdout : stderr;
    try {
        Options options = to_options(*raw);
        if (options.watch_seconds) return run_watch(options);
        if (!options.output_path.empty())
            return write_atomically(options.output_path, [&](Output& file) { return dispatch(options, file); });
        Output out(1);
        code = dispatch(options, out);
        out.flush();
        return code;
    } catch (const BrokenPipe&) {
        return code;
    } catch (const UsageError& e) {
        print_diagnostic(where, prefix, e.what());
    } catch (const RuntimeError& e) {
        print_diagnostic(where, prefix, e.what());
    } catch (const std::bad_alloc&) {
        print_diagnostic(where, prefix, "out of memory");
    } catch (const std::exception& e) {
        print_diagnostic(where, prefix, std::string("internal error: ") + e.what());
    }
    return error_code;
}

}  // namespace tcpstat::app
