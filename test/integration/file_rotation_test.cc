// A log file renamed (rotated) or deleted underneath is noticed before the
// next write: the records written after it go to a new file at the path,
// with no waiting and no report (rotation is normal operation).
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(file_rotation, renamed_and_deleted_files_are_created_again) {
  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("rotate.log");
  const std::string rotated = jot::test::temp_path("rotate.log.1");
  auto& log = jot::make_logger(
      "rotate", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});

  JOT_INFO(log, "before rotation");
  jot::flush();
  ASSERT_EQ(std::rename(path.c_str(), rotated.c_str()), 0);
  JOT_INFO(log, "after rotation");
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(rotated), std::vector<std::string>{"before rotation"});
  EXPECT_EQ(jot::test::read_lines(path), std::vector<std::string>{"after rotation"});

  ASSERT_EQ(std::remove(path.c_str()), 0);
  JOT_INFO(log, "after deletion");
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(path), std::vector<std::string>{"after deletion"});

  // A rotation underneath is normal operation: nothing is reported.
  for (const auto& m : errors.snapshot()) ADD_FAILURE() << "reported: " << m;
}

TEST(file_rotation, a_record_larger_than_the_buffer_follows_a_rename_too) {
  // Written straight, without the buffer: it must still go to the file at
  // the path, not to the renamed one.
  const std::string path = jot::test::temp_path("rotate-large.log");
  const std::string rotated = jot::test::temp_path("rotate-large.log.1");
  auto& log = jot::make_logger(
      "rotate_large", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  JOT_INFO(log, "before rotation");
  jot::flush();
  ASSERT_EQ(std::rename(path.c_str(), rotated.c_str()), 0);
  const std::string large(200 * 1024, 'x');
  JOT_INFO(log, "{}", large);
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(rotated), std::vector<std::string>{"before rotation"});
  EXPECT_EQ(jot::test::read_lines(path), std::vector<std::string>{large});

  ASSERT_EQ(std::remove(path.c_str()), 0);
  JOT_INFO(log, "{}", large);
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(path), std::vector<std::string>{large});
}

}  // namespace
