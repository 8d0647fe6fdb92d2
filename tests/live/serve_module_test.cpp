// Tests that only `tcpstat serve` loads its HTTP module (tcpstat-http.so): other commands map no
// HTTP or TLS library, the module is found beside the binary and where it is installed, and a
// missing, broken or foreign module is one line on stderr naming its path, exit 2.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "live/http_support.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
namespace fs = std::filesystem;

namespace {

std::string maps_of(pid_t pid) { return slurp("/proc/" + std::to_string(pid) + "/maps"); }

// /proc/PID/maps of a running `tcpstat ARGS...` once it has printed its first line (so it has
// done the work it loads libraries for); then it is killed.
std::string maps_while_running(const std::vector<std::string>& args) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return "";
    std::vector<std::string> store{TCPSTAT_BINARY};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(p[1]);
    std::string said, maps;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (said.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pf{p[0], POLLIN, 0};
        if (left.count() <= 0 || poll(&pf, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[512];
        const ssize_t n = read(p[0], buf, sizeof buf);
        if (n <= 0) break;
        said.append(buf, static_cast<std::size_t>(n));
    }
    if (said.find('\n') != std::string::npos) maps = maps_of(pid);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(p[0]);
    return maps;
}

const char* const kHttpLibraries[] = {"libcrypto.so", "libssl.so", "libcpp-httplib.so", "libbrotli", "tcpstat-http.so"};

// A copy of the built binary in DIR/bin, as an install tree would hold it, without the module.
struct CopiedBinary {
    TempDir dir;
    fs::path bin = dir.path / "bin" / "tcpstat";
    fs::path beside = dir.path / "bin" / "tcpstat-http.so";
    fs::path installed = (dir.path / "bin" / TCPSTAT_HTTP_MODULE_DIR / "tcpstat-http.so").lexically_normal();
    CopiedBinary() {
        fs::create_directories(bin.parent_path());
        fs::copy_file(TCPSTAT_BINARY, bin);
    }
};

RunResult serve_briefly(const fs::path& bin) { return run_binary(bin, {"serve", "--listen", "127.0.0.1:0"}, {}, 10); }

}  // namespace

TEST(ServeModule, ListingMapsNoHttpOrTlsLibrary) {
    const std::string watch = maps_while_running({"--count", "--watch", "1"});
    ASSERT_NE(watch, "") << "tcpstat --count --watch 1 printed nothing";
    for (const char* lib : kHttpLibraries) EXPECT_EQ(watch.find(lib), std::string::npos) << lib << " mapped by a listing:\n" << watch;

    // The same reading of maps sees them in serve, where they belong.
    ServeProcess serve({});
    ASSERT_NE(serve.port(), 0);
    const std::string served = maps_of(serve.pid());
    EXPECT_NE(served.find("/tcpstat-http.so"), std::string::npos) << served;
    EXPECT_NE(served.find("libcpp-httplib.so"), std::string::npos) << served;
}

TEST(ServeModule, MissingModuleIsOneLineNamingWhereItLookedExit2) {
    CopiedBinary copy;
    const RunResult r = serve_briefly(copy.bin);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("tcpstat: serve needs its HTTP module"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(copy.beside.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(copy.installed.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("reinstall the tcpstat package"), std::string::npos) << r.err;
    // Every other command runs without it.
    const RunResult count = run_binary(copy.bin, {"--count"});
    EXPECT_TRUE(count.exit_code == 0 || count.exit_code == 1) << count.err;
}

TEST(ServeModule, BrokenModuleIsOneLineNamingItExit2) {
    CopiedBinary copy;
    spit(copy.beside, "not an ELF file\n");
    const RunResult r = serve_briefly(copy.bin);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("serve's HTTP module " + copy.beside.string() + " cannot be loaded"), std::string::npos) << r.err;
}

TEST(ServeModule, ForeignModuleIsNotLoaded) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
    CopiedBinary copy;
    fs::copy_file(TCPSTAT_HTTP_MODULE, copy.beside);
    ASSERT_EQ(chown(copy.beside.c_str(), 65534, 65534), 0);
    RunResult r = serve_briefly(copy.bin);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(copy.beside.string() + " is owned by uid 65534 or writable by others: not loading it"),
              std::string::npos)
        << r.err;

    ASSERT_EQ(chown(copy.beside.c_str(), 0, 0), 0);
    fs::permissions(copy.beside, fs::perms::others_write, fs::perm_options::add);
    r = serve_briefly(copy.bin);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("not loading it"), std::string::npos) << r.err;
}

TEST(ServeModule, FoundWhereInstalledRelativeToTheBinary) {
    CopiedBinary copy;
    fs::create_directories(copy.installed.parent_path());
    fs::copy_file(TCPSTAT_HTTP_MODULE, copy.installed);
    ServeProcess serve({"--min-interval", "0"}, copy.bin);
    ASSERT_NE(serve.port(), 0);
    const auto page = http_get(serve.port(), "/metrics");
    ASSERT_TRUE(page.has_value());
    EXPECT_NE(page->find("tcpstat_exporter_collection_success 1"), std::string::npos) << *page;
    EXPECT_NE(maps_of(serve.pid()).find(copy.installed.string()), std::string::npos);
    EXPECT_EQ(serve.stop(), 0);
}
