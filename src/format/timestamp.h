// Rendering times, with the date and second cached: only the digits below
// the second change from one record to the next.
#pragma once

#include <cstdint>
#include <string>

#include "jot/formatter.h"

namespace jot::detail {

class time_cache {
 public:
  explicit time_cache(time_zone tz) : tz_(tz) {}
  time_zone zone() const noexcept { return tz_; }

  void append_date(std::string& out, std::int64_t ns);       // 2026-11-22
  void append_time(std::string& out, std::int64_t ns);       // 07:26:06.123456789
  void append_timestamp(std::string& out, std::int64_t ns);  // date, ' ', time
  void append_iso8601(std::string& out, std::int64_t ns);    // 2026-11-22T07:26:06.123456789Z
  // The same at p, which has room for iso8601_max; returns the end.
  char* write_iso8601(char* p, std::int64_t ns);
  static constexpr std::size_t iso8601_max = 35;

 private:
  void update(std::int64_t ns);
  std::int64_t nanos_ = 0;  // of the last update, within its second

  time_zone tz_;
  std::int64_t second_ = INT64_MIN;
  char date_[10] = {};
  char clock_[8] = {};
  char offset_[6] = {'Z'};  // "Z" or "+01:00"
  std::size_t offset_len_ = 1;
};

// Appends `ns` (nanoseconds since the Unix epoch) as
// 2026-11-22T07:26:06.123456789Z. Uncached: for time values in fields, which
// do not share a second from one record to the next.
void append_rfc3339_utc(std::string& out, std::int64_t ns);
// The same at p, which has room for 30 bytes; returns the end.
char* write_rfc3339_utc(char* p, std::int64_t ns);

}  // namespace jot::detail
