// Owns `tcpstat explain [STATE]`: prints the explanation text kept in the core.
#include "app/commands.hpp"
#include "tcpstat/explain.hpp"

namespace tcpstat::app {

int run_explain(const Options& options, Output& out) {
    out.write(options.explain_state ? explain_state_text(*options.explain_state) : explain_overview_text());
    return 0;
}

}  // namespace tcpstat::app
