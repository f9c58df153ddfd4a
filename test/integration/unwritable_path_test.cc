// A file that cannot be opened is reported through the error handler; the
// process goes on and the logger's other sinks get every record.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(unwritable_path, reported_and_other_sinks_keep_everything) {
  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(opts));

  const std::string bad = "/nonexistent-jot-dir/sub/app.log";
  const std::string good = jot::test::temp_path("good.log");
  auto& log = jot::make_logger(
      "two",
      {jot::file_sink(bad), jot::file_sink(good, {.format = jot::pattern_formatter("{message}")})});
  for (int i = 0; i < 100; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();

  const auto lines = jot::test::read_lines(good);
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(lines.front(), "record 0");
  EXPECT_EQ(lines.back(), "record 99");
  const auto messages = errors.snapshot();
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find(bad), std::string::npos) << messages[0];
  EXPECT_NE(messages[0].find("No such file or directory"), std::string::npos) << messages[0];
}

}  // namespace
