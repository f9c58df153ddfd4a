#include "sinks/net/link.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "platform/clock.h"
#include "platform/error_text.h"

namespace jot::detail {

link::link(endpoint ep, int type, std::unique_ptr<tls_session> tls, std::size_t send_buffer)
    : ep_(std::move(ep)),
      stream_(type == SOCK_STREAM),
      tls_(std::move(tls)),
      send_buffer_(send_buffer) {}

link::progress link::fail(std::string what) {
  error_ = std::move(what);
  close();
  return progress::failed;
}

link::progress link::connect(std::int64_t deadline_ns, std::int64_t give_up_ns) {
  if (state_ == state::up) return progress::up;
  if (state_ == state::down) {
    fd_ = open_socket(ep_, stream_ ? SOCK_STREAM : SOCK_DGRAM);
    if (fd_ < 0) return fail("cannot create a socket: " + error_text(errno));
    if (send_buffer_ != 0) {
      const int size = static_cast<int>(std::min<std::size_t>(send_buffer_, 1U << 30));
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&ep_.addr), ep_.len) == 0) {
      state_ = tls_ ? state::handshaking : state::up;
    } else if (errno == EINPROGRESS) {
      state_ = state::connecting;
    } else {
      return fail(error_text(errno));
    }
    if (state_ == state::handshaking && !tls_->attach(fd_)) return fail("TLS: " + tls_->error());
  }
  if (state_ == state::connecting) {
    const short ev = wait_fd(fd_, POLLOUT, std::min(deadline_ns, give_up_ns));
    if (ev == 0) {
      return monotonic_ns() >= give_up_ns ? fail("timed out") : progress::pending;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return fail(error_text(err));
    state_ = tls_ ? state::handshaking : state::up;
    if (tls_ && !tls_->attach(fd_)) return fail("TLS: " + tls_->error());
  }
  while (state_ == state::handshaking) {
    const tls_status st = tls_->handshake();
    if (st == tls_status::done) {
      state_ = state::up;
      break;
    }
    if (st == tls_status::failed) return fail("TLS handshake: " + tls_->error());
    const short ev = wait_fd(fd_, st == tls_status::want_read ? POLLIN : POLLOUT,
                             std::min(deadline_ns, give_up_ns));
    if (ev == 0) {
      return monotonic_ns() >= give_up_ns ? fail("TLS handshake: timed out") : progress::pending;
    }
  }
  return progress::up;
}

std::ptrdiff_t link::send_stream(std::string_view bytes, std::int64_t deadline_ns) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::string_view rest = bytes.substr(done);
    short wait_for = POLLOUT;
    if (tls_) {
      std::size_t n = 0;
      const tls_status st = tls_->write(rest, n);
      if (st == tls_status::done) {
        done += n;
        continue;
      }
      if (st == tls_status::failed) {
        fail("TLS: " + tls_->error());
        return -1;
      }
      if (st == tls_status::want_read) wait_for = POLLIN;
    } else {
      const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        fail(error_text(errno));
        return -1;
      }
    }
    if (wait_fd(fd_, wait_for, deadline_ns) == 0) break;
  }
  return static_cast<std::ptrdiff_t>(done);
}

link::sent link::send_datagram(std::string_view message, std::int64_t deadline_ns) {
  for (;;) {
    const ssize_t n = ::send(fd_, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return sent::yes;
    const int e = errno;
    if (e == EINTR) continue;
    if (e == EMSGSIZE) {
      error_ = error_text(e);
      return sent::too_big;
    }
    if (e != EAGAIN && e != EWOULDBLOCK && e != ENOBUFS) {
      fail(error_text(e));
      return sent::failed;
    }
    if (wait_fd(fd_, POLLOUT, deadline_ns) == 0) return sent::later;
  }
}

bool link::alive() {
  if (state_ != state::up || !stream_) return state_ == state::up;
  if (tls_ ? tls_->alive() : !peer_closed(fd_)) return true;
  fail(tls_ ? "TLS: " + tls_->error() : std::string("the collector closed the connection"));
  return false;
}

std::size_t link::close() noexcept {
  if (fd_ < 0) return 0;
  // Only a connection that was up has sent anything (a pending connect
  // counts its SYN).
  const std::size_t unacked = stream_ && state_ == state::up ? unacknowledged_bytes(fd_) : 0;
  unacked_ = unacked;
  if (tls_) tls_->detach();
  ::close(fd_);
  fd_ = -1;
  state_ = state::down;
  return unacked;
}

}  // namespace jot::detail
