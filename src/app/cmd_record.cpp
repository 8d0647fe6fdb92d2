// Owns `tcpstat record start|stop|status`: asks the platform's recorder to act and reports what is recording, as one row.
#include <string>

#include "app/commands.hpp"
#include "tcpstat/result_table.hpp"
#include "tcpstat/record.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {
namespace {

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
                      st.since_unix_ms ? Value(format_utc(*st.since_unix_ms)) : Value(), num(st.sockets),
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
