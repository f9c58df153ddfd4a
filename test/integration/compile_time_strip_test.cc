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

}  // namespace
