// Owns the app's entry point: parse, run the pipeline, map outcomes to exit codes.
#pragma once

namespace tcpstat::app {

int main(int argc, char** argv);

}  // namespace tcpstat::app
