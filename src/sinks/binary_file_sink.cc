#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include <fmt/format.h>

#include "format/binary_log_writer.h"
#include "jot/binary_log.h"
#include "platform/clock.h"
#include "platform/error_text.h"
#include "sinks/fd_writer.h"
#include "sinks/raw_sink.h"

namespace jot {

namespace {

// Records wait at most this much while the file cannot be opened.
constexpr std::size_t max_pending_bytes = std::size_t{16} << 20;
constexpr std::int64_t reopen_interval_ns = 1'000'000'000;

// Opening, retrying and noticing a replaced file work as in file_sink;
// what differs is that every file (and every stretch written after a
// failed write) starts with a segment of its own, so that it decodes
// without what came before. A rotating sink can reuse this: a new file is
// a new segment.
class binary_file_sink_impl final : public detail::raw_sink {
 public:
  binary_file_sink_impl(std::string path, const binary_file_options& o)
      : path_(std::move(path)), truncate_(o.truncate), out_("file " + path_, o.buffer_bytes) {
    start_segment();
    open();
  }

  ~binary_file_sink_impl() override {
    out_.drain();
    if (out_.fd() >= 0) ::close(out_.fd());
  }

  void write_raw(const detail::raw_record& r) override {
    if (out_.fd() < 0 && !open_if_due() && out_.buffered() > max_pending_bytes) {
      ++lost_records_;
      return;
    }
    // Bytes lost to a failed write may have cut an entry or taken a
    // definition with them: what follows starts afresh.
    if (out_.lost_bytes() != lost_seen_) start_segment();
    entry_.clear();
    writer_.append(entry_, r);
    out_.append(entry_);
  }

  void flush() override {
    if (out_.fd() < 0 && !open_if_due()) return;
    reopen_if_replaced();
    out_.drain();
  }

  bool holds_unwritten() const noexcept override { return out_.fd() < 0 && out_.buffered() != 0; }

  void sync() override {
    if (out_.fd() < 0) return;
    if (::fdatasync(out_.fd()) == 0) {
      sync_errno_ = 0;
      return;
    }
    const int e = errno;
    if (e == sync_errno_) return;
    sync_errno_ = e;
    report_error(fmt::format("file {}: cannot sync to disk: {}", path_, detail::error_text(e)));
  }

 private:
  void start_segment() {
    lost_seen_ = out_.lost_bytes();
    entry_.clear();
    writer_.start_segment(entry_);
    out_.append(entry_);
  }

  bool open() {
    last_attempt_ns_ = detail::monotonic_ns();
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND;
    if (truncate_ && !opened_once_) flags |= O_TRUNC;
    const int fd = ::open(path_.c_str(), flags, 0644);
    if (fd < 0) {
      if (!reported_) {
        reported_ = true;
        report_error(
            fmt::format("file {}: cannot open: {}; records are kept (up to {} MiB) "
                        "and opening is retried every second",
                        path_, detail::error_text(errno), max_pending_bytes >> 20));
      }
      return false;
    }
    out_.set_fd(fd);
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      dev_ = st.st_dev;
      ino_ = st.st_ino;
    }
    last_replace_check_ns_ = detail::monotonic_ns();
    if (reported_) {
      report_error(
          fmt::format("file {}: opened after earlier failure; {} records were lost meanwhile",
                      path_, lost_records_));
    }
    opened_once_ = true;
    reported_ = false;
    lost_records_ = 0;
    return true;
  }

  // A file deleted or renamed underneath is noticed at a flush, at most
  // once a second: what is buffered goes to the old file, and the new one
  // starts with a segment.
  void reopen_if_replaced() {
    const std::int64_t now = detail::monotonic_ns();
    if (now - last_replace_check_ns_ < reopen_interval_ns) return;
    last_replace_check_ns_ = now;
    struct stat by_path {};
    if (::stat(path_.c_str(), &by_path) == 0 && by_path.st_dev == dev_ && by_path.st_ino == ino_) {
      return;
    }
    report_error(fmt::format("file {}: removed or replaced (rotated?); opening it again", path_));
    out_.drain();
    ::close(out_.fd());
    out_.set_fd(-1);
    start_segment();
    open();
  }

  bool open_if_due() {
    if (detail::monotonic_ns() - last_attempt_ns_ < reopen_interval_ns) return false;
    return open();
  }

  std::string path_;
  bool truncate_;
  bool opened_once_ = false;
  bool reported_ = false;
  std::uint64_t lost_records_ = 0;
  std::uint64_t lost_seen_ = 0;
  std::int64_t last_attempt_ns_ = 0;
  std::int64_t last_replace_check_ns_ = 0;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  int sync_errno_ = 0;
  detail::fd_writer out_;
  detail::binary_log_writer writer_;
  std::string entry_;
};

}  // namespace

std::shared_ptr<sink> binary_file_sink(std::string path, binary_file_options options) {
  return std::make_shared<binary_file_sink_impl>(std::move(path), options);
}

}  // namespace jot
