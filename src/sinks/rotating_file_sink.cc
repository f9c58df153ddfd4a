// rotating_file_sink(): the writer's side of rotation. See
// docs/internals.md, section 13 ("Files"), for the order of the steps and why a
// crash at any point loses no record.
#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/error_text.h"
#include "sinks/path_file.h"
#include "sinks/rotated_names.h"
#include "sinks/rotation_schedule.h"
#include "sinks/rotation_worker.h"

namespace jot {

namespace {

constexpr std::int64_t retry_interval_ns = 1'000'000'000;

std::int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

rotation_options checked(rotation_options o) {
  if (o.every > std::chrono::hours(24)) {
    report_error(fmt::format("rotation_options::every of {}s is longer than a day; rotating daily",
                             o.every.count()));
    o.every = std::chrono::hours(24);
  }
  if (o.every.count() < 0) o.every = std::chrono::seconds(0);
  return o;
}

// Renames `from` to `to` unless `to` exists. EEXIST if it does.
int rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // A file system without RENAME_NOREPLACE: check, then rename. Only this
  // sink makes names of this form, so nothing else can appear meanwhile.
  if (::access(to.c_str(), F_OK) == 0) return EEXIST;
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

class rotating_file_sink_impl final : public sink {
 public:
  rotating_file_sink_impl(std::string path, const rotation_options& o)
      : sink(o.format),
        opts_(o),
        naming_(path, o.names, o.utc),
        schedule_(o.every, o.at, o.utc),
        worker_(naming_, o),
        file_(std::move(path), o.buffer_bytes, false) {
    std::vector<detail::rotated_file> files;
    if (const int err = naming_.scan(files); err != 0) {
      report_error(
          fmt::format("file {}: cannot read its directory: {}; rotated files of earlier "
                      "runs are not counted",
                      file_.path(), detail::error_text(err)));
    } else if (!files.empty()) {
      last_key_ = files.back().key;
    }
    const std::int64_t now = wall_now_ns();
    schedule_.due(now);
    if (o.on_start && file_.size() > 0) rotate(now);
    worker_.tidy();
  }

  void write(const record_view& rec, std::string_view line) override {
    if (schedule_.due(rec.time_ns)) time_due_ = true;
    const std::uint64_t size = file_.size();
    if (size > 0 && (time_due_ || (opts_.max_bytes != 0 && size + line.size() > opts_.max_bytes))) {
      rotate(rec.time_ns);
    } else if (size == 0) {
      time_due_ = false;  // nothing to rotate at this boundary
    }
    if (opts_.max_bytes != 0 && line.size() > opts_.max_bytes && !reported_large_) {
      reported_large_ = true;
      report_error(
          fmt::format("file {}: a record of {} bytes is larger than max_bytes ({}); "
                      "such records are written whole, each in a file of its own",
                      file_.path(), line.size(), opts_.max_bytes));
    }
    file_.append(line);
  }

  void flush() override { file_.drain(); }
  bool holds_unwritten() const noexcept override { return file_.holds_unwritten(); }
  void sync() override { file_.sync(); }

 private:
  // 1. write out what is buffered (all records before this point);
  // 2. rename the file to a new rotated name (never over an existing file);
  // 3. open the path anew; 4. queue the rotated file for the background
  // thread. A failure at 2 leaves everything as it was and is retried at
  // most once a second; records go on to the current file meanwhile.
  void rotate(std::int64_t time_ns) {
    const std::int64_t mono = detail::monotonic_ns();
    if (failed_at_ns_ != 0 && mono - failed_at_ns_ < retry_interval_ns) return;
    file_.drain();
    if (!file_.is_open()) return;  // path_file reports and retries the open
    std::uint64_t key = naming_.key_after(last_key_, time_ns);
    int err = 0;
    std::string target;
    for (int attempt = 0; attempt < 1000; ++attempt, ++key) {
      target = naming_.path_of(key);
      err = rename_no_replace(file_.path(), target);
      if (err != EEXIST) break;
    }
    if (err != 0) {
      failed_at_ns_ = mono;
      if (err != rotate_errno_) {
        rotate_errno_ = err;
        report_error(
            fmt::format("file {}: cannot rotate to {}: {}; writing on to the current "
                        "file and trying again every second",
                        file_.path(), target, detail::error_text(err)));
      }
      return;
    }
    if (rotate_errno_ != 0) {
      report_error(fmt::format("file {}: rotating again after failures", file_.path()));
    }
    rotate_errno_ = 0;
    failed_at_ns_ = 0;
    time_due_ = false;
    last_key_ = key;
    file_.reopen_after_rename();  // a failure is reported, and retried, there
    worker_.rotated(key);
  }

  rotation_options opts_;
  detail::rotated_naming naming_;
  detail::rotation_schedule schedule_;
  // Before file_: destroyed after it, so the last bytes are written before
  // the queued work is finished.
  detail::rotation_worker worker_;
  detail::path_file file_;
  std::uint64_t last_key_ = 0;
  bool time_due_ = false;
  bool reported_large_ = false;
  int rotate_errno_ = 0;
  std::int64_t failed_at_ns_ = 0;
};

}  // namespace

std::shared_ptr<sink> rotating_file_sink(std::string path, rotation_options options) {
  return std::make_shared<rotating_file_sink_impl>(std::move(path), checked(std::move(options)));
}

}  // namespace jot
