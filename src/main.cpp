// Owns the process entry point: the command line as UTF-8 and the console set up, then the app.
#include "app/run.hpp"
#include "tcpstat/console.hpp"

int main(int argc, char** argv) {
    tcpstat::Utf8Args args(argc, argv);
    tcpstat::setup_console();
    return tcpstat::app::main(args.argc(), args.argv());
}
