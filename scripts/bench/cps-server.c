/*
 * The short-connection benchmark's server: answers each connection's 4-byte request with 4 bytes and closes
 * it when the client does. Several threads, each with its own epoll set, so that the server is not what limits
 * the rate. Two ways of sharing the port, to check once that the routed baseline does not depend on the server:
 *   reuseport  one listening socket per thread (SO_REUSEPORT: the kernel spreads connections over them);
 *   shared     one listening socket in every thread's epoll set (EPOLLEXCLUSIVE: one thread woken per event).
 * Usage: cps-server ADDRESS PORT THREADS reuseport|shared    (runs until killed)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define EVENTS 256

static struct sockaddr_in address;
static int shared_listener = -1;

static int listen_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
            || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0
            || bind(fd, (struct sockaddr *) &address, sizeof address) < 0 || listen(fd, 4096) < 0) {
        perror("cps-server: listen");
        exit(1);
    }
    return fd;
}

static void *serve(void *unused) {
    (void) unused;
    int listener = shared_listener >= 0 ? shared_listener : listen_socket();
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | (shared_listener >= 0 ? EPOLLEXCLUSIVE : 0), .data.fd = listener};
    if (epoll < 0 || epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event) < 0) {
        perror("cps-server: epoll");
        exit(1);
    }
    struct epoll_event events[EVENTS];
    char buffer[64];
    for (;;) {
        int ready = epoll_wait(epoll, events, EVENTS, -1);
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int accepted;
                while ((accepted = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct epoll_event readable = {.events = EPOLLIN, .data.fd = accepted};
                    epoll_ctl(epoll, EPOLL_CTL_ADD, accepted, &readable);
                }
                continue;
            }
            /* A request is 4 bytes and arrives in one segment; 0 or an error is the client's close or reset. */
            ssize_t got = read(fd, buffer, sizeof buffer);
            if (got > 0) {
                if (write(fd, buffer, got) == got) {
                    continue;
                }
            } else if (got < 0 && errno == EAGAIN) {
                continue;
            }
            close(fd); /* a closed descriptor leaves the epoll set by itself */
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[4], "reuseport") != 0 && strcmp(argv[4], "shared") != 0)) {
        fprintf(stderr, "usage: cps-server ADDRESS PORT THREADS reuseport|shared\n");
        return 2;
    }
    address.sin_family = AF_INET;
    address.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
        fprintf(stderr, "cps-server: not an IPv4 address: %s\n", argv[1]);
        return 2;
    }
    int threads = atoi(argv[3]);
    if (strcmp(argv[4], "shared") == 0) {
        shared_listener = listen_socket();
    }
    pthread_t thread;
    for (int i = 1; i < threads; i++) {
        pthread_create(&thread, NULL, serve, NULL);
    }
    printf("cps-server listening on %s:%s (%d threads, %s)\n", argv[1], argv[2], threads, argv[4]);
    fflush(stdout);
    serve(NULL);
    return 0;
}
