// After shutdown() a log call is written synchronously, from any thread,
// in order, and jot can be started again.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(log_after_shutdown, calls_are_written_synchronously) {
  const std::string path = jot::test::temp_path("after.log");
  auto& log = jot::make_logger(
      "after", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});

  JOT_INFO(log, "before {}", 1);
  EXPECT_TRUE(jot::running());
  jot::shutdown();
  EXPECT_FALSE(jot::running());
  EXPECT_EQ(jot::test::read_lines(path), std::vector<std::string>{"before 1"})
      << "shutdown writes everything";

  JOT_INFO(log, "after {}", 2);
  // Written before the call returned: no flush needed.
  EXPECT_EQ(jot::test::read_lines(path), (std::vector<std::string>{"before 1", "after 2"}));

  std::thread([&log] { JOT_INFO(log, "from a new thread {}", 3); }).join();
  auto& late = jot::make_logger(
      "late", {jot::file_sink(path, {.format = jot::pattern_formatter("late {message}")})});
  JOT_WARN(late, "logger made after shutdown {}", 4);
  jot::flush();     // harmless when stopped
  jot::shutdown();  // harmless twice
  EXPECT_EQ(jot::test::read_lines(path),
            (std::vector<std::string>{"before 1", "after 2", "from a new thread 3",
                                      "late logger made after shutdown 4"}));
  EXPECT_FALSE(jot::running()) << "logging after shutdown must not restart the writer";
}

TEST(log_after_shutdown, start_again_after_shutdown) {
  const std::string path = jot::test::temp_path("restart.log");
  auto& log = jot::make_logger(
      "restart", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  jot::shutdown();
  JOT_INFO(log, "sync {}", 1);
  ASSERT_TRUE(jot::start());
  EXPECT_TRUE(jot::running());
  EXPECT_FALSE(jot::start()) << "already running";
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&log, t] {
      for (int i = 0; i < 1000; ++i) JOT_INFO(log, "async {} {}", t, i);
    });
  }
  for (auto& th : pool) th.join();
  jot::shutdown();
  JOT_INFO(log, "sync {}", 2);
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 4002u);
  EXPECT_EQ(lines.front(), "sync 1");
  EXPECT_EQ(lines.back(), "sync 2");
}

}  // namespace
