// When a rotating file sink rotates by time, for timestamps the test
// chooses: boundaries, a clock that jumps forward, one that goes back.
#include <ctime>

#include <gtest/gtest.h>

#include "sinks/rotation_schedule.h"

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::int64_t ns_per_s = 1'000'000'000;

// 2026-12-04 at h:m:s UTC, in ns since the epoch.
std::int64_t utc(int h, int m, int s = 0, int day = 4) {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 11;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(::timegm(&tm)) * ns_per_s;
}

TEST(rotation_schedule, hourly_boundaries_are_on_the_hour) {
  jot::detail::rotation_schedule s(hours(1), seconds(0), true);
  EXPECT_FALSE(s.due(utc(10, 15)));  // sets the first boundary: 11:00
  EXPECT_FALSE(s.due(utc(10, 59, 59)));
  EXPECT_TRUE(s.due(utc(11, 0)));
  EXPECT_FALSE(s.due(utc(11, 0, 1)));
  EXPECT_FALSE(s.due(utc(11, 59, 59)));
  EXPECT_TRUE(s.due(utc(12, 0, 0)));
}

TEST(rotation_schedule, daily_at_a_time_of_day) {
  const jot::detail::rotation_schedule s(hours(24), minutes(150), true);
  EXPECT_EQ(s.next_after(utc(1, 0)), utc(2, 30));
  EXPECT_EQ(s.next_after(utc(2, 30)), utc(2, 30, 0, 5));
  EXPECT_EQ(s.next_after(utc(23, 0)), utc(2, 30, 0, 5));
}

TEST(rotation_schedule, every_few_minutes_restarts_at_midnight) {
  const jot::detail::rotation_schedule s(minutes(7), seconds(0), true);
  EXPECT_EQ(s.next_after(utc(0, 0)), utc(0, 7));
  EXPECT_EQ(s.next_after(utc(23, 55)), utc(0, 0, 0, 5));  // 23:55 is the day's last
  EXPECT_EQ(s.next_after(utc(23, 54)), utc(23, 55));
}

TEST(rotation_schedule, a_clock_jumping_forward_rotates_once) {
  jot::detail::rotation_schedule s(hours(1), seconds(0), true);
  EXPECT_FALSE(s.due(utc(10, 15)));
  EXPECT_TRUE(s.due(utc(15, 20)));  // five boundaries skipped: one rotation
  EXPECT_FALSE(s.due(utc(15, 20)));
  EXPECT_FALSE(s.due(utc(15, 59)));
  EXPECT_TRUE(s.due(utc(16, 0)));
}

TEST(rotation_schedule, a_clock_going_back_never_rotates_in_a_loop) {
  jot::detail::rotation_schedule s(hours(1), seconds(0), true);
  EXPECT_FALSE(s.due(utc(10, 15)));
  EXPECT_FALSE(s.due(utc(8, 30)));  // back 1h45: the next boundary is 09:00 again
  int rotations = 0;
  for (int i = 0; i < 100; ++i) rotations += s.due(utc(8, 31)) ? 1 : 0;
  EXPECT_EQ(rotations, 0);
  EXPECT_TRUE(s.due(utc(9, 0)));
  EXPECT_FALSE(s.due(utc(9, 1)));
}

TEST(rotation_schedule, local_time_boundaries_are_ahead_and_within_one_period) {
  const jot::detail::rotation_schedule s(hours(1), seconds(0), false);
  for (std::int64_t t = utc(0, 0); t < utc(0, 0, 0, 6); t += 17 * 60 * ns_per_s) {
    const std::int64_t next = s.next_after(t);
    EXPECT_GT(next, t);
    EXPECT_LE(next - t, 3600 * ns_per_s);
  }
}

TEST(rotation_schedule, off_when_every_is_zero) {
  jot::detail::rotation_schedule s(seconds(0), seconds(0), true);
  EXPECT_FALSE(s.enabled());
  EXPECT_FALSE(s.due(utc(10, 0)));
  EXPECT_FALSE(s.due(utc(23, 0)));
}

}  // namespace
