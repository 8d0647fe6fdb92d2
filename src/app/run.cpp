// Owns the pipeline (collect -> filter -> owners -> group/sort -> render) and exit codes.
#include "app/run.hpp"

namespace tcpstat::app {

int main(int, char**) { return 2; }

}  // namespace tcpstat::app
