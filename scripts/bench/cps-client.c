/*
 * The short-connection benchmark's client: CONCURRENCY threads, each connecting, sending 4 bytes, reading the
 * 4-byte reply and closing, one connection after another, for SECONDS, or until CONNECTIONS have been made in
 * all when that is given (0: no count), or until SIGTERM (each thread finishes the connection it is on). It
 * closes with SO_LINGER 0 (a reset), so no TIME_WAIT piles up anywhere at tens of thousands of connections a second
 * and the client's ports stay free. A connection that makes no progress for TIMEOUT seconds (default 10) in its
 * connect, write or read counts as hung, apart from the other failures.
 * Every failed or hung connection is described on stderr (the first 1,000 of them: time, local port, the step
 * that failed, errno, reply bytes seen), and at the end one "cps-client: failures: COUNT STEP ERRNO" line per kind;
 * with a count, every 100,000th connection started is noted there too.
 * Prints on stdout: connections completed, failures, seconds measured, hung connections.
 * Usage: cps-client ADDRESS PORT CONCURRENCY SECONDS [CONNECTIONS [TIMEOUT]]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DESCRIBED 1000
#define KINDS 64
#define NO_ERRNO 0

static struct sockaddr_in address;
static double start;
static double deadline;
static atomic_long completed;
static atomic_long failed;
static atomic_long hung;
static atomic_long started;
static long connections;
static struct timeval timeout = {.tv_sec = 10};
static atomic_long described;
static volatile sig_atomic_t stopping;

/* Failures counted by step and errno (0: the peer ended the stream early, or the reply was wrong). */
static struct kind {
    const char *step;
    int err;
    long count;
} kinds[KINDS];
static pthread_mutex_t kinds_lock = PTHREAD_MUTEX_INITIALIZER;

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

static const char *errno_name(int err) {
    if (err == NO_ERRNO) {
        return "-";
    }
    const char *name = strerrorname_np(err);
    return name != NULL ? name : "E?";
}

static void count_kind(const char *step, int err) {
    pthread_mutex_lock(&kinds_lock);
    for (int i = 0; i < KINDS; i++) {
        if (kinds[i].step == NULL) {
            kinds[i] = (struct kind) {.step = step, .err = err};
        }
        if (strcmp(kinds[i].step, step) == 0 && kinds[i].err == err) {
            kinds[i].count++;
            break;
        }
    }
    pthread_mutex_unlock(&kinds_lock);
}

static int local_port(int fd) {
    struct sockaddr_in local;
    socklen_t length = sizeof local;
    return getsockname(fd, (struct sockaddr *) &local, &length) == 0 ? ntohs(local.sin_port) : 0;
}

/* Counts and describes a failure; step "hung-STEP" when the step made no progress within the timeout. */
static enum outcome failure(const char *step, const char *hung_step, int fd, int err, size_t got) {
    int hang = err != NO_ERRNO && timed_out(err);
    const char *counted = hang ? hung_step : step;
    count_kind(counted, err);
    if (atomic_fetch_add(&described, 1) < DESCRIBED) {
        fprintf(stderr, "cps-client: %s at %.3f s, local port %d: %s %s (%s), %zu of 4 reply bytes\n",
                hang ? "hang" : "failure", now() - start, fd >= 0 ? local_port(fd) : 0, counted, errno_name(err),
                err != NO_ERRNO ? strerror(err) : "stream ended early or wrong reply", got);
    }
    return hang ? HUNG : FAILED;
}

static enum outcome one_connection(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return failure("socket", "socket", -1, errno, 0);
    }
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    char reply[4];
    size_t got = 0;
    enum outcome outcome = DONE;
    if (connect(fd, (struct sockaddr *) &address, sizeof address) != 0) {
        outcome = failure("connect", "hung-connect", fd, errno, 0);
    } else if (write(fd, "ping", 4) != 4) {
        outcome = failure("write", "hung-write", fd, errno, 0);
    } else {
        ssize_t n = 0;
        while (got < sizeof reply && (n = read(fd, reply + got, sizeof reply - got)) > 0) {
            got += n;
        }
        if (got < sizeof reply) {
            outcome = failure("read", "hung-read", fd, n < 0 ? errno : NO_ERRNO, got);
        } else if (memcmp(reply, "ping", sizeof reply) != 0) {
            outcome = failure("reply", "reply", fd, NO_ERRNO, got);
        }
    }
    if (close(fd) != 0 && outcome == DONE) {
        outcome = failure("close", "close", -1, errno, got);
    }
    return outcome;
}

static void stop(int signal) {
    (void) signal;
    stopping = 1;
}

static void *run(void *unused) {
    (void) unused;
    while (!stopping && now() < deadline) {
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
    /* SA_RESTART: a connection under way when SIGTERM arrives is not failed by an interrupted call */
    struct sigaction on_term = {.sa_handler = stop, .sa_flags = SA_RESTART};
    sigemptyset(&on_term.sa_mask);
    sigaction(SIGTERM, &on_term, NULL);
    start = now();
    deadline = start + atof(argv[4]);
    pthread_t threads[concurrency];
    for (int i = 0; i < concurrency; i++) {
        pthread_create(&threads[i], NULL, run, NULL);
    }
    for (int i = 0; i < concurrency; i++) {
        pthread_join(threads[i], NULL);
    }
    if (atomic_load(&described) > DESCRIBED) {
        fprintf(stderr, "cps-client: %ld more failures not described\n", atomic_load(&described) - DESCRIBED);
    }
    for (int i = 0; i < KINDS && kinds[i].step != NULL; i++) {
        fprintf(stderr, "cps-client: failures: %ld %s %s\n", kinds[i].count, kinds[i].step, errno_name(kinds[i].err));
    }
    printf("%ld %ld %.3f %ld\n", atomic_load(&completed), atomic_load(&failed), now() - start, atomic_load(&hung));
    return 0;
}
