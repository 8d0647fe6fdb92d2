/* Owns the C boundary between the app and `tcpstat serve`'s HTTP server (tcpstat-http.so on Linux,
   linked in on Windows): one entry point, plain structs, no exception and no C++ type crossing it. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(_WIN32)
#define TCPSTAT_HTTP_EXPORT __attribute__((visibility("default")))
#else
#define TCPSTAT_HTTP_EXPORT
#endif

/* Hands one /metrics response to the server, which copies it before returning: 0, or non-zero
   when it could not (out of memory). Never throws. */
typedef int (*tcpstat_http_put_page)(void* response, const char* body, size_t body_len, const char* content_type);

/* The app's page for a request with this Accept header: calls `put` once and returns what it
   returned, or returns non-zero without a page (the server then answers 500). Never throws. */
typedef int (*tcpstat_http_metrics)(void* app, const char* accept, size_t accept_len, void* response,
                                    tcpstat_http_put_page put);

struct tcpstat_http_args {
    const char* host; /* address to bind, as --listen gave it */
    unsigned port;    /* 0: any free port */
    void* app;        /* passed back to `metrics` */
    tcpstat_http_metrics metrics;
};

enum tcpstat_http_error_kind {
    TCPSTAT_HTTP_OK = 0,
    TCPSTAT_HTTP_USAGE = 1,  /* the app throws UsageError (e.g. the address cannot be bound) */
    TCPSTAT_HTTP_RUNTIME = 2 /* the app throws RuntimeError */
};

struct tcpstat_http_error {
    int kind; /* a tcpstat_http_error_kind */
    char message[1024];
};

/* Serves until SIGINT/SIGTERM (Windows: a console event). Returns the exit code; on failure
   `error` says why. The name carries the version of this interface: a module from another
   version has no such symbol. */
#define TCPSTAT_HTTP_ENTRY "tcpstat_http_serve_v1"
typedef int (*tcpstat_http_serve_fn)(const struct tcpstat_http_args* args, struct tcpstat_http_error* error);
TCPSTAT_HTTP_EXPORT int tcpstat_http_serve_v1(const struct tcpstat_http_args* args, struct tcpstat_http_error* error);

#ifdef __cplusplus
}
#endif
