// Owns the interface between `tcpstat serve`'s scheduling (cmd_serve.cpp) and its HTTP server
// (serve_http.cpp, cpp-httplib where the build has it, reached by serve_http_load.cpp).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "app/options.hpp"

namespace tcpstat::app {

struct MetricsPage {
    std::string body;
    std::string content_type;
};
// Called once per GET/HEAD /metrics with the request's Accept header; may block while a
// collection runs (concurrent scrapes share it).
using MetricsSource = std::function<MetricsPage(std::string_view accept)>;

// Binds s.host:s.port (UsageError naming the address when it cannot), says where on stderr,
// serves /metrics, /healthz and / until SIGINT or SIGTERM, and returns the exit code (0).
// A build without an HTTP library, or a Linux install whose module tcpstat-http.so is missing or
// cannot be loaded, throws RuntimeError saying so (naming the path and the remedy).
int serve_http(const ServeOptions& s, const MetricsSource& metrics);

}  // namespace tcpstat::app
