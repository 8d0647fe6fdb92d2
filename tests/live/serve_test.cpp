// Tests `tcpstat serve` end to end: real sockets in the test's network namespace, the HTTP
// routes, promtool, the cardinality guards, shared collections under 50 clients, hostile
// clients, bad flags, and a real Prometheus server scraping it.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include "live/cli_surface.hpp"
#include "live/http_support.hpp"
#include "live/scenarios.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
namespace fs = std::filesystem;

namespace {

// The value of the first sample whose line starts with `prefix` (name and labels), or -1.
double sample_value(const std::string& exposition, const std::string& prefix) {
    for (const auto& l : lines_of(exposition))
        if (l.rfind(prefix, 0) == 0 && l.size() > prefix.size() && l[prefix.size()] == ' ')
            return std::stod(l.substr(prefix.size() + 1));
    return -1;
}

std::size_t count_samples(const std::string& exposition, const std::string& name) {
    std::size_t n = 0;
    for (const auto& l : lines_of(exposition)) n += l.rfind(name + "{", 0) == 0 || l.rfind(name + " ", 0) == 0;
    return n;
}

std::string get(std::uint16_t port, const std::string& path, const std::string& accept = "text/plain") {
    auto body = http_get(port, path, 5000, accept);
    EXPECT_TRUE(body.has_value()) << "GET " << path << " on port " << port;
    return body.value_or("");
}

}  // namespace

