// Sinks and error handlers that log never deadlock jot, even when the
// thread writing is an ordinary thread (after shutdown), and an error
// handler that logs is called for every report.
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

class echoing_sink final : public jot::sink {
 public:
  explicit echoing_sink(jot::logger& to) : to_(to) {}
  void write(const jot::record_view& r, std::string_view) override {
    ++seen;
    JOT_INFO(to_, "echo of {}", r.message);
    jot::flush();  // must return at once here, not wait for itself
  }
  void flush() override {}
  std::atomic<int> seen{0};

 private:
  jot::logger& to_;
};

class throwing_sink final : public jot::sink {
 public:
  void write(const jot::record_view&, std::string_view) override {
    throw std::runtime_error("disk on fire");
  }
  void flush() override {}
};

TEST(reentrant_logging, a_sink_that_logs_after_shutdown_does_not_deadlock) {
  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("echo.log");
  auto& inner = jot::make_logger(
      "inner-sync", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  auto echo = std::make_shared<echoing_sink>(inner);
  auto& outer = jot::make_logger("outer-sync", {echo});
  jot::shutdown();
  for (int i = 0; i < 10; ++i) JOT_INFO(outer, "after shutdown {}", i);  // written synchronously
  EXPECT_EQ(echo->seen.load(), 10);
  std::size_t reported = 0;
  for (const auto& m : errors.snapshot()) {
    if (m.find("while jot writes synchronously was dropped") != std::string::npos) ++reported;
  }
  EXPECT_EQ(reported + jot::test::read_lines(path).size(), 10u);
}

TEST(reentrant_logging, an_error_handler_that_logs_hears_every_report) {
  const std::string path = jot::test::temp_path("errors.log");
  auto& error_log = jot::make_logger(
      "errors", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  std::atomic<int> calls{0};
  jot::options opts;
  opts.ring_bytes = 64 * 1024;
  opts.error_handler = [&](std::string_view m) {
    ++calls;
    JOT_ERROR(error_log, "jot says: {}", m);  // often on the writer thread
  };
  ASSERT_TRUE(jot::start(opts));
  auto& failing = jot::make_logger("failing", {std::make_shared<throwing_sink>()});
  constexpr int records = 3000;
  for (int i = 0; i < records; ++i) JOT_INFO(failing, "record {}", i);
  jot::flush();
  jot::flush();
  jot::shutdown();
  // Each record's sink threw once, so the handler heard of each exactly
  // once; what its own logging raised (records dropped from the writer's
  // full ring) is not passed back to it, and nothing hangs.
  EXPECT_EQ(calls.load(), records);
  EXPECT_FALSE(jot::test::read_lines(path).empty());
}

}  // namespace
