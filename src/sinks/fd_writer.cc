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
  const write_signal_guard no_signal_kills;
  // A failure cut the last line short: end it before anything new.
  if (line_cut_ && !write_some("\n", 1)) {
    lost_bytes_ += n;
    lost_since_error_ += n;
    return false;
  }
  line_cut_ = false;
  if (!write_some(p, n)) return false;
  if (last_errno_ != 0) {
    report_error(fmt::format("{}: writing again after failures ({}); {} bytes were lost", what_,
                             error_text(last_errno_), lost_since_error_));
    last_errno_ = 0;
    lost_since_error_ = 0;
  }
  return true;
}

bool fd_writer::write_some(const char* p, std::size_t n) noexcept {
  bool wrote = false;
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int err = w < 0 ? errno : EIO;
      lost_bytes_ += n;
      lost_since_error_ += n;
      if (wrote && p[-1] != '\n') line_cut_ = true;
      if (err != last_errno_) {
        if (last_errno_ == 0) lost_since_error_ = n;
        last_errno_ = err;
        report_error(
            fmt::format("{}: write failed: {}; {} bytes lost (further failures of this "
                        "kind are not reported until a write succeeds)",
                        what_, error_text(err), n));
      }
      return false;
    }
    wrote = true;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace jot::detail