TEST(Serve, MetricsHealthzAndLandingPageFromRealSockets) {
    if (!have("promtool")) GTEST_SKIP() << "promtool (Debian package prometheus) is not installed; scripts/deps.sh installs it";
    TempDir dir;
    LeakyServer leak(false, 3, "serve-leak");
    EstablishedPair pair(false, "serve-pair");
    ServeProcess serve({"--min-interval", "0"});
    ASSERT_NE(serve.port(), 0);

    const std::string text = get(serve.port(), "/metrics");
    const std::string lp = std::to_string(leak.port);
    EXPECT_EQ(sample_value(text, "tcpstat_sockets{proto=\"tcp\",state=\"close_wait\",process=\"serve-leak\",port=\"" + lp + "\"}"), 3)
        << text;
    EXPECT_EQ(sample_value(text, "tcpstat_sockets{proto=\"tcp\",state=\"listen\",process=\"serve-pair\",port=\"" +
                                     std::to_string(pair.port) + "\"}"),
              1)
        << text;
    // The client end of the pair is on an ephemeral port: folded, never its own series.
    EXPECT_EQ(text.find("port=\"" + std::to_string(pair.client_port) + "\""), std::string::npos) << text;
    EXPECT_GE(sample_value(text, "tcpstat_sockets{proto=\"tcp\",state=\"established\",process=\"serve-pair\",port=\"client\"}"), 1)
        << text;
    EXPECT_EQ(sample_value(text, "tcpstat_listen_queue_length{port=\"" + lp + "\",process=\"serve-leak\"}"), 0) << text;
    EXPECT_GT(sample_value(text, "tcpstat_listen_backlog{port=\"" + lp + "\",process=\"serve-leak\"}"), 0) << text;
    EXPECT_GE(sample_value(text, "tcpstat_tcp_listen_overflows_total"), 0) << text;
    EXPECT_GT(sample_value(text, "tcpstat_tcp_time_wait_buckets_limit"), 0) << text;
    EXPECT_GT(sample_value(text, "tcpstat_exporter_sockets_seen"), 6) << text;
    EXPECT_EQ(sample_value(text, "tcpstat_exporter_owner_lookup_failures"), 0) << text;
    EXPECT_EQ(sample_value(text, "tcpstat_exporter_collection_success"), 1) << text;
    EXPECT_GT(sample_value(text, "tcpstat_exporter_collection_duration_seconds"), 0) << text;
    EXPECT_EQ(promtool_rejects(text, dir), std::nullopt) << text;

    // OpenMetrics when the scraper asks: counters' families without _total, and # EOF.
    auto om = http_exchange(serve.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: "
                                          "application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n\r\n");
    ASSERT_TRUE(om);
    EXPECT_EQ(om->status, 200);
    EXPECT_NE(om->head.find("Content-Type: application/openmetrics-text; version=1.0.0"), std::string::npos) << om->head;
    EXPECT_NE(om->body.find("# TYPE tcpstat_tcp_listen_overflows counter\ntcpstat_tcp_listen_overflows_total "),
              std::string::npos)
        << om->body;
    EXPECT_TRUE(om->body.size() > 6 && om->body.substr(om->body.size() - 6) == "# EOF\n") << om->body;
    auto plain = http_exchange(serve.port(), "GET /metrics HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(plain);
    EXPECT_NE(plain->head.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << plain->head;
    EXPECT_EQ(plain->body.find("# EOF"), std::string::npos);

    EXPECT_EQ(get(serve.port(), "/healthz"), "ok\n");
    EXPECT_NE(get(serve.port(), "/").find("href=\"/metrics\""), std::string::npos);
    auto head = http_exchange(serve.port(), "HEAD /metrics HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->body, "");
    EXPECT_EQ(serve.stop(), 0) << "SIGTERM ends serve cleanly";
}

TEST(Serve, CardinalityGuardsFoldPortsProcessesAndCapSeries) {
    if (!have("promtool")) GTEST_SKIP() << "promtool is not installed; scripts/deps.sh installs it";
    TempDir dir;
    LeakyServer leak(false, 2, "guard-leak");
    Child many([] {
        for (int i = 0; i < 80; ++i) listen_tcp(false);
        return std::string("ok");
    }, "guard-many");

    {
        ServeProcess serve({"--min-interval", "0", "--max-series", "50"});
        const std::string text = get(serve.port(), "/metrics");
        const std::size_t series = count_samples(text, "tcpstat_sockets") + count_samples(text, "tcpstat_listen_queue_length") +
                                   count_samples(text, "tcpstat_listen_backlog");
        EXPECT_LE(series, 50u) << text;
        EXPECT_GT(sample_value(text, "tcpstat_exporter_folded_series{reason=\"max_series\"}"), 0) << text;
        EXPECT_NE(text.find("tcpstat_sockets{proto=\"tcp\",state=\"listen\",process=\"other\",port=\"other\"}"),
                  std::string::npos)
            << text;
        // The largest series survive the cap.
        EXPECT_EQ(sample_value(text, "tcpstat_sockets{proto=\"tcp\",state=\"close_wait\",process=\"guard-leak\",port=\"" +
                                         std::to_string(leak.port) + "\"}"),
                  2)
            << text;
        EXPECT_EQ(promtool_rejects(text, dir), std::nullopt) << text;
    }
    {
        // --ports keeps one port's label; --top 1 keeps the biggest process's name.
        ServeProcess serve({"--min-interval", "0", "--ports", std::to_string(leak.port), "--top", "1"});
        const std::string text = get(serve.port(), "/metrics");
        EXPECT_EQ(sample_value(text, "tcpstat_sockets{proto=\"tcp\",state=\"listen\",process=\"guard-many\",port=\"other\"}"), 80)
            << text;
        EXPECT_EQ(sample_value(text, "tcpstat_sockets{proto=\"tcp\",state=\"close_wait\",process=\"other\",port=\"" +
                                         std::to_string(leak.port) + "\"}"),
                  2)
            << text;
        EXPECT_GE(sample_value(text, "tcpstat_exporter_folded_series{reason=\"ports\"}"), 80) << text;
        EXPECT_GT(sample_value(text, "tcpstat_exporter_folded_series{reason=\"top\"}"), 0) << text;
        EXPECT_EQ(sample_value(text, "tcpstat_exporter_folded_series{reason=\"max_series\"}"), 0) << text;
    }
}

TEST(Serve, FiftyConcurrentClientsShareCollectionsWithinMinInterval) {
    LeakyServer leak(false, 2, "load-leak");
    ServeProcess serve({"--min-interval", "30"});
    ASSERT_NE(serve.port(), 0);
    get(serve.port(), "/metrics");  // warm up: the first collection, threads, allocator
    const long rss_before = proc_status_kb(serve.pid(), "VmRSS");
    const std::size_t fds_before = open_fds(serve.pid());

    constexpr int kClients = 50, kEach = 4;
    std::atomic<int> complete{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                auto body = http_get(serve.port(), "/metrics", 10000);
                if (body && body->find("tcpstat_exporter_folded_series{reason=\"max_series\"}") != std::string::npos)
                    ++complete;
            }
        });
    for (auto& t : clients) t.join();
    EXPECT_EQ(complete.load(), kClients * kEach) << "every response complete";

    const std::string text = get(serve.port(), "/metrics");
    EXPECT_EQ(sample_value(text, "tcpstat_exporter_collections_total"), 1) << "--min-interval 30: one collection for all";
    EXPECT_EQ(sample_value(text, "tcpstat_exporter_scrapes_total"), kClients * kEach + 2) << text;
    EXPECT_LE(open_fds(serve.pid()), fds_before + 2) << "no fds leaked";
    EXPECT_LE(proc_status_kb(serve.pid(), "VmRSS"), rss_before + 16 * 1024) << "RSS stable";
}

TEST(Serve, MinIntervalZeroCollectsPerScrape) {
    ServeProcess serve({"--min-interval", "0"});
    for (int i = 0; i < 3; ++i) get(serve.port(), "/metrics");
    EXPECT_EQ(sample_value(get(serve.port(), "/metrics"), "tcpstat_exporter_collections_total"), 4);
}

namespace {

// Milliseconds each of `n` GET /metrics took, sent one after another on one keep-alive
// connection (as Prometheus does when it scrapes more often than the keep-alive timeout); stops
// early at a response that does not come complete within 3 s.
std::vector<double> keep_alive_scrapes_ms(std::uint16_t port, int n) {
    const int fd = connect_tcp(false, port);
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    std::vector<double> ms;
    for (int i = 0; i < n; ++i) {
        const auto start = std::chrono::steady_clock::now();
        if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) break;
        std::string got;
        std::size_t want = std::string::npos;  // header plus Content-Length, once the header is in
        while (got.size() < want) {
            pollfd pf{fd, POLLIN, 0};
            if (poll(&pf, 1, 3000) <= 0) break;
            char buf[16384];
            const ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) break;
            got.append(buf, static_cast<std::size_t>(r));
            const auto end = got.find("\r\n\r\n");
            const auto cl = got.find("Content-Length: ");
            if (end != std::string::npos && cl != std::string::npos && cl < end)
                want = end + 4 + std::strtoull(got.c_str() + cl + 16, nullptr, 10);
        }
        if (got.size() != want) break;
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    close(fd);
    return ms;
}

}  // namespace

