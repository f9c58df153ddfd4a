#include "sinks/rotation_schedule.h"

#include <algorithm>
#include <ctime>

namespace jot::detail {

namespace {
constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::int64_t day_s = 86'400;
}  // namespace

rotation_schedule::rotation_schedule(std::chrono::seconds every, std::chrono::seconds at,
                                     bool utc) noexcept
    : every_s_(std::clamp<std::int64_t>(every.count(), 0, day_s)), at_s_(0), utc_(utc) {
  if (every_s_ > 0) at_s_ = ((at.count() % every_s_) + every_s_) % every_s_;
}

bool rotation_schedule::due(std::int64_t time_ns) noexcept {
  if (!enabled()) return false;
  if (next_ns_ == 0 || time_ns < from_ns_ - ns_per_s) {
    // First record, or the clock went back: count from this time.
    next_ns_ = next_after(time_ns);
    from_ns_ = time_ns;
    return false;
  }
  if (time_ns < next_ns_) return false;
  next_ns_ = next_after(time_ns);
  from_ns_ = time_ns;
  return true;
}

std::int64_t rotation_schedule::next_after(std::int64_t time_ns) const noexcept {
  const std::int64_t secs = time_ns >= 0 ? time_ns / ns_per_s : 0;
  std::int64_t boundary = 0;
  if (utc_) {
    const std::int64_t midnight = secs - secs % day_s;
    const std::int64_t of_day = secs - midnight;
    // The first boundary of a day is at_s_; then one every every_s_.
    const std::int64_t k = of_day < at_s_ ? 0 : (of_day - at_s_) / every_s_ + 1;
    const std::int64_t t = at_s_ + k * every_s_;
    boundary = t < day_s ? midnight + t : midnight + day_s + at_s_;
  } else {
    const auto now = static_cast<std::time_t>(secs);
    std::tm tm{};
    localtime_r(&now, &tm);
    const std::int64_t of_day = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    const std::int64_t k = of_day < at_s_ ? 0 : (of_day - at_s_) / every_s_ + 1;
    const std::int64_t t = at_s_ + k * every_s_;
    std::tm b = tm;
    b.tm_hour = 0;
    b.tm_min = 0;
    b.tm_isdst = -1;
    if (t < day_s) {
      b.tm_sec = static_cast<int>(t);
    } else {
      b.tm_mday += 1;  // mktime carries into the month and year
      b.tm_sec = static_cast<int>(at_s_);
    }
    boundary = static_cast<std::int64_t>(std::mktime(&b));
  }
  const std::int64_t ns = boundary * ns_per_s;
  // A daylight-saving change can make a local boundary fall before now:
  // never return one that would rotate again at once.
  return ns > time_ns ? ns : time_ns + every_s_ * ns_per_s;
}

}  // namespace jot::detail
