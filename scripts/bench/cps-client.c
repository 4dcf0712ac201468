/*
 * The short-connection benchmark's client: CONCURRENCY threads, each connecting, sending 4 bytes, reading the
 * 4-byte reply and closing, one connection after another, for SECONDS, or until CONNECTIONS have been made in
 * all when that is given (0: no count). It closes with SO_LINGER 0 (a reset), so no TIME_WAIT piles up anywhere at
 * tens of thousands of connections a second and the client's ports stay free. A connection that makes no progress
 * for TIMEOUT seconds (default 10) in its connect, write or read counts as hung, apart from the other failures; the
 * first failure of each kind is described on stderr, and with a count every 100,000th connection too.
 * Prints: connections completed, failures, seconds measured, hung connections.
 * Usage: cps-client ADDRESS PORT CONCURRENCY SECONDS [CONNECTIONS [TIMEOUT]]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in address;
static double deadline;
static atomic_long completed;
static atomic_long failed;
static atomic_long hung;
static atomic_long started;
static long connections;
static struct timeval timeout = {.tv_sec = 10};
static atomic_int described_failure;
static atomic_int described_hang;

enum outcome { DONE, FAILED, HUNG };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* A blocking call that returned without progress: past the socket's timeout (SO_SNDTIMEO also bounds connect). */
static int timed_out(int err) {
    return err == EAGAIN || err == EWOULDBLOCK || err == EINPROGRESS;
}

static enum outcome failure(const char *stage, int err, size_t got) {
    int hang = err != 0 && timed_out(err);
    atomic_int *described = hang ? &described_hang : &described_failure;
    if (atomic_exchange(described, 1) == 0) {
        fprintf(stderr, "cps-client: first %s: %s %s (%zu of 4 reply bytes)\n", hang ? "hang" : "failure", stage,
                err != 0 ? strerror(err) : "ended early", got);
    }
    return hang ? HUNG : FAILED;
}

static enum outcome one_connection(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return failure("socket", errno, 0);
    }
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    char reply[4];
    size_t got = 0;
    enum outcome outcome = DONE;
    if (connect(fd, (struct sockaddr *) &address, sizeof address) != 0) {
        outcome = failure("connect", errno, 0);
    } else if (write(fd, "ping", 4) != 4) {
        outcome = failure("write", errno, 0);
    } else {
        ssize_t n = 0;
        while (got < sizeof reply && (n = read(fd, reply + got, sizeof reply - got)) > 0) {
            got += n;
        }
        if (got < sizeof reply) {
            outcome = failure("read", n < 0 ? errno : 0, got);
        }
    }
    close(fd);
    return outcome;
}

static void *run(void *unused) {
    (void) unused;
    while (now() < deadline) {
        if (connections > 0) {
            long mine = atomic_fetch_add(&started, 1) + 1;
            if (mine > connections) {
                break;
            }
            if (mine % 100000 == 0) {
                fprintf(stderr, "cps-client: %ld connections started\n", mine);
            }
        }
        switch (one_connection()) {
            case DONE: atomic_fetch_add(&completed, 1); break;
            case FAILED: atomic_fetch_add(&failed, 1); break;
            case HUNG: atomic_fetch_add(&hung, 1); break;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc > 7) {
        fprintf(stderr, "usage: cps-client ADDRESS PORT CONCURRENCY SECONDS [CONNECTIONS [TIMEOUT]]\n");
        return 2;
    }
    connections = argc > 5 ? atol(argv[5]) : 0;
    if (argc > 6) {
        double seconds = atof(argv[6]);
        timeout.tv_sec = (time_t) seconds;
        timeout.tv_usec = (suseconds_t) ((seconds - (double) timeout.tv_sec) * 1e6);
    }
    address.sin_family = AF_INET;
    address.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
        fprintf(stderr, "cps-client: not an IPv4 address: %s\n", argv[1]);
        return 2;
    }
    int concurrency = atoi(argv[3]);
    double start = now();
    deadline = start + atof(argv[4]);
    pthread_t threads[concurrency];
    for (int i = 0; i < concurrency; i++) {
        pthread_create(&threads[i], NULL, run, NULL);
    }
    for (int i = 0; i < concurrency; i++) {
        pthread_join(threads[i], NULL);
    }
    printf("%ld %ld %.3f %ld\n", atomic_load(&completed), atomic_load(&failed), now() - start, atomic_load(&hung));
    return 0;
}
