// Owns `tcpstat serve`'s HTTP side on cpp-httplib: the routes, the bounds against slow or hostile
// clients (timeouts, a fixed pool, a bounded queue, only GET/HEAD), and stopping on a signal.
// Built as the module tcpstat-http.so on Linux (so only `serve` maps cpp-httplib and the OpenSSL
// and brotli it needs), into tcpstat.exe on Windows; either way reached through serve_http_abi.h.
#include "app/serve_http_abi.h"

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <fmt/format.h>

#include "tcpstat/error.hpp"

namespace {

// No exception leaves the module (nor this, which allocates nothing): the app rethrows the kind
// with the same message.
void set_error(tcpstat_http_error* error, tcpstat_http_error_kind kind, const char* message, const char* prefix = "") {
    error->kind = kind;
    std::snprintf(error->message, sizeof error->message, "%s%s", prefix, message);
}

}  // namespace

#ifdef TCPSTAT_HAVE_HTTPLIB

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <httplib.h>

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#endif

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

#ifdef _WIN32
std::atomic<httplib::Server*> g_serving{nullptr};

// Runs on a thread of its own (Windows starts one per console event): Ctrl-C, Ctrl-Break, the
// console closing, logoff or shutdown stop the server the way SIGINT/SIGTERM do elsewhere.
BOOL WINAPI on_console_event(DWORD) {
    if (httplib::Server* s = g_serving.load()) s->stop();
    return TRUE;
}

// Stops `server` on a console event, for as long as it lives.
class StopOnSignal {
public:
    explicit StopOnSignal(httplib::Server& server) {
        g_serving = &server;
        SetConsoleCtrlHandler(on_console_event, TRUE);
    }
    ~StopOnSignal() {
        SetConsoleCtrlHandler(on_console_event, FALSE);
        g_serving = nullptr;
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;
};

int last_socket_error() { return WSAGetLastError(); }
#else
// Blocks SIGINT and SIGTERM in the calling thread (so in every thread started after it: the
// server's pool) and takes them on one thread of its own, which stops `server`.
class StopOnSignal {
public:
    explicit StopOnSignal(httplib::Server& server) {
        sigemptyset(&signals_);
        sigaddset(&signals_, SIGINT);
        sigaddset(&signals_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
        stopper_ = std::thread([this, &server] {
            int sig = 0;
            sigwait(&signals_, &sig);
            signalled_ = true;
            server.stop();
        });
    }
    // Stopped by something other than a signal (an accept error): wake the stopper so it can end.
    ~StopOnSignal() {
        if (!signalled_) pthread_kill(stopper_.native_handle(), SIGTERM);
        stopper_.join();
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

private:
    sigset_t signals_;
    std::atomic<bool> signalled_{false};
    std::thread stopper_;
};

int last_socket_error() { return errno; }
#endif

int put_page(void* response, const char* body, size_t body_len, const char* content_type) {
    try {
        static_cast<httplib::Response*>(response)->set_content(body, body_len, content_type);
        return 0;
    } catch (...) {
        return 1;
    }
}

void internal_error(httplib::Response& res) {
    res.status = 500;
    res.set_content("internal error\n", "text/plain; charset=utf-8");
}

int serve(const tcpstat_http_args& s) {
    httplib::Server server;
    StopOnSignal stop_on_signal(server);  // before the pool starts, so its threads inherit the mask
    server.new_task_queue = [] { return new BoundedPool(); };
    server.set_read_timeout(kTimeoutSeconds);
    server.set_write_timeout(kTimeoutSeconds);
    // cpp-httplib 0.11 keeps even a connection it answered 400 open until this runs out: short,
    // so garbage holds a worker briefly; scrapers reconnect at no cost.
    server.set_keep_alive_timeout(2);
    server.set_keep_alive_max_count(10);
    server.set_payload_max_length(4096);  // GET and HEAD carry no body worth reading
    // httplib sends the headers and the body in two writes; with Nagle on, the body waited for
    // the client's delayed ACK of the headers (40 ms and more) on a kept-alive connection.
    server.set_tcp_nodelay(true);
    server.set_default_headers({{"X-Content-Type-Options", "nosniff"}});

    server.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
        const std::string accept = req.get_header_value("Accept");
        if (s.metrics(s.app, accept.data(), accept.size(), &res, put_page) != 0) internal_error(res);
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
        internal_error(res);
    });

    const std::string where = fmt::format("{}:{}", url_host(s.host), s.port);
    errno = 0;
    int port = static_cast<int>(s.port);
    const bool bound = port == 0 ? (port = server.bind_to_any_port(s.host)) > 0 : server.bind_to_port(s.host, port);
    if (!bound) {
        const int err = last_socket_error();
        throw UsageError(fmt::format("cannot listen on {}: {}; choose another with --listen ADDR:PORT", where,
                                     err ? std::system_category().message(err) : "bind failed"));
    }
    std::fprintf(stderr, "tcpstat: serving http://%s:%d/metrics\n", url_host(s.host).c_str(), port);
    std::fflush(stderr);
    server.listen_after_bind();
    return 0;
}

}  // namespace
}  // namespace tcpstat::app

int tcpstat_http_serve_v1(const tcpstat_http_args* args, tcpstat_http_error* error) {
    set_error(error, TCPSTAT_HTTP_OK, "");
    try {
        return tcpstat::app::serve(*args);
    } catch (const tcpstat::UsageError& e) {
        set_error(error, TCPSTAT_HTTP_USAGE, e.what());
    } catch (const std::bad_alloc&) {
        set_error(error, TCPSTAT_HTTP_RUNTIME, "out of memory");
    } catch (const std::exception& e) {
        set_error(error, TCPSTAT_HTTP_RUNTIME, e.what(), "internal error: ");
    } catch (...) {
        set_error(error, TCPSTAT_HTTP_RUNTIME, "internal error in the HTTP server");
    }
    return 2;
}

#else

int tcpstat_http_serve_v1(const tcpstat_http_args*, tcpstat_http_error* error) {
    set_error(error, TCPSTAT_HTTP_RUNTIME,
              "serve is not available in this build: it was built without cpp-httplib (a Windows build needs "
              "-DTCPSTAT_HTTPLIB_INCLUDE, see scripts/httplib-source); use -g state,process -f prometheus --output FILE "
              "with a textfile collector instead");
    return 2;
}

#endif
