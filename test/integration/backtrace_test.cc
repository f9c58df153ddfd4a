// The flight recorder: records below a logger's level are kept (not
// written) and written, oldest first and marked backtrace=true, before the
// first record at the dump level, on dump_backtrace(), and never more than
// the number asked for.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

std::shared_ptr<jot::sink> text_file(const std::string& path) {
  return jot::file_sink(path, {.format = jot::pattern_formatter("{level} {message}{fields}")});
}

TEST(backtrace, kept_records_are_written_before_an_error) {
  ASSERT_TRUE(jot::start());
  const std::string path = jot::test::temp_path("bt.log");
  auto& log = jot::make_logger("bt", {text_file(path)});
  log.enable_backtrace(5);
  EXPECT_EQ(log.get_level(), jot::level::info);
  for (int i = 0; i < 10; ++i) JOT_DEBUG(log, "debug {}", i);
  JOT_INFO(log, "normal");
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(path), std::vector<std::string>{"INFO normal"});
  JOT_TRACE(log, "trace {}", 10);
  JOT_ERROR(log, "boom");
  JOT_DEBUG(log, "after");  // kept again, for the next dump
  JOT_WARN(log, "a warning does not dump");
  jot::flush();
  const std::vector<std::string> expected{
      "INFO normal",
      "DEBUG debug 6 backtrace=true",
      "DEBUG debug 7 backtrace=true",
      "DEBUG debug 8 backtrace=true",
      "DEBUG debug 9 backtrace=true",
      "TRACE trace 10 backtrace=true",
      "ERROR boom",
      "WARN a warning does not dump",
  };
  EXPECT_EQ(jot::test::read_lines(path), expected);

  // On request.
  jot::dump_backtrace();
  auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), expected.size() + 1);
  EXPECT_EQ(lines.back(), "DEBUG after backtrace=true");

  // Turned off: below the level is discarded again, nothing kept.
  log.enable_backtrace(0);
  JOT_DEBUG(log, "gone");
  JOT_ERROR(log, "boom 2");
  jot::flush();
  lines = jot::test::read_lines(path);
  EXPECT_EQ(lines.back(), "ERROR boom 2");
  EXPECT_EQ(lines.size(), expected.size() + 2);

  // Memory stays bounded: of 100,000 records from 4 threads, the last 100
  // in time order, each thread's in its own order.
  log.enable_backtrace(100, jot::level::warn);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&log, t] {
      for (int i = 0; i < 25'000; ++i) JOT_DEBUG(log, "t{} {}", t, i);
    });
  }
  for (auto& t : ts) t.join();
  JOT_WARN(log, "dump now");
  jot::flush();
  lines = jot::test::read_lines(path);
  ASSERT_GE(lines.size(), 101u);
  std::vector<int> last(4, -1);
  std::size_t kept = 0;
  for (std::size_t i = lines.size() - 101; i + 1 < lines.size(); ++i) {
    int t = -1;
    int n = -1;
    ASSERT_EQ(std::sscanf(lines[i].c_str(), "DEBUG t%d %d backtrace=true", &t, &n), 2) << lines[i];
    ASSERT_GT(n, last[t]);
    last[t] = n;
    ++kept;
  }
  EXPECT_EQ(kept, 100u);
  EXPECT_EQ(lines.back(), "WARN dump now");
  // Every thread's last record is among them (each logged last a 24,999).
  int with_last = 0;
  for (int v : last) with_last += v == 24'999 ? 1 : 0;
  EXPECT_GE(with_last, 1);
}

TEST(backtrace, works_in_sync_delivery_and_json) {
  const std::string path = jot::test::temp_path("bt.json");
  auto& log =
      jot::make_logger("bt-sync", {jot::file_sink(path, {.format = jot::json_formatter()})});
  log.set_delivery(jot::delivery::sync);
  log.enable_backtrace(10);
  JOT_DEBUG(log, "kept {id}", 7);
  JOT_ERROR(log, "failed");
  jot::flush();
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"message\":\"kept 7\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"id\":7"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"backtrace\":true"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"message\":\"failed\""), std::string::npos) << lines[1];
}

TEST(backtrace, after_shutdown_records_are_still_kept_and_dumped) {
  jot::shutdown();
  const std::string path = jot::test::temp_path("bt-after.log");
  auto& log = jot::make_logger("bt-after", {text_file(path)});
  log.enable_backtrace(2);
  JOT_DEBUG(log, "one");
  JOT_DEBUG(log, "two");
  JOT_DEBUG(log, "three");
  JOT_ERROR(log, "failed");
  const std::vector<std::string> expected{"DEBUG two backtrace=true", "DEBUG three backtrace=true",
                                          "ERROR failed"};
  EXPECT_EQ(jot::test::read_lines(path), expected);
}

}  // namespace
