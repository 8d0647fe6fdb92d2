// Owns the process entry point: hands argv to the app.
#include "app/run.hpp"

int main(int argc, char** argv) { return tcpstat::app::main(argc, argv); }
