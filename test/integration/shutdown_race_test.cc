// Calls that race shutdown() lose nothing: a call whose arguments are still
// being evaluated when shutdown() begins, and many threads logging while it
// runs; and shutdown/start cycles while a thread logs never hang it.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

std::atomic<bool> in_arguments{false};

int slow_argument() {
  in_arguments = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 42;
}

TEST(shutdown_race, a_call_whose_arguments_outlast_shutdown_is_written) {
  ASSERT_TRUE(jot::start());
  const std::string path = jot::test::temp_path("late.log");
  auto& log = jot::make_logger(
      "late", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  JOT_INFO(log, "first");
  std::thread t([&log] { JOT_INFO(log, "late {}", slow_argument()); });
  while (!in_arguments) std::this_thread::yield();
  jot::shutdown();
  t.join();
  EXPECT_EQ(jot::test::read_lines(path), (std::vector<std::string>{"first", "late 42"}));
}

TEST(shutdown_race, every_returned_call_is_written_when_shutdown_races_many_threads) {
  ASSERT_TRUE(jot::start());
  const std::string path = jot::test::temp_path("race.log");
  auto& log = jot::make_logger(
      "race", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  constexpr int threads = 4;
  std::atomic<bool> stop{false};
  std::vector<long> returned(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      long i = 0;
      for (; !stop.load(std::memory_order_relaxed); ++i) JOT_INFO(log, "t{} {}", t, i);
      returned[static_cast<std::size_t>(t)] = i;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  jot::shutdown();  // the threads keep logging through it
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  for (auto& th : pool) th.join();
  long total = 0;
  for (long r : returned) total += r;
  EXPECT_EQ(static_cast<long>(jot::test::read_lines(path).size()), total);
}

TEST(shutdown_race, shutdown_and_start_cycles_while_a_thread_logs) {
  const std::string path = jot::test::temp_path("cycles.log");
  auto& log = jot::make_logger(
      "cycles", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  std::atomic<bool> stop{false};
  long returned = 0;
  std::thread logger_thread([&] {
    long i = 0;
    for (; !stop.load(std::memory_order_relaxed); ++i) JOT_INFO(log, "{}", i);
    returned = i;
  });
  for (int cycle = 0; cycle < 50; ++cycle) {
    jot::start();
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    jot::shutdown();
  }
  stop = true;
  logger_thread.join();  // a hang here is the failure (CTest's timeout)
  EXPECT_EQ(static_cast<long>(jot::test::read_lines(path).size()), returned);
}

}  // namespace
