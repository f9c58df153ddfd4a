// Calls below JOT_ACTIVE_LEVEL vanish at compile time: not written, and
// their arguments are never evaluated, whatever the logger's level.
#define JOT_ACTIVE_LEVEL JOT_LEVEL_WARN
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(compile_time_strip, calls_below_the_active_level_vanish) {
  const std::string path = jot::test::temp_path("strip.log");
  auto& log = jot::make_logger(
      "strip", {jot::file_sink(path, {.format = jot::pattern_formatter("{level} {message}")})},
      jot::level::trace);
  int evaluated = 0;
  JOT_TRACE(log, "t {}", ++evaluated);
  JOT_DEBUG(log, "d {}", ++evaluated);
  JOT_INFO(log, "i {}", ++evaluated);
  JOT_WARN(log, "w {}", ++evaluated);
  JOT_ERROR(log, "e {}", ++evaluated);
  JOT_CRITICAL(log, "c {}", ++evaluated);
  jot::flush();
  EXPECT_EQ(evaluated, 3);
  EXPECT_EQ(jot::test::read_lines(path),
            (std::vector<std::string>{"WARN w 1", "ERROR e 2", "CRITICAL c 3"}));
}

// The rate-limited forms are stripped the same way (their limits not
// evaluated either), and a run-time level below JOT_ACTIVE_LEVEL, from
// configure_levels() or set_level(), brings no stripped call back.
TEST(compile_time_strip, rate_limited_calls_and_run_time_levels) {
  const std::string path = jot::test::temp_path("strip_limited.log");
  auto& log = jot::make_logger(
      "strip_limited",
      {jot::file_sink(path, {.format = jot::pattern_formatter("{level} {message}")})});
  ASSERT_TRUE(jot::configure_levels("strip_limited=trace"));
  EXPECT_EQ(log.get_level(), jot::level::trace);
  int evaluated = 0;
  for (int i = 0; i < 3; ++i) {
    JOT_DEBUG(log, "d {}", ++evaluated);
    JOT_INFO_EVERY_N(log, ++evaluated, "i {}", ++evaluated);
    JOT_INFO_ONCE(log, "o {}", ++evaluated);
    JOT_TRACE_EVERY(log, std::chrono::seconds(++evaluated), "t {}", ++evaluated);
    JOT_WARN_EVERY_N(log, 2, "w {}", i);
    JOT_ERROR_ONCE(log, "e {}", i);
  }
  jot::flush();
  EXPECT_EQ(evaluated, 0);
  EXPECT_EQ(jot::test::read_lines(path),
            (std::vector<std::string>{"WARN w 0", "ERROR e 0", "WARN w 2"}));
}

}  // namespace
