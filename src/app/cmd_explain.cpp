// Owns `tcpstat explain [STATE|GROUP]`: prints the explanation text kept in the core.
#include "app/commands.hpp"
#include "tcpstat/explain.hpp"

namespace tcpstat::app {

int run_explain(const Options& options, Output& out) {
    out.write(explain_word_text(options.explain_word));
    return 0;
}

}  // namespace tcpstat::app
