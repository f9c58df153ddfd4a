#include "sinks/fd_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "jot/sink.h"
#include "platform/error_text.h"
#include "platform/thread.h"

namespace jot::detail {

fd_writer::fd_writer(std::string what, std::size_t buffer_bytes)
    : what_(std::move(what)), capacity_(buffer_bytes < 512 ? 512 : buffer_bytes) {
  buf_.reserve(capacity_);
}

void fd_writer::append(std::string_view bytes) {
  if (buf_.size() + bytes.size() > capacity_ && fd_ >= 0) drain();
  if (bytes.size() >= capacity_ && fd_ >= 0) {
    write_all(bytes.data(), bytes.size());
    return;
  }
  buf_.append(bytes);
}

bool fd_writer::drain() noexcept {
  if (buf_.empty()) return true;
  if (fd_ < 0) return false;
  const bool ok = write_all(buf_.data(), buf_.size());
  buf_.clear();
  return ok;
}

bool fd_writer::write_all(const char* p, std::size_t n) noexcept {
  if (n == 0) return true;
  int err = 0;  // the failure, if any
  std::size_t lost = 0;
  {
    // Only the write(2) calls run with SIGXFSZ and SIGPIPE held off: the
    // reports below may run the application's error handler.
    write_signal_guard no_signal_kills;
    // A failure cut the last line short: end it before anything new.
    if (line_cut_) {
      err = write_some("\n", 1, no_signal_kills);
      if (err == 0) line_cut_ = false;
    }
    if (err == 0) {
      err = write_some(p, n, no_signal_kills, &lost);
    } else {
      lost = n;
    }
  }
  if (err != 0) {
    lost_bytes_ += lost;
    lost_since_error_ += lost;
    if (err != last_errno_) {
      last_errno_ = err;
      report_error(
          fmt::format("{}: write failed: {}; {} bytes lost (further failures of this "
                      "kind are not reported until a write succeeds)",
                      what_, error_text(err), lost));
    }
    return false;
  }
  if (last_errno_ != 0) {
    report_error(fmt::format("{}: writing again after failures ({}); {} bytes were lost", what_,
                             error_text(last_errno_), lost_since_error_));
    last_errno_ = 0;
    lost_since_error_ = 0;
  }
  return true;
}

int fd_writer::write_some(const char* p, std::size_t n, write_signal_guard& guard,
                          std::size_t* lost) noexcept {
  bool wrote = false;
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int err = w < 0 ? errno : EIO;
      guard.failed_with(err);
      if (lost != nullptr) *lost = n;
      if (wrote && p[-1] != '\n') line_cut_ = true;
      return err;
    }
    wrote = true;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return 0;
}

}  // namespace jot::detail
