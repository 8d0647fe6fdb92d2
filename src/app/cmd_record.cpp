// Owns `tcpstat record start|stop|status`: asks the platform's recorder to act and reports what is recording, as one row.
#include <ctime>
#include <string>

#include "app/commands.hpp"
#include "tcpstat/result_table.hpp"
#include "tcpstat/record.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {
namespace {

std::string utc_time(std::int64_t unix_ms) {
    const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Table status_table(const RecordStatus& st) {
    Table t;
    t.name = "recorder";
    const auto num = [](std::uint64_t v) { return Value(static_cast<std::int64_t>(v)); };
    t.columns = {{"recording", "RECORDING", FieldType::Text}, {"since", "SINCE", FieldType::Text},
                 {"sockets", "SOCKETS", FieldType::Number},   {"capacity", "CAPACITY", FieldType::Number},
                 {"transitions", "TRANSITIONS", FieldType::Number}, {"refused", "REFUSED", FieldType::Number},
                 {"pinned", "PINNED", FieldType::Text}};
    if (!st.recording) {
        t.rows.push_back({Value(std::string("no")), Value(), Value(), Value(), Value(), Value(), Value(st.where)});
        return t;
    }
    t.rows.push_back({Value(std::string("yes")),
                      st.since_unix_ms ? Value(utc_time(*st.since_unix_ms)) : Value(), num(st.sockets),
                      num(st.capacity), num(st.transitions), num(st.refused), Value(st.where)});
    return t;
}

}  // namespace

int run_record(Options& options, Output& out) {
    const RecordStatus st = control_recorder(options.record_action);
    for (const std::string& note : st.notes) print_diagnostic(stderr, "tcpstat: ", note);
    if (options.record_action == RecordAction::Start && !st.changed)
        print_diagnostic(stderr, "tcpstat: ", "the recorder was already running; it keeps its ages");
    if (options.record_action == RecordAction::Stop && !st.changed)
        print_diagnostic(stderr, "tcpstat: ", "nothing was recording");
    options.render.color = use_color(options.color, out);
    render_table(status_table(st), options.render, out);
    return options.record_action == RecordAction::Status && !st.recording ? 1 : 0;
}

}  // namespace tcpstat::app
