#include "sinks/file_rotation.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "platform/clock.h"
#include "platform/error_text.h"

namespace jot::detail {

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

}  // namespace

file_rotation::file_rotation(std::string path, rotation_options o)
    : opts_(checked(std::move(o))),
      naming_(path, opts_.names, opts_.utc),
      schedule_(opts_.every, opts_.at, opts_.utc),
      worker_(naming_, opts_),
      file_(std::move(path), opts_.buffer_bytes, false) {
  std::vector<rotated_file> files;
  if (const int err = naming_.scan(files); err != 0) {
    report_error(
        fmt::format("file {}: cannot read its directory: {}; rotated files of earlier "
                    "runs are not counted",
                    file_.path(), error_text(err)));
  } else if (!files.empty()) {
    last_key_ = files.back().key;
  }
  const std::int64_t now = wall_now_ns();
  schedule_.due(now);
  if (opts_.on_start && file_.size() > 0) rotate(now);
  worker_.tidy();
}

bool file_rotation::due(std::int64_t time_ns, std::size_t bytes) {
  if (schedule_.due(time_ns)) time_due_ = true;
  if (opts_.max_bytes != 0 && bytes > opts_.max_bytes && !reported_large_) {
    reported_large_ = true;
    report_error(
        fmt::format("file {}: a record of {} bytes is larger than max_bytes ({}); "
                    "such records are written whole, each in a file of its own",
                    file_.path(), bytes, opts_.max_bytes));
  }
  const std::uint64_t size = file_.size();
  if (size == 0) {
    time_due_ = false;  // nothing to rotate at this boundary
    return false;
  }
  return time_due_ || (opts_.max_bytes != 0 && size + bytes > opts_.max_bytes);
}

// 1. write out what is buffered (all records before this point);
// 2. rename the file to a new rotated name (never over an existing file);
// 3. open the path anew; 4. queue the rotated file for the background
// thread. A failure at 2 leaves everything as it was and is retried at
// most once a second; records go on to the current file meanwhile.
bool file_rotation::rotate(std::int64_t time_ns) {
  const std::int64_t mono = monotonic_ns();
  if (failed_at_ns_ != 0 && mono - failed_at_ns_ < retry_interval_ns) return false;
  file_.drain();
  if (!file_.is_open()) return false;  // path_file reports and retries the open
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
                      file_.path(), target, error_text(err)));
    }
    return false;
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
  return true;
}

}  // namespace jot::detail
