// A log file named by a path, open for appending: what the file sink and
// the rotating file sink share. It opens the path (retrying once a second
// while it cannot), writes whole records only, and before each write(2)
// makes sure the path still names the open file: a file renamed or
// deleted underneath (rotated by another program), or a jot::reopen(),
// sends what follows to a file opened anew at the path. Used under the
// sink's lock only.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sinks/fd_writer.h"

namespace jot::detail {

class path_file {
 public:
  // Records wait at most this much in memory while the file cannot be opened.
  static constexpr std::size_t max_pending_bytes = std::size_t{16} << 20;

  // Opens the path at once (a failure is reported and retried later);
  // `truncate` empties the file at the first open only.
  path_file(std::string path, std::size_t buffer_bytes, bool truncate);
  ~path_file();
  path_file(const path_file&) = delete;
  path_file& operator=(const path_file&) = delete;

  // Called when a file is opened while bytes meant for an earlier one (or
  // for none yet) are buffered, before they are written to it: the owner
  // may change them (the binary log puts in front what the new file needs
  // to decode them). Not called for an open with nothing buffered; opens()
  // tells the owner about those.
  using new_file_hook = std::function<void(std::string& buffered)>;
  void on_new_file(new_file_hook hook) { hook_ = std::move(hook); }

  const std::string& path() const noexcept { return path_; }
  bool is_open() const noexcept { return out_.fd() >= 0; }

  // Buffers one whole rendered record, writing the buffer out first when
  // the record would not fit, so that each write(2) carries whole records.
  // While the file cannot be opened, records wait (up to
  // max_pending_bytes); past that they are counted, and reported when the
  // file opens.
  void append(std::string_view line);
  // Writes out what is buffered (opening the file if it is closed and a
  // retry is due). False if bytes remain unwritten or a write failed.
  bool drain();
  // The buffer itself, for an owner that encodes a record straight into
  // it instead of handing it to append(): only while the file is open, and
  // only bytes that leave at most capacity() buffered (else append() must
  // take them, which writes the buffer out first).
  std::string& buffer() noexcept { return out_.buffer(); }
  void sync();
  bool holds_unwritten() const noexcept { return !is_open() && out_.buffered() != 0; }
  // Bytes the file will hold once the buffer is written out.
  std::uint64_t size() const noexcept { return file_bytes_ + out_.buffered(); }
  std::size_t buffered() const noexcept { return out_.buffered(); }
  std::size_t capacity() const noexcept { return out_.capacity(); }
  // Files opened so far (each open, reopen and rotation counts one).
  std::uint64_t opens() const noexcept { return opens_; }
  // Bytes lost to failed writes, and records not kept because the file
  // could not be opened and max_pending_bytes were waiting: both counted
  // from the start.
  std::uint64_t lost_bytes() const noexcept { return out_.lost_bytes(); }
  std::uint64_t dropped_records() const noexcept { return dropped_records_; }

  // For rotation: the caller renamed the open file away; close it and open
  // the path anew. A failure is reported and retried as any failed open.
  bool reopen_after_rename();

 private:
  bool open();
  bool open_if_due();
  void close() noexcept;
  // Reopens if jot::reopen() was called or the path names another file
  // (or none) since the open.
  void follow_path();

  std::string path_;
  bool truncate_;
  bool opened_once_ = false;
  bool open_failure_reported_ = false;
  std::uint64_t lost_records_ = 0;     // since the open failed
  std::uint64_t dropped_records_ = 0;  // since the start
  std::uint64_t opens_ = 0;
  new_file_hook hook_;
  std::int64_t last_attempt_ns_ = 0;
  std::uint64_t generation_ = 0;  // reopen_generation() when opened
  std::uint64_t file_bytes_ = 0;  // in the file, as far as this sink knows
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  int sync_errno_ = 0;
  fd_writer out_;
};

}  // namespace jot::detail
