// A sink that logs (on the writer thread) never deadlocks jot: its records
// are written, or, when the writer's own ring is full, dropped and reported,
// one report per record.
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

class echoing_sink final : public jot::sink {
 public:
  echoing_sink(jot::logger& echo_to, int echoes) : echo_to_(echo_to), echoes_(echoes) {}
  void write(const jot::record_view&, std::string_view) override {
    ++seen;
    for (int i = 0; i < echoes_; ++i) JOT_INFO(echo_to_, "echo {} {}", seen.load(), i);
  }
  void flush() override {}
  std::atomic<int> seen{0};

 private:
  jot::logger& echo_to_;
  int echoes_;
};

TEST(sink_that_logs, no_deadlock_and_every_record_written_or_reported) {
  jot::test::error_log errors;
  jot::options opts;
  opts.ring_bytes = 4096;
  opts.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(opts));

  const std::string path = jot::test::temp_path("echo.log");
  auto& inner = jot::make_logger(
      "inner", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  constexpr int records = 500;
  constexpr int echoes = 10;
  auto echo = std::make_shared<echoing_sink>(inner, echoes);
  auto& outer = jot::make_logger("outer", {echo});
  for (int i = 0; i < records; ++i) JOT_INFO(outer, "outer {}", i);
  jot::flush();
  jot::flush();  // the echoes were logged after the first flush began
  jot::shutdown();

  EXPECT_EQ(echo->seen.load(), records);
  const auto lines = jot::test::read_lines(path);
  std::size_t dropped = 0;
  for (const auto& m : errors.snapshot()) {
    if (m.find("from a sink, formatter or error handler") != std::string::npos) ++dropped;
  }
  std::printf("%zu echoes written, %zu dropped and reported\n", lines.size(), dropped);
  EXPECT_EQ(lines.size() + dropped, static_cast<std::size_t>(records * echoes))
      << lines.size() << " written, " << dropped << " reported dropped";
  EXPECT_GT(lines.size(), 0u);
}

}  // namespace