// httplib writes the headers and the body separately; with Nagle's algorithm the body waited for
// the client's delayed ACK (40 ms and more on Linux) on every request of a kept-alive connection.
TEST(Serve, KeptAliveScrapesAreNotHeldBackByDelayedAcks) {
    LeakyServer leak(false, 3, "nagle-leak");
    ServeProcess serve({"--min-interval", "60"});  // one collection; the rest is HTTP only
    get(serve.port(), "/metrics");
    const std::vector<double> ms = keep_alive_scrapes_ms(serve.port(), 6);
    ASSERT_EQ(ms.size(), 6u) << "every response complete on the kept-alive connection";
    // Load only adds time: the fastest of the five after the first must beat the ACK timer.
    EXPECT_LT(*std::min_element(ms.begin() + 1, ms.end()), 20.0)
        << "kept-alive scrapes took " << ::testing::PrintToString(ms) << " ms";
}

namespace {

// 2 x n ESTABLISHED sockets and a listener, held in one child (past the owner-prefetch size).
std::string hold_pairs(int n) {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 3 * n);
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) return "no-fds";
    const int l = listen_tcp(false, 512);
    for (int i = 0; i < n; ++i)
        if (connect_tcp(false, local_port(l)) < 0 || accept_one(l) < 0) return "connect-failed";
    return std::to_string(local_port(l));
}

}  // namespace

