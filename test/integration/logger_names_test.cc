// Logger names belong to the application: jot's crash handler takes none
// of them, and a make_logger() call that would silently get a logger with
// other sinks or another level is reported.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <jot/crash.h>

#include "support/test_support.h"

namespace {

class logger_names : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    jot::options opts;
    opts.error_handler = errors_.handler();
    jot::start(opts);
  }
  static void TearDownTestSuite() { jot::shutdown(); }
  static jot::test::error_log errors_;
};
jot::test::error_log logger_names::errors_;

std::shared_ptr<jot::formatter> message_only() { return jot::pattern_formatter("{message}"); }

TEST_F(logger_names, crash_is_the_applications_after_the_crash_handler_is_installed) {
  ASSERT_TRUE(jot::install_crash_handler());
  const std::string path = jot::test::temp_path("names-crash.log");
  auto& crash = jot::make_logger("crash", {jot::file_sink(path, {.format = message_only()})});
  EXPECT_EQ(crash.sinks().size(), 1u);
  EXPECT_EQ(jot::find_logger("crash"), &crash);
  for (int i = 0; i < 100; ++i) JOT_INFO(crash, "report {}", i);
  jot::flush();
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 100u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(lines[static_cast<std::size_t>(i)], "report " + std::to_string(i));
  EXPECT_EQ(errors_.count("make_logger"), 0u);
}

TEST_F(logger_names, a_second_make_logger_with_other_sinks_is_reported) {
  const std::string first_path = jot::test::temp_path("names-first.log");
  const std::string second_path = jot::test::temp_path("names-second.log");
  auto first_sink = jot::file_sink(first_path, {.format = message_only()});
  auto& first = jot::make_logger("orders", {first_sink});
  // The same sinks and level: the same logger, nothing to say.
  EXPECT_EQ(&jot::make_logger("orders", {first_sink}), &first);
  EXPECT_EQ(errors_.count("make_logger(\"orders\")"), 0u);

  auto& again =
      jot::make_logger("orders", {jot::file_sink(second_path, {.format = message_only()})});
  EXPECT_EQ(&again, &first);
  EXPECT_EQ(errors_.count("make_logger(\"orders\")", "other sink(s)"), 1u);

  auto& louder = jot::make_logger("orders", {first_sink}, jot::level::debug);
  EXPECT_EQ(&louder, &first);
  EXPECT_EQ(errors_.count("make_logger(\"orders\")", "level INFO instead of DEBUG"), 1u);

  // The records go where the existing logger sends them, and say so.
  JOT_INFO(again, "paid");
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(first_path), std::vector<std::string>{"paid"});
}

TEST_F(logger_names, the_default_logger_is_an_application_logger_of_that_name) {
  const std::string path = jot::test::temp_path("names-default.log");
  auto& mine = jot::make_logger("default", {jot::file_sink(path, {.format = message_only()})});
  EXPECT_EQ(&jot::default_logger(), &mine);
  EXPECT_EQ(errors_.count("make_logger(\"default\")"), 0u);
}

}  // namespace
