// Sockets for the collector sinks: addresses, non-blocking sockets and
// waiting with a deadline. Consumer role only (the writer thread, or
// whoever writes under the sink's lock).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace jot::detail {

struct endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // "tcp://127.0.0.1:514", "unix:/dev/log", for messages
};

// Resolves `host` (a name or a numeric address) once, on the calling
// thread; throws config_error if it cannot. `scheme` goes into the text.
endpoint inet_endpoint(const std::string& host, std::uint16_t port, const char* scheme);
// A Unix socket path; throws config_error if it is too long.
endpoint unix_endpoint(const std::string& path);

// A non-blocking, close-on-exec socket for `ep` of `type` (SOCK_STREAM,
// SOCK_DGRAM), or -1 with errno set.
int open_socket(const endpoint& ep, int type) noexcept;

// Waits until `fd` has one of `events` or the monotonic clock reaches
// `deadline_ns`. Returns the poll revents (0 on timeout).
short wait_fd(int fd, short events, std::int64_t deadline_ns) noexcept;

// Whether a connected stream socket's peer has closed it or it failed
// (the collectors never send on it, so anything readable means that).
bool peer_closed(int fd) noexcept;

// Bytes handed to the socket that its peer has not yet acknowledged.
std::size_t unacknowledged_bytes(int fd) noexcept;

}  // namespace jot::detail
