#include "sinks/path_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/error_text.h"
#include "sinks/reopen.h"

namespace jot::detail {

namespace {
constexpr std::int64_t retry_interval_ns = 1'000'000'000;
}  // namespace

path_file::path_file(std::string path, std::size_t buffer_bytes, bool truncate)
    : path_(std::move(path)), truncate_(truncate), out_("file " + path_, buffer_bytes) {
  open();
}

path_file::~path_file() {
  drain();
  close();
}

void path_file::append(std::string_view line) {
  if (!is_open() && !open_if_due()) {
    if (out_.buffered() + line.size() > max_pending_bytes) {
      ++lost_records_;
      ++dropped_records_;
      return;
    }
    out_.append(line);
    return;
  }
  if (out_.buffered() + line.size() > out_.capacity()) drain();
  if (line.size() >= out_.capacity() && out_.buffered() == 0) {
    // Larger than the buffer: fd_writer writes it at once. The same checks
    // as for a buffer first (the drain above had nothing to write, so it
    // made none): the path may name another file by now.
    follow_path();
    if (!is_open()) {
      out_.append(line);  // kept until the file can be opened
      return;
    }
    out_.append(line);
    struct stat st {};
    if (::fstat(out_.fd(), &st) == 0 && st.st_nlink == 0) {
      report_error(
          fmt::format("file {}: deleted while being written; writing {} bytes again to a new file",
                      path_, line.size()));
      close();
      if (!open()) {
        out_.append(line);
        return;
      }
      out_.append(line);
    }
    file_bytes_ += line.size();
    return;
  }
  out_.append(line);
}

bool path_file::drain() {
  if (!is_open() && !open_if_due()) return out_.buffered() == 0;
  if (out_.buffered() == 0) return true;
  follow_path();
  if (!is_open()) return false;
  const std::size_t n = out_.buffered();
  bool ok = out_.write_buffer();
  // Deleted between the check above and the write: those bytes went to a
  // file nobody can read. Write them again to a new one.
  struct stat st {};
  if (ok && ::fstat(out_.fd(), &st) == 0 && st.st_nlink == 0) {
    report_error(
        fmt::format("file {}: deleted while being written; writing {} bytes again "
                    "to a new file",
                    path_, n));
    close();
    if (!open()) return false;
    ok = out_.write_buffer();
  }
  file_bytes_ += out_.buffered();  // n, or more if the new file's hook added some
  out_.clear();
  return ok;
}

void path_file::follow_path() {
  const std::uint64_t gen = reopen_generation();
  if (gen != generation_) {
    // Asked for (jot::reopen(), SIGHUP): no report.
    close();
    open();
    return;
  }
  struct stat by_path {};
  if (::stat(path_.c_str(), &by_path) == 0 && by_path.st_dev == dev_ && by_path.st_ino == ino_) {
    return;
  }
  // Renamed or removed underneath (logrotate's `create`, say, before its
  // postrotate SIGHUP arrives): later records go to a file at the path
  // again. That is how rotation works, not a failure: no report.
  close();
  open();
}

bool path_file::reopen_after_rename() {
  close();
  return open();
}

bool path_file::open() {
  last_attempt_ns_ = monotonic_ns();
  generation_ = reopen_generation();
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND;
  // Truncate only the first time: a reopen must not erase what we wrote.
  if (truncate_ && !opened_once_) flags |= O_TRUNC;
  const int fd = ::open(path_.c_str(), flags, 0644);
  if (fd < 0) {
    if (!open_failure_reported_) {
      open_failure_reported_ = true;
      report_error(
          fmt::format("file {}: cannot open: {}; records are kept (up to {} MiB) "
                      "and opening is retried every second",
                      path_, error_text(errno), max_pending_bytes >> 20));
    }
    return false;
  }
  out_.set_fd(fd);
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    file_bytes_ = static_cast<std::uint64_t>(st.st_size);
  }
  if (open_failure_reported_) {
    report_error(
        fmt::format("file {}: opened after earlier failure; {} records were lost "
                    "meanwhile",
                    path_, lost_records_));
  }
  opened_once_ = true;
  open_failure_reported_ = false;
  lost_records_ = 0;
  ++opens_;
  if (hook_ && out_.buffered() != 0) hook_(out_.buffer());
  return true;
}

bool path_file::open_if_due() {
  if (monotonic_ns() - last_attempt_ns_ < retry_interval_ns) return false;
  return open();
}

void path_file::close() noexcept {
  if (out_.fd() >= 0) ::close(out_.fd());
  out_.set_fd(-1);
}

// fdatasync: the data and what is needed to read it back (the size), not
// the times. A failure is reported once until a sync succeeds.
void path_file::sync() {
  if (!is_open()) return;
  if (::fdatasync(out_.fd()) == 0) {
    sync_errno_ = 0;
    return;
  }
  const int e = errno;
  if (e == sync_errno_) return;
  sync_errno_ = e;
  report_error(fmt::format("file {}: cannot sync to disk: {}", path_, error_text(e)));
}

}  // namespace jot::detail
