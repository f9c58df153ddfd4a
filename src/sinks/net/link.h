// One connection to a collector: a non-blocking stream socket (TCP, with
// TLS on top if asked) or a connected datagram socket (UDP, Unix). Every
// call returns by its deadline. Consumer role only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sinks/net/endpoint.h"
#include "sinks/net/tls_session.h"

namespace jot::detail {

class link {
 public:
  enum class progress { up, pending, failed };

  // `type`: SOCK_STREAM or SOCK_DGRAM; `tls` only for streams;
  // `send_buffer`: SO_SNDBUF if not 0.
  link(endpoint ep, int type, std::unique_ptr<tls_session> tls, std::size_t send_buffer = 0);
  ~link() { close(); }
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  bool up() const noexcept { return state_ == state::up; }
  bool down() const noexcept { return state_ == state::down; }
  bool stream() const noexcept { return stream_; }
  const endpoint& peer() const noexcept { return ep_; }
  const std::string& error() const noexcept { return error_; }

  // Starts connecting (when down) or goes on with it, waiting at most
  // until `deadline_ns`; fails once `give_up_ns` has passed.
  progress connect(std::int64_t deadline_ns, std::int64_t give_up_ns);

  // Stream: writes what it can of `bytes` by the deadline. Returns the
  // bytes taken (maybe 0), or -1 if the connection failed (error()).
  std::ptrdiff_t send_stream(std::string_view bytes, std::int64_t deadline_ns);

  enum class sent { yes, later, too_big, failed };
  // Datagram: sends one message whole, waiting for room by the deadline.
  sent send_datagram(std::string_view message, std::int64_t deadline_ns);

  // Stream: false if the collector closed the connection (or it failed).
  bool alive();

  // Closes; returns the bytes the kernel held that the peer had not
  // acknowledged (lost with the connection), for streams.
  std::size_t close() noexcept;
  // What the last close() returned (a failure closes too).
  std::size_t unacknowledged_at_close() const noexcept { return unacked_; }

 private:
  enum class state { down, connecting, handshaking, up };
  progress fail(std::string what);

  endpoint ep_;
  bool stream_;
  std::unique_ptr<tls_session> tls_;
  std::size_t send_buffer_;
  int fd_ = -1;
  state state_ = state::down;
  std::string error_;
  std::size_t unacked_ = 0;
};

}  // namespace jot::detail
