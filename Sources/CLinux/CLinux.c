#define _GNU_SOURCE
#include "CLinux.h"
#include <spawn.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <malloc.h>

int clinux_spawn_file_actions_closefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

void clinux_set_thread_name(const char *name) {
    char truncated[16];
    snprintf(truncated, sizeof(truncated), "%s", name);
    (void)pthread_setname_np(pthread_self(), truncated);
}

int clinux_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

static int clinux_unpack_events(clinux_epoll_event *events, const struct epoll_event *raw, int count) {
    for (int index = 0; index < count; index++) {
        events[index].events = raw[index].events;
        events[index].token = raw[index].data.u64;
    }
    return count;
}

/// Set once `epoll_pwait2` answered ENOSYS (kernels before 5.11): later waits go straight to `epoll_wait`.
static _Atomic int clinux_epoll_pwait2_missing = 0;

int clinux_epoll_wait_nanoseconds(int epfd, clinux_epoll_event *events, int max, int64_t timeout_ns) {
    struct epoll_event raw[1024];
    if (max < 1) max = 1;
    if (max > 1024) max = 1024;
#ifdef SYS_epoll_pwait2
    if (!atomic_load_explicit(&clinux_epoll_pwait2_missing, memory_order_relaxed)) {
        struct timespec timeout;
        struct timespec *timeout_pointer = NULL;
        if (timeout_ns >= 0) {
            timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
            timeout.tv_nsec = (long)(timeout_ns % 1000000000);
            timeout_pointer = &timeout;
        }
        long count = syscall(SYS_epoll_pwait2, epfd, raw, max, timeout_pointer, NULL, (size_t)0);
        if (count >= 0 || errno != ENOSYS) return clinux_unpack_events(events, raw, (int)count);
        atomic_store_explicit(&clinux_epoll_pwait2_missing, 1, memory_order_relaxed);
    }
#endif
    int timeout_ms = -1;
    if (timeout_ns >= 0) {
        // Round up so the loop does not wake just before the deadline and spin.
        int64_t milliseconds = (timeout_ns + 999999) / 1000000;
        timeout_ms = milliseconds > 86400000 ? 86400000 : (int)milliseconds;
    }
    return clinux_unpack_events(events, raw, epoll_wait(epfd, raw, max, timeout_ms));
}

int clinux_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int clinux_eventfd_signal(int fd) {
    uint64_t one = 1;
    for (;;) {
        ssize_t written = write(fd, &one, sizeof(one));
        if (written == (ssize_t)sizeof(one)) return 0;
        if (written < 0 && errno == EINTR) continue;
        if (written < 0 && errno == EAGAIN) return 0;
        return -1;
    }
}

int clinux_eventfd_drain(int fd) {
    uint64_t value = 0;
    for (;;) {
        ssize_t got = read(fd, &value, sizeof(value));
        if (got == (ssize_t)sizeof(value)) return 0;
        if (got < 0 && errno == EINTR) continue;
        return -1;
    }
}

int clinux_tcp_socket(int family) { return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }

int clinux_accept(int fd, struct sockaddr_storage *address) {
    socklen_t length = sizeof(*address);
    memset(address, 0, sizeof(*address));
    return accept4(fd, (struct sockaddr *)address, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

ssize_t clinux_send(int fd, const void *bytes, size_t count) { return send(fd, bytes, count, MSG_NOSIGNAL); }

ssize_t clinux_recv(int fd, void *bytes, size_t count) { return recv(fd, bytes, count, 0); }

int clinux_connect(int fd, const struct sockaddr_storage *address, socklen_t length) {
    return connect(fd, (const struct sockaddr *)address, length);
}

int clinux_bind(int fd, const struct sockaddr_storage *address, socklen_t length) {
    return bind(fd, (const struct sockaddr *)address, length);
}

int clinux_shutdown_write(int fd) { return shutdown(fd, SHUT_WR); }

int clinux_set_reuse_address(int fd) {
    int one = 1;
    return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

int clinux_set_no_delay(int fd, int enabled) {
    int value = enabled ? 1 : 0;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof(value));
}

int clinux_socket_error(int fd) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

int clinux_local_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    memset(&address, 0, sizeof(address));
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    errno = EAFNOSUPPORT;
    return -1;
}

int clinux_adopt_listener(int fd, char *host, size_t capacity, int *port) {
    int value = 0;
    socklen_t size = sizeof(value);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &size) != 0) return -1;
    if (value != SOCK_STREAM) return CLINUX_ADOPT_NOT_STREAM;
    size = sizeof(value);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &size) != 0) return -1;
    if (value == 0) return CLINUX_ADOPT_NOT_LISTENING;
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    memset(&address, 0, sizeof(address));
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
    if (address.ss_family != AF_INET && address.ss_family != AF_INET6) return CLINUX_ADOPT_NOT_INET;
    if (clinux_format_host(&address, host, capacity, port) != 0) return -1;
    int status = fcntl(fd, F_GETFL);
    if (status < 0 || fcntl(fd, F_SETFL, status | O_NONBLOCK) != 0) return -1;
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != 0) return -1;
    return 0;
}

int clinux_resolve(const char *host, int port, int passive, struct sockaddr_storage *address, socklen_t *length) {
    memset(address, 0, sizeof(*address));
    struct sockaddr_in *v4 = (struct sockaddr_in *)address;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *length = sizeof(*v4);
        return 0;
    }
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *length = sizeof(*v6);
        return 0;
    }
    char service[16];
    snprintf(service, sizeof(service), "%d", port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    struct addrinfo *results = NULL;
    int status = getaddrinfo(host, service, &hints, &results);
    if (status != 0) return status;
    // Prefer IPv4 (loopback servers in tests and the kit bind 127.0.0.1).
    struct addrinfo *chosen = NULL;
    for (struct addrinfo *entry = results; entry != NULL; entry = entry->ai_next) {
        if (entry->ai_family == AF_INET) { chosen = entry; break; }
        if (chosen == NULL && entry->ai_family == AF_INET6) chosen = entry;
    }
    if (chosen == NULL || chosen->ai_addrlen > sizeof(*address)) {
        freeaddrinfo(results);
        return EAI_FAMILY;
    }
    memcpy(address, chosen->ai_addr, chosen->ai_addrlen);
    *length = chosen->ai_addrlen;
    freeaddrinfo(results);
    return 0;
}

const char *clinux_resolve_error_message(int code) { return gai_strerror(code); }

int clinux_format_host(const struct sockaddr_storage *address, char *buffer, size_t capacity, int *port) {
    const void *raw;
    if (address->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        raw = &v4->sin_addr;
        *port = ntohs(v4->sin_port);
    } else if (address->ss_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        raw = &v6->sin6_addr;
        *port = ntohs(v6->sin6_port);
    } else {
        return -1;
    }
    return inet_ntop(address->ss_family, raw, buffer, (socklen_t)capacity) == NULL ? -1 : 0;
}

int clinux_format_address(const struct sockaddr_storage *address, char *buffer, size_t capacity) {
    char text[INET6_ADDRSTRLEN];
    int port = 0;
    if (clinux_format_host(address, text, sizeof(text), &port) != 0) return -1;
    const char *format = address->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u";
    int written = snprintf(buffer, capacity, format, text, (unsigned)port);
    return (written < 0 || (size_t)written >= capacity) ? -1 : 0;
}

int clinux_malloc_trim(void) { return malloc_trim(0); }
