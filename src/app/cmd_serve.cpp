// Owns `tcpstat serve`'s scheduling: one collection at a time (concurrent scrapes wait for it and
// share it), at most one per --min-interval, and the exporter's self-metrics.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/serve_http.hpp"
#include "tcpstat/error.hpp"
#include "tcpstat/exporter.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat::app {
namespace {

using Clock = std::chrono::steady_clock;

// The result of one collection, kept for the scrapes that come within --min-interval.
struct Collection {
    SocketMetrics metrics;
    double seconds = 0;
    std::size_t sockets = 0;
    std::size_t owners_hidden = 0;
    bool ok = false;
};

MetricFamily one(const char* name, const char* help, MetricType type, double v) {
    MetricFamily f{name, help, type, {}};
    f.samples.push_back(Sample{{}, v});
    return f;
}

class Collector {
public:
    explicit Collector(Options base)
        : base_(std::move(base)), backend_(make_system_backend(base_.request)) {}
    ~Collector() {
        {
            std::lock_guard lock(mu_);
            quit_ = true;
        }
        wake_.notify_one();
        if (thread_.joinable()) thread_.join();
    }
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    MetricsPage page(std::string_view accept) {
        std::shared_ptr<const Collection> c = current();
        // OpenMetrics only for a scraper that asks for it (Prometheus does, by default).
        const bool openmetrics = accept.find("application/openmetrics-text") != std::string_view::npos;
        std::string body;
        {
            Output out(&body);
            write_exposition(families(*c), openmetrics, out);
            out.flush();
        }
        return {std::move(body), openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                             : "text/plain; version=0.0.4; charset=utf-8"};
    }

private:
    // The latest collection, or a fresh one when the last is older than --min-interval. Scrapes
    // arriving while one runs wait for it instead of starting their own.
    std::shared_ptr<const Collection> current() {
        std::unique_lock lock(mu_);
        ++scrapes_;
        const auto interval = std::chrono::duration<double>(base_.serve.min_interval);
        if (last_ && Clock::now() - last_at_ < interval) return last_;
        const auto generation = generation_;
        // Started by the first scrape, from an HTTP worker, so that it inherits the worker's
        // signal mask: a stop signal must reach serve_http's handler, never this thread.
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        if (!running_) {
            running_ = true;
            wake_.notify_one();
        }
        done_.wait(lock, [&] { return generation_ != generation; });
        return last_;
    }

    // Every collection runs on this one thread, not on the HTTP worker that asked, so each
    // collection reuses the memory the last one freed (see M_ARENA_MAX in run_serve).
    void run() {
        std::unique_lock lock(mu_);
        while (true) {
            wake_.wait(lock, [&] { return running_ || quit_; });
            if (quit_) return;
            lock.unlock();
            auto fresh = std::make_shared<Collection>(collect());
            lock.lock();
            running_ = false;
            last_ = std::move(fresh);
            last_at_ = Clock::now();
            ++generation_;
            ++collections_;
            if (!last_->ok) ++errors_;
            done_.notify_all();
        }
    }

    Collection collect() {
        Collection c;
        const auto start = Clock::now();
        try {
            const Options& o = base_;
            const GatherPlan plan = plan_gathering(o, *backend_);
            Snapshot snap = gather(plan, *backend_);
            const CollectRequest& r = plan.request;
            const Filter& f = plan.filter;
            // The snapshot itself names the servers when it holds every listener.
            const bool has_servers = r.states.has(TcpState::Listen) && (!r.udp || r.states.has(TcpState::Close)) &&
                                     r.sports.empty() && r.dports.empty() && r.any_ports.empty() &&
                                     f.pids.empty() && f.process_names.empty() && f.uids.empty() &&
                                     f.src.empty() && f.dst.empty();
            ServerPorts servers;
            if (has_servers) {
                for (const Socket& s : snap.sockets)
                    if (s.protocol == Protocol::Udp ? s.state == TcpState::Close : s.state == TcpState::Listen)
                        servers.add(s.protocol, s.local.port);
            } else {
                servers = server_ports(*backend_, r);
            }
            c.metrics = socket_metrics(snap, servers, backend_->kernel_facts(), o.serve.limits);
            c.sockets = snap.sockets.size();
            c.owners_hidden = snap.owners_hidden;
            c.ok = true;
            for (const std::string& w : snap.warnings) warn_once(w);
        } catch (const std::exception& e) {
            warn_once(e.what());
        }
        c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return c;
    }

