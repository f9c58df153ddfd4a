// 8 threads x 100,000 records through 4 KiB rings in block mode: every
// record reaches the file exactly once, in order within its thread, and the
// file is in non-decreasing timestamp order overall.
#include <charconv>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

constexpr int threads = 8;
constexpr std::uint64_t per_thread = 100'000;

std::uint64_t parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  EXPECT_EQ(r.ec, std::errc()) << s;
  return v;
}

TEST(many_threads_block_order, every_record_once_in_order) {
  jot::options opts;
  opts.ring_bytes = 4096;  // tiny: producers block constantly
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("order.log");
  auto& log = jot::make_logger(
      "order", {jot::file_sink(path, {.format = jot::pattern_formatter("{epoch_ns} {message}")})});

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&log, t] {
      for (std::uint64_t i = 0; i < per_thread; ++i) {
        JOT_INFO(log, "{} {} padding-{}", t, i, "x");
      }
    });
  }
  for (auto& th : pool) th.join();
  jot::flush();

  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), threads * per_thread);
  std::vector<std::int64_t> next(threads, 0);
  std::uint64_t last_time = 0;
  std::size_t out_of_order_times = 0;
  for (const std::string& line : lines) {
    // "<epoch_ns> <thread> <seq> padding-x"
    const auto a = line.find(' ');
    const auto b = line.find(' ', a + 1);
    const auto c = line.find(' ', b + 1);
    ASSERT_NE(c, std::string::npos) << line;
    const std::uint64_t time = parse_u64(std::string_view(line).substr(0, a));
    const auto t = static_cast<int>(parse_u64(std::string_view(line).substr(a + 1, b - a - 1)));
    const std::uint64_t seq = parse_u64(std::string_view(line).substr(b + 1, c - b - 1));
    ASSERT_LT(t, threads) << line;
    ASSERT_EQ(static_cast<std::int64_t>(seq), next[static_cast<std::size_t>(t)])
        << "thread " << t << ": missing, duplicated or reordered record";
    ++next[static_cast<std::size_t>(t)];
    if (time < last_time) ++out_of_order_times;
    last_time = std::max(last_time, time);
  }
  EXPECT_EQ(out_of_order_times, 0u) << "timestamps must never go backwards in the file";
  for (int t = 0; t < threads; ++t) {
    EXPECT_EQ(next[static_cast<std::size_t>(t)], static_cast<std::int64_t>(per_thread));
  }
}

}  // namespace
