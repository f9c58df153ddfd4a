#include "sinks/net/endpoint.h"

#include <linux/sockios.h>
#include <netdb.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "jot/formatter.h"
#include "platform/clock.h"

namespace jot::detail {

endpoint inet_endpoint(const std::string& host, std::uint16_t port, const char* scheme) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    throw config_error(fmt::format("syslog_sink: cannot resolve '{}': {}", host,
                                   rc != 0 ? ::gai_strerror(rc) : "no address"));
  }
  endpoint ep;
  std::memcpy(&ep.addr, res->ai_addr, res->ai_addrlen);
  ep.len = res->ai_addrlen;
  ::freeaddrinfo(res);
  const bool v6 = host.find(':') != std::string::npos;
  ep.text = fmt::format("{}://{}{}{}:{}", scheme, v6 ? "[" : "", host, v6 ? "]" : "", port);
  return ep;
}

endpoint unix_endpoint(const std::string& path) {
  endpoint ep;
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof un.sun_path) {
    throw config_error(fmt::format("unix socket path '{}' is empty or longer than {} bytes", path,
                                   sizeof un.sun_path - 1));
  }
  std::memcpy(un.sun_path, path.data(), path.size());
  std::memcpy(&ep.addr, &un, sizeof un);
  ep.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  ep.text = "unix:" + path;
  return ep;
}

int open_socket(const endpoint& ep, int type) noexcept {
  return ::socket(ep.addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

short wait_fd(int fd, short events, std::int64_t deadline_ns) noexcept {
  for (;;) {
    const std::int64_t left = deadline_ns - monotonic_ns();
    const int ms =
        left <= 0 ? 0
                  : static_cast<int>(std::min<std::int64_t>((left + 999'999) / 1'000'000, 60'000));
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, ms);
    if (rc > 0) return p.revents;
    if (rc == 0 && ms == 0) return 0;
    if (rc < 0 && errno != EINTR) return POLLERR;
  }
}

bool peer_closed(int fd) noexcept {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  char c = 0;
  const ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

std::size_t unacknowledged_bytes(int fd) noexcept {
  int n = 0;
  if (::ioctl(fd, SIOCOUTQ, &n) != 0 || n < 0) return 0;
  return static_cast<std::size_t>(n);
}

}  // namespace jot::detail