// Collections once ran on whichever HTTP worker asked, and glibc's per-thread arenas kept each
// one's freed snapshot: the server grew by a snapshot per worker (11 to 62 MB at 20k sockets).
TEST(Serve, MemoryStaysAtOneCollectionAcrossManyScrapes) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for the file limit of 16k sockets";
#if defined(__SANITIZE_ADDRESS__)
    // scripts/test-sanitize: ASan's own allocator and quarantine keep freed memory by design.
    GTEST_SKIP() << "RSS is ASan's, not glibc's, under AddressSanitizer";
#endif
    constexpr int kPairs = 8000;
    Child holder([] { return hold_pairs(kPairs); }, "rss-holder");
    ASSERT_EQ(holder.ready_line().find_first_not_of("0123456789"), std::string::npos) << holder.ready_line();
    ServeProcess serve({"--min-interval", "0"});
    get(serve.port(), "/metrics");
    get(serve.port(), "/metrics");
    const long after_two = proc_status_kb(serve.pid(), "VmRSS");
    for (int i = 0; i < 14; ++i) get(serve.port(), "/metrics");
    const long after_sixteen = proc_status_kb(serve.pid(), "VmRSS");
    EXPECT_GE(sample_value(get(serve.port(), "/metrics"), "tcpstat_exporter_sockets_seen"), 2 * kPairs);
    EXPECT_LT(after_sixteen, after_two + 8 * 1024) << "kB after 2 scrapes: " << after_two << ", after 16: " << after_sixteen;
}

