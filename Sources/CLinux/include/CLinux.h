#ifndef CLINUX_H
#define CLINUX_H
// Linux system calls that Glibc's Swift overlay does not export (epoll, eventfd, accept4), plus thin
// wrappers for calls whose constants or structures import awkwardly into Swift (socket flags, packed
// `struct epoll_event`, `sockaddr_storage` formatting, `errno`).
#include <stdint.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>

// MARK: errno

/// The calling thread's `errno`.
static inline int clinux_errno(void) { return errno; }

// MARK: processes

#include <spawn.h>

/// Adds "close every descriptor from `lowest` up" to a spawn's file actions
/// (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34, not exported to Swift). 0 or an errno.
int clinux_spawn_file_actions_closefrom(posix_spawn_file_actions_t *actions, int lowest);

// MARK: threads

/// Names the calling thread (`pthread_setname_np`, a GNU extension); `name` is cut to 15 bytes.
void clinux_set_thread_name(const char *name);

// MARK: epoll

/// epoll interest and readiness bits (the glibc enum imports awkwardly).
static const uint32_t CLINUX_EPOLLIN = EPOLLIN;
static const uint32_t CLINUX_EPOLLOUT = EPOLLOUT;
static const uint32_t CLINUX_EPOLLERR = EPOLLERR;
static const uint32_t CLINUX_EPOLLHUP = EPOLLHUP;
static const uint32_t CLINUX_EPOLLRDHUP = EPOLLRDHUP;
static const int CLINUX_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int CLINUX_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int CLINUX_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

/// One readiness report: an unpacked copy of `struct epoll_event` with `data.u64` as `token`.
typedef struct clinux_epoll_event {
    uint32_t events;
    uint64_t token;
} clinux_epoll_event;

/// `epoll_create1(EPOLL_CLOEXEC)`.
int clinux_epoll_create(void);
/// `epoll_ctl` with `data.u64 = token`; returns 0 or -1 (errno set).
int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// Waits for readiness into unpacked events; `max` is clamped to 1...1024; `timeout_ns` < 0 waits forever.
/// Uses `epoll_pwait2` (Linux 5.11+) so that sub-millisecond timers fire on time; on older kernels,
/// `epoll_wait` with the timeout rounded up to whole milliseconds. Returns the count or -1 (errno set).
int clinux_epoll_wait_nanoseconds(int epfd, clinux_epoll_event *events, int max, int64_t timeout_ns);

// MARK: eventfd

/// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
int clinux_eventfd(void);
/// Adds 1 to the eventfd counter; returns 0 or -1 (errno set). EAGAIN (counter saturated) counts as success.
int clinux_eventfd_signal(int fd);
/// Reads (and so resets) the eventfd counter; returns 0 or -1 (errno set, EAGAIN when it was zero).
int clinux_eventfd_drain(int fd);

// MARK: sockets

/// A non-blocking, close-on-exec TCP socket of `family` (AF_INET or AF_INET6).
int clinux_tcp_socket(int family);
/// `accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC)`; the peer address goes to `address`.
int clinux_accept(int fd, struct sockaddr_storage *address);
/// `send(fd, bytes, count, MSG_NOSIGNAL)`: a vanished peer gives EPIPE, never SIGPIPE.
ssize_t clinux_send(int fd, const void *bytes, size_t count);
/// `recv(fd, bytes, count, 0)`.
ssize_t clinux_recv(int fd, void *bytes, size_t count);
/// `connect` to a resolved address; returns 0 or -1 (errno set, EINPROGRESS for a pending connect).
int clinux_connect(int fd, const struct sockaddr_storage *address, socklen_t length);
/// `bind` to a resolved address; returns 0 or -1 (errno set).
int clinux_bind(int fd, const struct sockaddr_storage *address, socklen_t length);
/// `shutdown(fd, SHUT_WR)`.
int clinux_shutdown_write(int fd);
/// Sets SO_REUSEADDR to 1.
int clinux_set_reuse_address(int fd);
/// Sets TCP_NODELAY to `enabled`.
int clinux_set_no_delay(int fd, int enabled);
/// The pending socket error (`getsockopt(SO_ERROR)`), or errno if that call itself fails.
int clinux_socket_error(int fd);
/// The locally bound port (`getsockname`), or -1 (errno set).
int clinux_local_port(int fd);

/// Why `clinux_adopt_listener` refused a descriptor (besides -1 for a failed call, errno set).
static const int CLINUX_ADOPT_NOT_STREAM = 1;
static const int CLINUX_ADOPT_NOT_LISTENING = 2;
static const int CLINUX_ADOPT_NOT_INET = 3;
/// Checks that `fd` is a listening TCP socket (SO_TYPE SOCK_STREAM, SO_ACCEPTCONN, IPv4 or IPv6), makes
/// it non-blocking and close-on-exec, and writes its numeric host (no brackets) and port. Returns 0, -1
/// (a call failed, errno set: EBADF, ENOTSOCK, ...) or one of the CLINUX_ADOPT_ reasons.
int clinux_adopt_listener(int fd, char *host, size_t capacity, int *port);

// MARK: addresses

/// The numeric host of an IPv4 or IPv6 address (no brackets) into `buffer`, its port into `port`; 0, or
/// -1 for another family or a buffer too small.
int clinux_format_host(const struct sockaddr_storage *address, char *buffer, size_t capacity, int *port);
/// Resolves `host` (numeric IPv4/IPv6 first, then `getaddrinfo` for names such as "localhost") and `port`
/// into `address`. `passive` chooses AI_PASSIVE. Returns 0, or a `getaddrinfo` error code (EAI_*).
int clinux_resolve(const char *host, int port, int passive, struct sockaddr_storage *address, socklen_t *length);
/// The message for a `getaddrinfo` error code.
const char *clinux_resolve_error_message(int code);
/// The address family of a resolved address.
static inline int clinux_address_family(const struct sockaddr_storage *address) { return address->ss_family; }
/// Formats `address` as "a.b.c.d:port" or "[v6]:port" into `buffer`; returns 0 or -1.
int clinux_format_address(const struct sockaddr_storage *address, char *buffer, size_t capacity);

/// glibc `malloc_trim(0)`: returns free heap memory to the kernel; 1 if some was released.
int clinux_malloc_trim(void);

#endif
