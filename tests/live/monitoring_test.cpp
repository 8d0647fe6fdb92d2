// Tests the Prometheus path end to end: promtool accepts the exposition, --output replaces files
// atomically, and a real node_exporter's textfile collector serves what tcpstat wrote.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "live/http_support.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
namespace fs = std::filesystem;

namespace {

// A node_exporter with only the textfile collector, on loopback; always killed on the way out.
class NodeExporter {
public:
    NodeExporter(const fs::path& textfile_dir, std::uint16_t port)
        : port_(port),
          process_({"prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + std::to_string(port),
                    "--collector.disable-defaults", "--collector.textfile",
                    "--collector.textfile.directory=" + textfile_dir.string()}) {}

    // Waits (bounded) until /metrics answers.
    bool ready() {
        return eventually([&] { return http_get(port_, "/metrics", 500).has_value(); }, 15000);
    }
    std::optional<std::string> scrape() { return http_get(port_, "/metrics"); }

private:
    std::uint16_t port_;
    QuietProcess process_;
};

std::vector<std::string> samples(const std::string& exposition) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(exposition))
        if (!l.empty() && l[0] != '#') out.push_back(l);
    return out;
}

}  // namespace

TEST(Promtool, AcceptsGroupsSummaryAndHostileNames) {
    if (!have("promtool")) GTEST_SKIP() << "promtool (Debian package prometheus) is not installed; scripts/deps.sh installs it";
    TempDir dir;
    LeakyServer leak(false, 3, "mon-promtool");
    const std::string port = std::to_string(leak.port);

    auto groups = run_tcpstat({"-g", "state,process", "-f", "prometheus"});
    ASSERT_EQ(groups.exit_code, 0) << groups.err;
    EXPECT_EQ(promtool_rejects(groups.out, dir), std::nullopt) << groups.out;
    EXPECT_NE(groups.out.find("tcpstat_sockets{state=\"close_wait\",process=\"mon-promtool\"} "), std::string::npos)
        << groups.out;

    auto summary = run_tcpstat({"summary", "-f", "prometheus", "-t", "-u"});
    ASSERT_EQ(summary.exit_code, 0) << summary.err;
    EXPECT_EQ(promtool_rejects(summary.out, dir), std::nullopt) << summary.out;
    EXPECT_NE(summary.out.find("tcpstat_sockets{proto=\"tcp\",family=\"ipv4\",state=\"close_wait\"} "),
              std::string::npos)
        << summary.out;

    // A process name with a quote, a backslash, a newline and ESC must not break the exposition.
    const std::string evil = "mon\"q\\b\nn\x1b";
    EstablishedPair pair(false, evil);
    auto hostile = run_tcpstat({"-g", "state,process", "--port", std::to_string(pair.port), "-f", "prometheus"});
    ASSERT_EQ(hostile.exit_code, 0) << hostile.err;
    EXPECT_EQ(promtool_rejects(hostile.out, dir), std::nullopt) << hostile.out;
    auto rows = samples(hostile.out);
    ASSERT_EQ(rows.size(), 2u) << hostile.out;  // LISTEN x1 and ESTABLISHED x2, same process
    for (const auto& r : rows) {
        EXPECT_EQ(r.rfind("tcpstat_sockets{state=\"", 0), 0u) << r;
        EXPECT_NE(r.find(",process=\"mon\\\"q"), std::string::npos) << r;
        EXPECT_EQ(r.find('\x1b'), std::string::npos) << r;
    }

    // Remote ports are labels only when asked: the default groups carry no per-connection label.
    EXPECT_EQ(groups.out.find("rport="), std::string::npos);
    auto by_rport = run_tcpstat({"-g", "state,rport", "-s", "close_wait", "--sport", port, "-f", "prometheus"});
    ASSERT_EQ(by_rport.exit_code, 0) << by_rport.err;
    EXPECT_EQ(samples(by_rport.out).size(), 3u) << by_rport.out;
    EXPECT_EQ(promtool_rejects(by_rport.out, dir), std::nullopt) << by_rport.out;
}

