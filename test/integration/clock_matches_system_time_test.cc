// Rendered timestamps agree with the system clock, and records stay in
// timestamp order, with either tick source (built twice: JOT_TEST_CLOCK
// selects jot::clock_source::tsc or ::system).
#include <time.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

std::int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

TEST(clock_matches_system_time, timestamps_fall_between_readings_of_the_system_clock) {
  jot::options opts;
  opts.clock = JOT_TEST_CLOCK;
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("clock.log");
  auto& log = jot::make_logger(
      "clock", {jot::file_sink(path, {.format = jot::pattern_formatter("{epoch_ns} {message}")})});

  // Calibration error and clock steering are far below this.
  constexpr std::int64_t tolerance_ns = 2'000'000;
  std::vector<std::pair<std::int64_t, std::int64_t>> windows;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t before = realtime_ns();
    JOT_INFO(log, "{}", i);
    const std::int64_t after = realtime_ns();
    windows.emplace_back(before, after);
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  jot::flush();
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), windows.size());
  std::int64_t last = 0;
  std::int64_t worst = 0;  // outside its window, in ns
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::int64_t ts = 0;
    const auto r = std::from_chars(lines[i].data(), lines[i].data() + lines[i].size(), ts);
    ASSERT_EQ(r.ec, std::errc()) << lines[i];
    EXPECT_EQ(std::string(r.ptr), " " + std::to_string(i));
    EXPECT_GE(ts, windows[i].first - tolerance_ns) << "record " << i;
    EXPECT_LE(ts, windows[i].second + tolerance_ns) << "record " << i;
    EXPECT_GE(ts, last) << "record " << i << " is earlier than the one before";
    last = ts;
    worst = std::max({worst, windows[i].first - ts, ts - windows[i].second});
  }
  std::printf("largest distance outside the system clock's window: %lld ns\n",
              static_cast<long long>(worst));
}

}  // namespace
