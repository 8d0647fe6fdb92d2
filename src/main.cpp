// Owns the process entry point: the command line as UTF-8 and the console set up, then the app.
#include "app/console.hpp"
#include "app/run.hpp"

int main(int argc, char** argv) {
    tcpstat::app::Utf8Args args(argc, argv);
    tcpstat::app::setup_console();
    return tcpstat::app::main(args.argc(), args.argv());
}
