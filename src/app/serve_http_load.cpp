// Owns reaching `tcpstat serve`'s HTTP server through serve_http_abi.h: on Linux by loading the
// module tcpstat-http.so (only serve does, so no other command maps cpp-httplib, OpenSSL or
// brotli), on Windows the server linked in; and turning its error back into the app's exceptions.
#include "app/serve_http.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "app/serve_http_abi.h"
#include "tcpstat/error.hpp"

#ifndef _WIN32
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#endif

namespace tcpstat::app {
namespace {

// Called by the server on its worker threads: nothing may unwind back into it.
int page_for(void* app, const char* accept, size_t accept_len, void* response, tcpstat_http_put_page put) {
    try {
        const MetricsSource& metrics = *static_cast<const MetricsSource*>(app);
        const MetricsPage page = metrics(std::string_view(accept, accept_len));
        return put(response, page.body.data(), page.body.size(), page.content_type.c_str());
    } catch (...) {
        return 1;
    }
}

#ifdef _WIN32
tcpstat_http_serve_fn find_server() { return tcpstat_http_serve_v1; }
#else
namespace fs = std::filesystem;

constexpr const char* kModule = "tcpstat-http.so";
constexpr const char* kRemedy = "reinstall the tcpstat package, or rebuild (cmake --build BUILD builds it beside tcpstat)";

// Where the module can be: beside the executable (a build tree), or where `make install` and the
// package put it relative to the executable (TCPSTAT_HTTP_MODULE_DIR: bin -> lib/tcpstat). From
// the executable's own path, never from the environment, which could point a root process at
// another user's library.
std::vector<fs::path> module_candidates() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw RuntimeError(fmt::format("serve cannot find its HTTP module: /proc/self/exe: {}", ec.message()));
    const fs::path dir = exe.parent_path();
    return {dir / kModule, (dir / TCPSTAT_HTTP_MODULE_DIR / kModule).lexically_normal()};
}

// A file another user can write would run their code in a root process.
void refuse_foreign(const fs::path& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
        throw RuntimeError(fmt::format("serve's HTTP module {}: {}; {}", path.string(), std::strerror(errno), kRemedy));
    if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & S_IWOTH))
        throw RuntimeError(fmt::format("serve's HTTP module {} is owned by uid {} or writable by others: not loading it; "
                                       "{}",
                                       path.string(), st.st_uid, kRemedy));
}

tcpstat_http_serve_fn find_server() {
    const std::vector<fs::path> candidates = module_candidates();
    const fs::path* found = nullptr;
    for (const fs::path& p : candidates)
        if (!found && access(p.c_str(), F_OK) == 0) found = &p;
    if (!found)
        throw RuntimeError(fmt::format("serve needs its HTTP module, which is neither at {} nor at {}: {}",
                                       candidates[0].string(), candidates[1].string(), kRemedy));
    refuse_foreign(*found);
    // Never closed: the server's threads and cpp-httplib's static state live until exit.
    void* module = dlopen(found->c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!module)
        throw RuntimeError(fmt::format("serve's HTTP module {} cannot be loaded ({}): {} (it needs libcpp-httplib0.11)",
                                       found->string(), dlerror(), kRemedy));
    void* entry = dlsym(module, TCPSTAT_HTTP_ENTRY);
    if (!entry)
        throw RuntimeError(fmt::format("serve's HTTP module {} is from another tcpstat version (it has no {}): {}",
                                       found->string(), TCPSTAT_HTTP_ENTRY, kRemedy));
    return reinterpret_cast<tcpstat_http_serve_fn>(entry);
}
#endif

}  // namespace

int serve_http(const ServeOptions& s, const MetricsSource& metrics) {
    const tcpstat_http_serve_fn serve = find_server();
    const tcpstat_http_args args{s.host.c_str(), s.port, const_cast<MetricsSource*>(&metrics), page_for};
    tcpstat_http_error error{};
    const int code = serve(&args, &error);
    if (error.kind == TCPSTAT_HTTP_USAGE) throw UsageError(error.message);
    if (error.kind != TCPSTAT_HTTP_OK) throw RuntimeError(error.message);
    return code;
}

}  // namespace tcpstat::app
