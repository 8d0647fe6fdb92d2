// bench/connload.c: loopback connection churn at a fixed rate (connect, accept, client closes first), for bench/trace-overhead.
//
//   connload RATE SECONDS      prints "<connections> <seconds> <user_s> <sys_s>" when done
//
// Each connection goes CLOSE -> SYN_SENT -> ESTABLISHED -> FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT on the
// client and LISTEN -> SYN_RECV -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSE on the server.
// Clients bind to 127.1.x.y in turn (IP_BIND_ADDRESS_NO_PORT), so TIME_WAIT never exhausts the
// ephemeral ports of one address. Paced per millisecond; a slow machine shows as a lower rate.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: connload RATE SECONDS\n");
        return 2;
    }
    const double rate = atof(argv[1]), seconds = atof(argv[2]);
    if (rate <= 0 || seconds <= 0 || seconds > 600) {
        fprintf(stderr, "connload: RATE > 0 and 0 < SECONDS <= 600\n");
        return 2;
    }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(l, (struct sockaddr*)&sa, sizeof sa) != 0 || listen(l, 4096) != 0) {
        perror("connload: listen");
        return 1;
    }
    socklen_t len = sizeof sa;
    getsockname(l, (struct sockaddr*)&sa, &len);
    const double start = now_s();
    long done = 0;
    unsigned src = 0;
    for (;;) {
        const double t = now_s() - start;
        if (t >= seconds) break;
        const long due = (long)(t * rate);
        if (done >= due) {
            usleep(500);
            continue;
        }
        while (done < due) {
            int c = socket(AF_INET, SOCK_STREAM, 0);
            setsockopt(c, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
            struct sockaddr_in me = {.sin_family = AF_INET};
            me.sin_addr.s_addr = htonl(0x7f010000u | (1 + (src++ % 250)) << 8 | 1);
            bind(c, (struct sockaddr*)&me, sizeof me);
            if (connect(c, (struct sockaddr*)&sa, sizeof sa) != 0) {
                perror("connload: connect");
                return 1;
            }
            int s = accept(l, NULL, NULL);
            close(c);
            close(s);
            ++done;
        }
    }
    const double took = now_s() - start;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%ld %.3f %.3f %.3f\n", done, took, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
    return 0;
}
