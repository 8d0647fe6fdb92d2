// Owns which options each command takes: one given to a command that would ignore it is refused, with a hint.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/options.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::app {
namespace {

// The output options a listing uses and no other command does, in the order they are named.
std::vector<std::string> listing_output_given(const RawFlags& raw) {
    std::vector<std::string> given;
    if (raw.group_by) given.emplace_back("--group-by");
    if (raw.count) given.emplace_back("--count");
    if (raw.sort) given.emplace_back("--sort");
    if (raw.reverse) given.emplace_back("--reverse");
    if (raw.fields) given.emplace_back("--fields");
    if (raw.extended) given.emplace_back("-e/--extended");
    if (raw.resolve) given.emplace_back("-r/--resolve");
    if (raw.timers) given.emplace_back("-o/--timers");
    if (raw.info) given.emplace_back("-i/--info");
    if (raw.memory) given.emplace_back("-m/--memory");
    return given;
}

// Everything that selects or shapes sockets: meaningless for `explain`, which reads none.
std::vector<std::string> socket_options_given(const RawFlags& raw) {
    std::vector<std::string> given = listing_output_given(raw);
    for (const FilterListOption& l : kFilterLists)
        if (!(raw.*l.member).empty()) given.emplace_back(l.name);
    for (const FilterFlagOption& f : kFilterFlags)
        if (raw.*f.member) given.emplace_back(f.name);
    auto flag = [&](bool on, const char* name) {
        if (on) given.emplace_back(name);
    };
    flag(raw.no_header, "-H/--no-header");
    flag(raw.format != "table", "-f/--format");
    flag(raw.color != "auto", "--color");
    flag(raw.source != "auto", "--source");
    flag(raw.proc_root.has_value(), "--proc-root");
    flag(raw.netns.has_value(), "--netns");
    flag(raw.all_netns, "--all-netns");
    flag(raw.output_given, "--output");
    flag(raw.watch.has_value(), "--watch");
    flag(raw.iterations.has_value(), "--iterations");
    return given;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

}  // namespace

void refuse_inapplicable_options(const RawFlags& raw) {
    switch (raw.command) {
        case Command::List:
            return;
        case Command::Check: {
            if (raw.group_by)
                throw UsageError("check counts per group with --per, not --group-by: e.g. check --per process "
                                 "--warn 50 --crit 200");
            auto given = listing_output_given(raw);
            if (raw.format != "table") given.emplace_back("-f/--format");
            if (raw.no_header) given.emplace_back("-H/--no-header");
            if (raw.color != "auto") given.emplace_back("--color");
            if (!given.empty())
                throw UsageError(fmt::format("check prints one Monitoring Plugins line; {} do{} not apply to it "
                                             "(it takes filters, --warn, --crit and --per)",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Summary: {
            const auto given = listing_output_given(raw);
            if (!given.empty())
                throw UsageError(fmt::format("summary takes filters and -f/-H only; {} belong{} to listings",
                                             joined(given), given.size() == 1 ? "s" : ""));
            return;
        }
        case Command::Doctor: {
            auto given = listing_output_given(raw);
            if (raw.no_header) given.emplace_back("-H/--no-header");
            if (!given.empty())
                throw UsageError(fmt::format("doctor takes filters, thresholds and -f only; {} do{} not apply to it",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Kill: {
            std::vector<std::string> given;
            if (raw.group_by) given.emplace_back("--group-by");
            if (raw.count) given.emplace_back("--count");
            if (raw.watch) given.emplace_back("--watch");
            if (raw.iterations) given.emplace_back("--iterations");
            if (!given.empty())
                throw UsageError(fmt::format("kill lists each socket it closes; {} do{} not apply to it",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Top: {
            auto given = listing_output_given(raw);
            if (raw.format != "table") given.emplace_back("-f/--format");
            if (raw.no_header) given.emplace_back("-H/--no-header");
            if (raw.output_given) given.emplace_back("--output");
            if (raw.watch) given.emplace_back("--watch (top refreshes on its own: -d SECONDS)");
            if (raw.iterations) given.emplace_back("--iterations");
            if (!given.empty())
                throw UsageError(fmt::format("top is an interactive view and takes filters, -d/--interval, --color "
                                             "and the source options; {} do{} not apply to it",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Trace: {
            auto given = listing_output_given(raw);
            if (raw.source != "auto") given.emplace_back("--source");
            if (raw.proc_root) given.emplace_back("--proc-root");
            if (raw.netns) given.emplace_back("--netns");
            if (raw.watch) given.emplace_back("--watch");
            if (raw.iterations) given.emplace_back("--iterations");
            if (raw.output_given) given.emplace_back("--output");
            if (!given.empty())
                throw UsageError(fmt::format("trace takes filters, --all-netns, -f, -H, --duration and --count N; {} "
                                             "do{} not apply to it",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Record: {
            auto given = socket_options_given(raw);
            std::erase(given, std::string("-f/--format"));
            std::erase(given, std::string("-H/--no-header"));
            if (raw.watch) given.emplace_back("--watch");
            if (raw.output_given) given.emplace_back("--output");
            if (!given.empty())
                throw UsageError(fmt::format("record takes start, stop or status, and -f table|json and -H; {} "
                                             "do{} not apply to it: e.g. tcpstat record start",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Explain: {
            const auto given = socket_options_given(raw);
            if (!given.empty())
                throw UsageError(fmt::format("explain reads no sockets; {} do{} not apply to it: "
                                             "e.g. tcpstat explain close_wait",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
        case Command::Serve: {
            auto given = listing_output_given(raw);
            if (raw.format != "table") given.emplace_back("-f/--format");
            if (raw.no_header) given.emplace_back("-H/--no-header");
            if (raw.color != "auto") given.emplace_back("--color");
            if (raw.output_given) given.emplace_back("--output");
            if (raw.watch) given.emplace_back("--watch");
            if (raw.iterations) given.emplace_back("--iterations");
            if (!given.empty())
                throw UsageError(fmt::format("serve answers /metrics with its own series; {} do{} not apply to it "
                                             "(it takes filters, --listen, --ports, --top, --max-series and "
                                             "--min-interval)",
                                             joined(given), given.size() == 1 ? "es" : ""));
            return;
        }
    }
}

}  // namespace tcpstat::app