    // A warning that repeats every scrape would flood the journal: each distinct one once.
    void warn_once(const std::string& w) {
        std::lock_guard lock(warned_mu_);
        if (warned_.size() < 100 && warned_.insert(w).second) print_diagnostic(stderr, "tcpstat: warning: ", w);
    }

    std::vector<MetricFamily> families(const Collection& c) {
        std::vector<MetricFamily> f = c.metrics.families;
        std::lock_guard lock(mu_);
        f.push_back(one("tcpstat_exporter_collection_success", "Whether the last collection read the socket tables (1) or failed (0).",
                        MetricType::Gauge, c.ok ? 1 : 0));
        f.push_back(one("tcpstat_exporter_collection_duration_seconds", "How long the last collection took.",
                        MetricType::Gauge, c.seconds));
        f.push_back(one("tcpstat_exporter_collections", "Collections run; scrapes within --min-interval share one.",
                        MetricType::Counter, static_cast<double>(collections_)));
        f.push_back(one("tcpstat_exporter_scrapes", "Requests for /metrics.", MetricType::Counter, static_cast<double>(scrapes_)));
        f.push_back(one("tcpstat_exporter_errors", "Collections that failed.", MetricType::Counter, static_cast<double>(errors_)));
        f.push_back(one("tcpstat_exporter_sockets_seen", "Sockets in the last collection, after the filters.", MetricType::Gauge,
                        static_cast<double>(c.sockets)));
        f.push_back(one("tcpstat_exporter_owner_lookup_failures",
                        "Processes whose sockets could not be read in the last collection (run as root or grant CAP_SYS_PTRACE).",
                        MetricType::Gauge, static_cast<double>(c.owners_hidden)));
        MetricFamily folded{"tcpstat_exporter_folded_series",
                            "Series folded into \"other\" (or dropped) in the last collection, by the guard that folded them.",
                            MetricType::Gauge, {}};
        folded.samples.push_back(Sample{{{"reason", "ports"}}, static_cast<double>(c.metrics.folded.ports)});
        folded.samples.push_back(Sample{{{"reason", "top"}}, static_cast<double>(c.metrics.folded.top)});
        folded.samples.push_back(Sample{{{"reason", "max_series"}}, static_cast<double>(c.metrics.folded.cap)});
        f.push_back(std::move(folded));
        return f;
    }

    Options base_;
    std::unique_ptr<Backend> backend_;  // used by one collection at a time
    std::mutex mu_;
    std::condition_variable done_, wake_;
    std::shared_ptr<const Collection> last_;
    Clock::time_point last_at_{};
    bool running_ = false, quit_ = false;
    std::uint64_t generation_ = 0, collections_ = 0, scrapes_ = 0, errors_ = 0;
    std::mutex warned_mu_;
    std::set<std::string> warned_;
    std::thread thread_;  // the collections' own thread (run())
};

}  // namespace

int run_serve(Options& options) {
#ifdef __GLIBC__
    // glibc gives threads their own heap arenas (up to 8 per core) and keeps what was freed in
    // each; the owner walk's threads and the HTTP workers then held several snapshots' worth
    // of memory between scrapes (58 MB against one listing's 22 MB peak at 20k sockets). Two
    // arenas keep the server at one listing's size and cost no measurable CPU.
    mallopt(M_ARENA_MAX, 2);
#endif
    Collector collector(options);
    return serve_http(options.serve, [&](std::string_view accept) { return collector.page(accept); });
}

}  // namespace tcpstat::app