TEST(OutputFile, ReplacesTheFileAtomicallyWithMode0644) {
    TempDir dir;
    LeakyServer leak(false, 2, "mon-output");
    const fs::path target = dir.path / "tcpstat.prom";
    spit(target, "old contents\n");
    chmod(target.c_str(), 0600);
    struct stat before{};
    stat(target.c_str(), &before);

    auto r = run_tcpstat({"-s", "close_wait", "--sport", std::to_string(leak.port), "-g", "state,process", "-f",
                          "prometheus", "--output", target.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "") << "with --output nothing goes to stdout";
    const std::string text = slurp(target);
    EXPECT_NE(text.find("tcpstat_sockets{state=\"close_wait\",process=\"mon-output\"} 2\n"), std::string::npos) << text;
    struct stat after{};
    stat(target.c_str(), &after);
    EXPECT_EQ(after.st_mode & 0777, 0644u);
    EXPECT_NE(after.st_ino, before.st_ino) << "replaced by rename, not rewritten in place";
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"tcpstat.prom"}) << "no temporary file left behind";

    // The exit code is the command's: no match is 1, and the file still holds a valid, empty result.
    auto none = run_tcpstat({"-s", "close_wait", "--sport", "1", "-g", "state", "-f", "prometheus", "--output",
                             target.string()});
    EXPECT_EQ(none.exit_code, 1) << none.err;
    EXPECT_EQ(samples(slurp(target)).size(), 0u);

    // check writes its plugin line there and keeps its status as exit code.
    const fs::path check_out = dir.path / "check.txt";
    auto chk = run_tcpstat({"check", "-s", "close_wait", "--sport", std::to_string(leak.port), "--warn", "1",
                            "--crit", "5", "--output", check_out.string()});
    EXPECT_EQ(chk.exit_code, 1) << chk.out << chk.err;
    EXPECT_EQ(slurp(check_out).rfind("TCPSTAT WARNING - 2 close_wait sockets", 0), 0u) << slurp(check_out);
}

TEST(OutputFile, ErrorsNameThePathAndLeaveTheOldFile) {
    TempDir dir;
    // A missing directory.
    const std::string missing = (dir.path / "no-such-dir" / "x.prom").string();
    auto r = run_tcpstat({"-g", "state", "--output", missing});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;

    // A target that cannot be replaced (a non-empty directory): no temporary file survives.
    const fs::path busy = dir.path / "busy";
    fs::create_directory(busy);
    spit(busy / "keep", "x");
    auto d = run_tcpstat({"-g", "state", "--output", busy.string()});
    EXPECT_EQ(d.exit_code, 2);
    EXPECT_NE(d.err.find(busy.string()), std::string::npos) << d.err;
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"busy"});

    // A write that fails half-way (file size limit): the old file is intact, the temp file gone.
    const fs::path target = dir.path / "t.prom";
    spit(target, "previous\n");
    EstablishedPair pair(false, "mon-fsize");
    auto big = run_tcpstat({"--output", target.string(), "-f", "csv"}, {}, 60, [] {
        signal(SIGXFSZ, SIG_IGN);  // write(2) then fails with EFBIG instead of killing
        rlimit lim{16, 16};
        setrlimit(RLIMIT_FSIZE, &lim);
    });
    EXPECT_EQ(big.exit_code, 2) << big.err;
    EXPECT_NE(big.err.find(target.string()), std::string::npos) << big.err;
    EXPECT_NE(big.err.find("File too large"), std::string::npos) << big.err;
    EXPECT_EQ(slurp(target), "previous\n");
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"busy", "t.prom"}));

    auto empty = run_tcpstat({"-g", "state", "--output", ""});
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_NE(empty.err.find("--output"), std::string::npos) << empty.err;
}

TEST(NodeExporter, TextfileCollectorServesTheLeakCount) {
    if (!have("prometheus-node-exporter"))
        GTEST_SKIP() << "prometheus-node-exporter is not installed; scripts/deps.sh installs it";
    TempDir dir;
    const std::uint16_t port = free_loopback_port();
    NodeExporter exporter(dir.path, port);
    ASSERT_TRUE(exporter.ready()) << "node_exporter did not answer on 127.0.0.1:" << port;

    LeakyServer leak(false, 7, "mon-nodeexp");
    auto r = run_tcpstat({"-s", "close_wait", "--sport", std::to_string(leak.port), "-g", "state,process", "-f",
                          "prometheus", "--output", (dir.path / "tcpstat.prom").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    auto body = exporter.scrape();
    ASSERT_TRUE(body.has_value());
    // The collector sorts labels by name and reports its own parse errors.
    EXPECT_NE(body->find("tcpstat_sockets{process=\"mon-nodeexp\",state=\"close_wait\"} 7\n"), std::string::npos)
        << *body;
    EXPECT_NE(body->find("node_textfile_scrape_error 0"), std::string::npos) << *body;

    // A second write replaces the first: the next scrape sees the new count and nothing stale.
    LeakyServer more(false, 2, "mon-nodeexp2");
    auto r2 = run_tcpstat({"-s", "close_wait", "--sport", std::to_string(more.port), "-g", "state,process", "-f",
                           "prometheus", "--output", (dir.path / "tcpstat.prom").string()});
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    auto body2 = exporter.scrape();
    ASSERT_TRUE(body2.has_value());
    EXPECT_NE(body2->find("tcpstat_sockets{process=\"mon-nodeexp2\",state=\"close_wait\"} 2\n"), std::string::npos)
        << *body2;
    EXPECT_EQ(body2->find("mon-nodeexp\""), std::string::npos) << *body2;
}
