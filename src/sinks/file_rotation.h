// A path_file that rotates: the writer's side of rotation, shared by the
// rotating text sink and the rotating binary log. See docs/internals.md,
// section 13 ("Files"), for the order of the steps and why a crash at any
// point loses no record. Used under the sink's lock only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "jot/sink.h"
#include "sinks/path_file.h"
#include "sinks/rotated_names.h"
#include "sinks/rotation_schedule.h"
#include "sinks/rotation_worker.h"

namespace jot::detail {

class file_rotation {
 public:
  // Scans the directory for rotated files of earlier runs, rotates a
  // non-empty file at start if asked, and has the background thread tidy up.
  file_rotation(std::string path, rotation_options o);

  path_file& file() noexcept { return file_; }
  const path_file& file() const noexcept { return file_; }

  // Whether a record of `bytes` stamped `time_ns` must go to a new file
  // (a time boundary passed, or the file would grow past max_bytes). A
  // record larger than max_bytes is reported, once.
  bool due(std::int64_t time_ns, std::size_t bytes);
  // Rotates: writes out what is buffered, renames the file, opens the path
  // anew and queues the rotated file for the background thread. False if
  // it did not (reported; retried at most once a second): records go on
  // to the current file.
  bool rotate(std::int64_t time_ns);

 private:
  rotation_options opts_;
  rotated_naming naming_;
  rotation_schedule schedule_;
  // Before file_: destroyed after it, so the last bytes are written before
  // the queued work is finished.
  rotation_worker worker_;
  path_file file_;
  std::uint64_t last_key_ = 0;
  bool time_due_ = false;
  bool reported_large_ = false;
  int rotate_errno_ = 0;
  std::int64_t failed_at_ns_ = 0;
};

}  // namespace jot::detail