TEST(Serve, HostileClientsAreAnsweredOrDroppedAndServingGoesOn) {
    ServeProcess serve({"--min-interval", "0"});
    ASSERT_NE(serve.port(), 0);
    const auto p = serve.port();
    // A slow client that never finishes its request holds one worker until the read timeout.
    std::atomic<bool> slow_dropped{false};
    std::thread slow([&] {
        auto r = http_exchange(p, "GET /metrics HTTP/1.1\r\nHost: x\r\n", 9000);
        slow_dropped = true;  // the server closed (or answered) within the bound
        (void)r;
    });
    auto garbage = http_exchange(p, "\x01\x02 not http at all\r\n\r\n");
    EXPECT_TRUE(!garbage || garbage->status == 400) << garbage->head;
    auto brew = http_exchange(p, "BREW /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(brew);
    EXPECT_EQ(brew->status, 400);
    auto post = http_exchange(p, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(post);
    EXPECT_EQ(post->status, 405);
    EXPECT_NE(post->head.find("Allow: GET, HEAD"), std::string::npos) << post->head;
    auto unknown = http_exchange(p, "GET /nope HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404);
    auto huge = http_exchange(p, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') + "\r\n\r\n");
    EXPECT_TRUE(!huge || huge->status >= 400) << huge->head;
    auto long_uri = http_exchange(p, "GET /" + std::string(20000, 'a') + " HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(!long_uri || long_uri->status >= 400) << long_uri->head;

    // The next scrape is answered at once, the slow client still connected.
    const auto start = std::chrono::steady_clock::now();
    EXPECT_NE(get(p, "/metrics").find("tcpstat_sockets"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    slow.join();
    EXPECT_TRUE(slow_dropped.load());
    EXPECT_EQ(serve.stop(), 0);
}

TEST(Serve, BadFlagsAndTakenPortsFailWithOneLine) {
    auto one_line = [](const RunResult& r) { return std::count(r.err.begin(), r.err.end(), '\n') == 1; };
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"serve", "--listen", "localhost"}, {"serve", "--listen", "1.2.3:80"},
          {"serve", "--listen", "127.0.0.1:70000"}, {"serve", "--listen", "[127.0.0.1]:80"},
          {"serve", "--max-series", "10"}, {"serve", "--top", "-1"}, {"serve", "--min-interval", "soon"},
          {"serve", "--ports", "80,"}, {"serve", "-f", "json"}, {"serve", "--watch", "2"}}) {
        auto r = run_tcpstat(args, {}, 10);
        EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args[2] << ": " << r.err;
        EXPECT_TRUE(one_line(r)) << r.err;
    }
    // A port that is taken: one line naming the address, exit 2.
    int fd = listen_tcp(false);
    const std::string where = "127.0.0.1:" + std::to_string(local_port(fd));
    auto taken = run_tcpstat({"serve", "--listen", where}, {}, 10);
    close(fd);
    EXPECT_EQ(taken.exit_code, 2) << taken.err;
    EXPECT_TRUE(one_line(taken)) << taken.err;
    EXPECT_NE(taken.err.find("cannot listen on " + where + ": Address already in use"), std::string::npos) << taken.err;
}

namespace {

// A Prometheus server on loopback with its own TSDB in `dir`, scraping `target` every second.
class PrometheusServer {
public:
    PrometheusServer(const TempDir& dir, std::uint16_t target)
        : port_(free_loopback_port()), process_(command(dir, target, port_)) {}
    std::uint16_t port() const { return port_; }

private:
    static std::vector<std::string> command(const TempDir& dir, std::uint16_t target, std::uint16_t port) {
        const fs::path config = dir.path / "prometheus.yml";
        spit(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                     "  - job_name: tcpstat\n    static_configs:\n      - targets: ['127.0.0.1:" +
                         std::to_string(target) + "']\n");
        return {"prometheus", "--config.file=" + config.string(), "--storage.tsdb.path=" + (dir.path / "data").string(),
                "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=error"};
    }
    std::uint16_t port_;
    QuietProcess process_;
};

}  // namespace

TEST(Prometheus, ScrapesServeAndQueriesTheLeakPerProcess) {
    if (!have("prometheus")) GTEST_SKIP() << "prometheus (Debian package) is not installed; scripts/deps.sh installs it";
    TempDir dir;
    LeakyServer leak(false, 7, "prom-leak");
    ServeProcess serve({"--min-interval", "0.5"});
    ASSERT_NE(serve.port(), 0);
    PrometheusServer prom(dir, serve.port());

    // Bounded: Prometheus starts in a few seconds, then scrapes every second.
    const std::string query = "/api/v1/query?query=tcpstat_sockets%7Bstate%3D%22close_wait%22%2Cprocess%3D%22prom-leak%22%7D";
    std::string answer;
    const bool found = eventually(
        [&] {
            answer = http_get(prom.port(), query, 1000, "application/json").value_or("");
            return answer.find("\"result\":[{") != std::string::npos;
        },
        20000);
    ASSERT_TRUE(found) << "Prometheus never had the series; last answer: " << answer;
    EXPECT_NE(answer.find("\"port\":\"" + std::to_string(leak.port) + "\""), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"job\":\"tcpstat\""), std::string::npos) << answer;
    EXPECT_TRUE(std::regex_search(answer, std::regex(R"("value":\[[0-9.]+,"7"\])"))) << answer;
    auto up = http_get(prom.port(), "/api/v1/query?query=up%7Bjob%3D%22tcpstat%22%7D", 1000, "application/json");
    ASSERT_TRUE(up);
    EXPECT_TRUE(std::regex_search(*up, std::regex(R"("value":\[[0-9.]+,"1"\])"))) << *up;
}

TEST(Docs, ServeAlertRulesPassPromtool) {
    if (!have("promtool")) GTEST_SKIP() << "promtool is not installed; scripts/deps.sh installs it";
    const std::string doc = slurp(source_dir() + "/docs/health-checks.md");
    const auto begin = doc.find("<!-- serve-rules-begin -->\n"), end = doc.find("<!-- serve-rules-end -->");
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    std::string rules;
    for (const auto& l : lines_of(doc.substr(begin, end - begin)))
        if (l.rfind("    ", 0) == 0) rules += l.substr(4) + "\n";  // the block, unindented
    ASSERT_NE(rules.find("TcpstatCloseWaitLeak"), std::string::npos);
    TempDir dir;
    spit(dir.path / "rules.yml", rules);
    const std::string cmd = "promtool check rules '" + (dir.path / "rules.yml").string() + "' >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << rules;
}
