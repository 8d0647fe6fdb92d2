// Owns `tcpstat serve`'s HTTP side on cpp-httplib: the routes, the bounds against slow or hostile
// clients (timeouts, a fixed pool, a bounded queue, only GET/HEAD), and stopping on a signal.
#include "app/serve_http.hpp"

#include <fmt/format.h>

#include "tcpstat/error.hpp"

#ifdef TCPSTAT_HAVE_HTTPLIB

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

#include "tcpstat/render.hpp"

namespace tcpstat::app {
namespace {

constexpr std::size_t kWorkers = 8;       // requests served at once
constexpr std::size_t kQueued = 64;       // accepted connections waiting for a worker
constexpr time_t kTimeoutSeconds = 5;     // per read and per write, and between keep-alive requests

constexpr const char* kLanding = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tcpstat exporter</title></head>
<body><h1>tcpstat exporter</h1>
<p>Socket states per process and port, for Prometheus.</p>
<ul><li><a href="/metrics">/metrics</a>: the exposition (OpenMetrics when asked for)</li>
<li><a href="/healthz">/healthz</a>: liveness</li></ul>
<p>See <code>man tcpstat</code>, section serve.</p></body></html>
)";

// A fixed pool whose queue blocks the accept loop when full: past kWorkers + kQueued
// connections new ones wait in the kernel's listen backlog instead of costing threads or memory.
class BoundedPool : public httplib::TaskQueue {
public:
    BoundedPool() {
        for (std::size_t i = 0; i < kWorkers; ++i) threads_.emplace_back([this] { work(); });
    }
    void enqueue(std::function<void()> fn) override {
        std::unique_lock lock(mu_);
        room_.wait(lock, [&] { return jobs_.size() < kQueued || stopping_; });
        jobs_.push_back(std::move(fn));
        ready_.notify_one();
    }
    void shutdown() override {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        ready_.notify_all();
        room_.notify_all();
        for (auto& t : threads_) t.join();
    }

private:
    void work() {
        while (true) {
            std::function<void()> job;
            {
                std::unique_lock lock(mu_);
                ready_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
                if (jobs_.empty()) return;  // stopping, and every accepted connection answered
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            room_.notify_one();
            job();
        }
    }
    std::mutex mu_;
    std::condition_variable ready_, room_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    bool stopping_ = false;
};

std::string url_host(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

void refuse_method(const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("only GET and HEAD\n", "text/plain; charset=utf-8");
}

}  // namespace

int serve_http(const ServeOptions& s, const MetricsSource& metrics) {
    // Every thread started from here on inherits the mask; one thread takes the signals.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    httplib::Server server;
    server.new_task_queue = [] { return new BoundedPool(); };
    server.set_read_timeout(kTimeoutSeconds);
    server.set_write_timeout(kTimeoutSeconds);
    // cpp-httplib 0.11 keeps even a connection it answered 400 open until this runs out: short,
    // so garbage holds a worker briefly; scrapers reconnect at no cost.
    server.set_keep_alive_timeout(2);
    server.set_keep_alive_max_count(10);
    server.set_payload_max_length(4096);  // GET and HEAD carry no body worth reading
    server.set_default_headers({{"X-Content-Type-Options", "nosniff"}});

    server.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
        MetricsPage page = metrics(req.get_header_value("Accept"));
        res.set_content(std::move(page.body), page.content_type.c_str());
    });
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok\n", "text/plain; charset=utf-8");
    });
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kLanding, "text/html; charset=utf-8");
    });
    server.Post(".*", refuse_method);
    server.Put(".*", refuse_method);
    server.Patch(".*", refuse_method);
    server.Delete(".*", refuse_method);
    server.Options(".*", refuse_method);
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        // After a malformed request nothing that follows on the connection can be trusted.
        if (res.status == 400 || res.status == 414 || res.status == 413) res.set_header("Connection", "close");
        if (res.body.empty()) res.set_content(fmt::format("HTTP {}\n", res.status), "text/plain; charset=utf-8");
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("internal error\n", "text/plain; charset=utf-8");
    });

    const std::string where = fmt::format("{}:{}", url_host(s.host), s.port);
    errno = 0;
    int port = s.port;
    const bool bound = s.port == 0 ? (port = server.bind_to_any_port(s.host)) > 0 : server.bind_to_port(s.host, s.port);
    if (!bound) {
        const int err = errno;
        throw UsageError(fmt::format("cannot listen on {}: {}; choose another with --listen ADDR:PORT", where,
                                     err ? std::strerror(err) : "bind failed"));
    }
    std::fprintf(stderr, "tcpstat: serving http://%s:%d/metrics\n", url_host(s.host).c_str(), port);
    std::fflush(stderr);

    std::atomic<bool> signalled{false};
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        signalled = true;
        server.stop();
    });
    server.listen_after_bind();
    // Stopped by something other than a signal (an accept error): wake the stopper so it can end.
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    return 0;
}

}  // namespace tcpstat::app

#else

namespace tcpstat::app {

int serve_http(const ServeOptions&, const MetricsSource&) {
    throw RuntimeError(
        "serve is not available in this build: it was built without cpp-httplib (the Windows build has no HTTP "
        "library); use -g state,process -f prometheus --output FILE with a textfile collector instead");
}

}  // namespace tcpstat::app

#endif
