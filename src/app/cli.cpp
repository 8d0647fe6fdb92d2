// Owns stage one of flag handling: parsing argv with the declared command line (habits first), its one-line errors, and which command ran.
#include "app/cli.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/cli_declare.hpp"
#include "app/habits.hpp"
#include "app/unexpected_args.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/output.hpp"
#include "tcpstat/render.hpp"
#include "tcpstat/suggest.hpp"

namespace tcpstat::app {
namespace {

// --help and --version go through Output like every command, so a failed write (/dev/full) is
// reported and exits 2 instead of vanishing in std::cout; a closed pipe still ends quietly.
int print_requested(const CLI::App& app, const CLI::ParseError& e) {
    std::ostringstream text;
    const int code = app.exit(e, text, text);
    try {
        Output out(1);
        out.write(text.str());
        out.flush();
    } catch (const BrokenPipe&) {
    } catch (const RuntimeError& err) {
        std::fprintf(stderr, "tcpstat: %s\n", err.what());
        return 2;
    }
    return code;
}

}  // namespace

std::optional<RawFlags> parse_command_line(int argc, char** argv, int& exit_code) {
    RawFlags raw;
    CLI::App app{"tcpstat: which TCP states are your sockets in, and which process owns them.", "tcpstat"};
    const CommandApps cmd = declare_command_line(app, raw);
    CLI::App* const summary = cmd.summary;
    CLI::App* const check = cmd.check;
    CLI::App* const explain = cmd.explain;
    CLI::App* const doctor = cmd.doctor;
    CLI::App* const kill = cmd.kill;
    CLI::App* const serve = cmd.serve;
    CLI::App* const top = cmd.top;
    CLI::App* const trace = cmd.trace;
    CLI::App* const record = cmd.record;
    const std::vector<CLI::App*>& apps = cmd.all;
    std::vector<std::string> long_names;
    std::vector<std::string_view> commands = {"help"}, options;
    for (const CLI::App* a : apps) {
        if (a != &app) commands.emplace_back(a->get_name());
        for (const CLI::Option* o : a->get_options())
            for (const std::string& n : o->get_lnames()) long_names.push_back("--" + n);
    }
    options.assign(long_names.begin(), long_names.end());
    std::vector<std::string> words;
    std::vector<char*> args = {argv[0]};
    try {
        if (argc > 2 && std::string_view(argv[1]) == "help" &&
            std::find(commands.begin() + 1, commands.end(), std::string_view(argv[2])) == commands.end())
            throw CLI::ValidationError(fmt::format("unknown command '{}'{}: expected summary, check, explain, doctor, kill, serve, top, trace or record",
                                                   argv[2], did_you_mean(argv[2], commands)));
        try {
            words = translate_habits(std::vector<std::string>(argv + 1, argv + argc), [&](std::string_view name) {
                for (const CLI::App* a : apps)
                    for (const CLI::Option* o : a->get_options())
                        if (o->get_expected_min() > 0 && o->check_name(std::string(name))) return true;
                return false;
            });
        } catch (const UsageError& e) {
            throw CLI::ValidationError(e.what());
        }
        for (std::string& w : words) args.push_back(w.data());
        app.parse(static_cast<int>(args.size()), args.data());
        // A single-value option given both before and after the command: one would silently win.
        for (const CLI::App* sub : {summary, check, doctor}) {
            for (const CLI::Option* o : sub->get_options()) {
                const CLI::Option* main_opt = app.get_option_no_throw(o->get_name());
                if (o->count() > 0 && o->get_expected_max() == 1 && main_opt && main_opt->count() > 0)
                    throw CLI::ValidationError(o->get_name() + " was given more than once (before and after '" +
                                               sub->get_name() + "'): give it once");
            }
        }
        // Positional words are a filter expression, so a misspelt command lands there: its first
        // word, when close to a command's name, is that mistake rather than a bad expression.
        if (!raw.expression.empty()) {
            const bool command_given = std::any_of(apps.begin() + 1, apps.end(), [](const CLI::App* a) { return a->parsed(); });
            const std::string hint = command_given ? std::string() : did_you_mean(raw.expression.front(), commands);
            if (!hint.empty())
                throw CLI::ValidationError(fmt::format("unknown command '{}'{}: expected summary, check, explain, doctor, kill, serve, top, trace or record",
                                                       raw.expression.front(), hint));
        }
        if (const auto extra = app.remaining(true); !extra.empty()) {
            const bool command_given = std::any_of(apps.begin() + 1, apps.end(), [](const CLI::App* a) { return a->parsed(); });
            throw CLI::ValidationError(unexpected_arguments_message(extra, command_given, commands, options));
        }
    } catch (const CLI::CallForHelp& e) {
        exit_code = print_requested(app, e);
        return std::nullopt;
    } catch (const CLI::CallForAllHelp& e) {
        exit_code = print_requested(app, e);
        return std::nullopt;
    } catch (const CLI::CallForVersion& e) {
        exit_code = print_requested(app, e);
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        // Whatever argv put in the message is escaped when the line is printed; only CLI11's own
        // line end goes.
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        // CLI11 says "--sort: At Most 1 required but received 2" for a repeated single-value option.
        if (const auto at = msg.find(": At Most 1 required but received"); at != std::string::npos) {
            const std::string opt = msg.substr(0, at);
            msg = opt + " was given more than once: give it once";
            if (opt == "--group-by" || opt == "--fields")
                msg += fmt::format(", with its list comma-separated (e.g. {} pid,state)", opt);
        }
        // A monitoring system runs `check`: its bad arguments are UNKNOWN (3), on stdout. Only
        // when CLI11 reached the subcommand: in `-c check` the word is a process name.
        if (check->parsed()) {
            print_diagnostic(stdout, "TCPSTAT UNKNOWN - ", msg + " (see tcpstat check --help)");
            exit_code = 3;
        } else {
            print_diagnostic(stderr, "tcpstat: ", msg + " (see tcpstat --help)");
            exit_code = 2;
        }
        return std::nullopt;
    }
    if (summary->parsed()) raw.command = Command::Summary;
    if (check->parsed()) raw.command = Command::Check;
    if (explain->parsed()) raw.command = Command::Explain;
    if (doctor->parsed()) raw.command = Command::Doctor;
    if (kill->parsed()) raw.command = Command::Kill;
    raw.args.assign(argv + 1, argv + argc);
    if (serve->parsed()) raw.command = Command::Serve;
    if (top->parsed()) raw.command = Command::Top;
    if (trace->parsed()) raw.command = Command::Trace;
    if (record->parsed()) raw.command = Command::Record;
    return raw;
}

RawFlags parse_filter_words(const std::vector<std::string>& words) {
    RawFlags raw;
    CLI::App app{"filter", "filter"};
    app.set_help_flag();
    add_filters(app, raw);
    std::vector<std::string> args(words.rbegin(), words.rend());  // CLI11 takes them reversed
    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        throw UsageError(msg);
    }
    raw.command = Command::Top;
    return raw;
}

}  // namespace tcpstat::app
