// When a rotating file sink rotates by time (rotation_options::every and
// at). Pure arithmetic on the records' timestamps, so it can be tested
// with any clock; used under the sink's lock.
#pragma once

#include <chrono>
#include <cstdint>

namespace jot::detail {

class rotation_schedule {
 public:
  // every: 0 (never), or up to a day; boundaries are the times of day
  // at + k * every (mod every), from each midnight (local or UTC).
  rotation_schedule(std::chrono::seconds every, std::chrono::seconds at, bool utc) noexcept;

  bool enabled() const noexcept { return every_s_ > 0; }
  // Whether a record stamped `time_ns` is past a boundary that has not
  // been rotated at. The first call only sets the first boundary. A clock
  // that jumped forward over many boundaries rotates once; one that went
  // back sets the next boundary from the new time (no rotation).
  bool due(std::int64_t time_ns) noexcept;
  // The first boundary after `time_ns` (in ns since the epoch), always
  // later than time_ns.
  std::int64_t next_after(std::int64_t time_ns) const noexcept;

 private:
  std::int64_t every_s_;
  std::int64_t at_s_;
  bool utc_;
  std::int64_t next_ns_ = 0;  // 0: not set yet
  std::int64_t from_ns_ = 0;  // the time next_ns_ was computed from
};

}  // namespace jot::detail
