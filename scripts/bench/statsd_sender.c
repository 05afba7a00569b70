/*
 * StatsD load generator for scripts/bench/statsd.py: sends one metric per UDP
 * datagram at a steady rate, in sendmmsg batches, paced per millisecond, so
 * the sender costs little CPU next to the receiver it measures.
 *
 *   statsd_sender PORT RATE SECONDS SERIES WORKER [BATCH]
 *
 * Sends to 127.0.0.1:PORT for SECONDS at RATE datagrams/s. The payloads are
 * SERIES distinct lines `bench.w<WORKER>.m<i>:<v>|<c|g|ms>|#shard:<i%8>`,
 * sent round-robin. Stops after RATE * SECONDS datagrams and prints how many
 * the kernel accepted and the seconds that took (more than SECONDS when the
 * sender could not keep up).
 * Built by the bench script with `gcc -O2` at run time; not part of Petrel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s PORT RATE SECONDS SERIES WORKER [BATCH]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    double rate = atof(argv[2]);
    double seconds = atof(argv[3]);
    int series = atoi(argv[4]);
    int worker = atoi(argv[5]);
    int batch = argc > 6 ? atoi(argv[6]) : 64;
    if (port <= 0 || rate <= 0 || seconds <= 0 || series <= 0 || batch <= 0 || batch > MAX_BATCH) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }

    static const char *kinds[] = {"c", "g", "ms"};
    char *payload = malloc((size_t)series * 64);
    int *lengths = malloc(sizeof(int) * (size_t)series);
    if (!payload || !lengths) { perror("malloc"); return 1; }
    for (int i = 0; i < series; i++) {
        lengths[i] = snprintf(payload + (size_t)i * 64, 64, "bench.w%d.m%d:%d|%s|#shard:%d",
                              worker, i, i % 97, kinds[i % 3], i % 8);
    }

    struct mmsghdr messages[MAX_BATCH];
    struct iovec vectors[MAX_BATCH];
    memset(messages, 0, sizeof messages);
    for (int k = 0; k < MAX_BATCH; k++) {
        messages[k].msg_hdr.msg_iov = &vectors[k];
        messages[k].msg_hdr.msg_iovlen = 1;
    }

    long long sent = 0;
    int next = 0;
    double start = now_seconds();
    long long total = (long long)(rate * seconds);
    struct timespec pause = {0, 200000}; /* 0.2 ms */
    while (sent < total) {
        double now = now_seconds();
        long long due = (long long)((now - start) * rate);
        if (due > total) due = total;
        while (sent < due) {
            long long want = due - sent;
            int n = want < batch ? (int)want : batch;
            for (int k = 0; k < n; k++) {
                vectors[k].iov_base = payload + (size_t)next * 64;
                vectors[k].iov_len = (size_t)lengths[next];
                if (++next == series) next = 0;
            }
            int done = sendmmsg(fd, messages, (unsigned)n, 0);
            if (done < 0) {
                if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) continue;
                perror("sendmmsg");
                return 1;
            }
            /* Unsent messages of a short batch are re-sent as the next ones. */
            next = (int)(((long long)next - (n - done) % series + series) % series);
            sent += done;
        }
        nanosleep(&pause, NULL);
    }
    printf("%lld %.6f\n", sent, now_seconds() - start);
    return 0;
}
