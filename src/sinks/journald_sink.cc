// The journald sink: entries rendered by journal_formatter, one datagram
// each to the journal's socket, or, when too large for a datagram, a
// sealed memfd passed over it (as the journal's native protocol allows).
// Entries wait in a bounded outbox while the journal is away or busy.
// Called under the sink's lock only (see jot::sink).
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "format/journal_formatter.h"
#include "jot/collector.h"
#include "platform/clock.h"
#include "platform/error_text.h"
#include "sinks/net/endpoint.h"
#include "sinks/net/outbox.h"

extern char* program_invocation_short_name;  // glibc

namespace jot {

namespace {

using detail::ns_of;

// Larger entries go through a memfd: the journal refuses datagrams much
// over 200 KiB whatever the socket buffers allow.
constexpr std::size_t datagram_max = std::size_t{192} << 10;

enum class result { sent, later, failed };

class journald_sink_impl final : public sink {
 public:
  journald_sink_impl(journald_options o, detail::endpoint ep)
      : sink(std::make_shared<detail::journal_formatter>(
            o.identifier.empty() ? std::string(program_invocation_short_name) : o.identifier)),
        opts_(std::move(o)),
        ep_(std::move(ep)),
        box_(opts_.buffer_bytes),
        backoff_ns_(ns_of(opts_.reconnect_min)) {
    fd_ = detail::open_socket(ep_, SOCK_DGRAM);
    if (fd_ < 0) {
      throw config_error("journald_sink: cannot create a socket: " + detail::error_text(errno));
    }
    // The journal's own clients ask for a large send buffer, so that most
    // entries go as one datagram.
    const int size = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }

  ~journald_sink_impl() override {
    try {
      pump();
    } catch (...) {
      // a report that could not be formatted: nothing more to do
    }
    ::close(fd_);
  }

  void write(const record_view&, std::string_view entry) override {
    box_.push({}, entry);
    if (box_.messages() == 1 || detail::monotonic_ns() >= next_attempt_ns_) pump();
  }

  void flush() override { pump(); }

  bool holds_unwritten() const noexcept override { return !box_.empty() || box_.lost() != 0; }

 private:
  void pump() {
    const std::int64_t now = detail::monotonic_ns();
    if (now < next_attempt_ns_) return;
    while (!box_.empty()) {
      switch (send(box_.front())) {
        case result::sent:
          box_.pop();
          break;
        case result::later:
          return;
        case result::failed:
          failed();
          return;
      }
    }
    if (down_reported_) {
      down_reported_ = false;
      backoff_ns_ = ns_of(opts_.reconnect_min);
      report_error(fmt::format("journald {}: reachable again", ep_.text));
    }
    if (const std::uint64_t lost = box_.take_lost(); lost != 0) {
      report_error(
          fmt::format("journald {}: {} record{} lost while the journal was unreachable or "
                      "slower than the records came (buffer of {} bytes full)",
                      ep_.text, lost, lost == 1 ? "" : "s", box_.capacity()));
    }
  }

  result send(std::string_view entry) {
    if (entry.size() > datagram_max) return send_memfd(entry);
    const ssize_t n = ::sendto(fd_, entry.data(), entry.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&ep_.addr), ep_.len);
    if (n >= 0) return result::sent;
    const int e = errno;
    if (e == EMSGSIZE || e == ENOBUFS) return send_memfd(entry);
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? result::later : fail_with(e);
  }

  // An entry too large for a datagram: written to a memfd, sealed so that
  // the journal can trust it not to change, and the descriptor sent.
  result send_memfd(std::string_view entry) {
    const int mfd = ::memfd_create("jot-journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd < 0) return fail_with(errno);
    std::size_t done = 0;
    while (done < entry.size()) {
      const ssize_t w = ::write(mfd, entry.data() + done, entry.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        const int e = errno;
        ::close(mfd);
        return fail_with(e);
      }
      done += static_cast<std::size_t>(w);
    }
    if (::fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
      const int e = errno;
      ::close(mfd);
      return fail_with(e);
    }
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_name = &ep_.addr;
    msg.msg_namelen = ep_.len;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &mfd, sizeof(int));
    const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    const int e = errno;
    ::close(mfd);
    if (n >= 0) return result::sent;
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? result::later : fail_with(e);
  }

  result fail_with(int e) {
    error_ = e;
    return result::failed;
  }

  void failed() {
    const std::int64_t now = detail::monotonic_ns();
    if (!down_reported_) {
      down_reported_ = true;
      report_error(
          fmt::format("journald {}: cannot send: {}; records are kept (up to {} bytes) "
                      "and sending is tried again with backoff",
                      ep_.text, detail::error_text(error_), box_.capacity()));
    }
    next_attempt_ns_ = now + backoff_ns_;
    backoff_ns_ = std::min(2 * backoff_ns_, ns_of(opts_.reconnect_max));
  }

  journald_options opts_;
  detail::endpoint ep_;
  detail::outbox box_;
  int fd_ = -1;
  int error_ = 0;
  std::int64_t backoff_ns_;
  std::int64_t next_attempt_ns_ = 0;
  bool down_reported_ = false;
};

}  // namespace

std::shared_ptr<sink> journald_sink(journald_options options) {
  detail::endpoint ep = detail::unix_endpoint(options.path);
  ep.text = options.path;
  return std::make_shared<journald_sink_impl>(std::move(options), std::move(ep));
}

}  // namespace jot
