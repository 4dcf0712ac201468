/*
 * The short-connection benchmark's client: CONCURRENCY threads, each connecting, sending 4 bytes, reading the
 * 4-byte reply and closing, one connection after another, for SECONDS. It closes with SO_LINGER 0 (a reset), so
 * no TIME_WAIT piles up anywhere at tens of thousands of connections a second and the client's ports stay free.
 * Prints: connections completed, failures, seconds measured.
 * Usage: cps-client ADDRESS PORT CONCURRENCY SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in address;
static double deadline;
static atomic_long completed;
static atomic_long failed;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int one_connection(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return 0;
    }
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    char reply[4];
    size_t got = 0;
    if (connect(fd, (struct sockaddr *) &address, sizeof address) == 0 && write(fd, "ping", 4) == 4) {
        ssize_t n;
        while (got < sizeof reply && (n = read(fd, reply + got, sizeof reply - got)) > 0) {
            got += n;
        }
    }
    close(fd);
    return got == sizeof reply;
}

static void *run(void *unused) {
    (void) unused;
    while (now() < deadline) {
        if (one_connection()) {
            atomic_fetch_add(&completed, 1);
        } else {
            atomic_fetch_add(&failed, 1);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: cps-client ADDRESS PORT CONCURRENCY SECONDS\n");
        return 2;
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
    printf("%ld %ld %.3f\n", atomic_load(&completed), atomic_load(&failed), now() - start);
    return 0;
}
