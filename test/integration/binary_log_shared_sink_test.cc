// One binary log written at once by the writer thread (which keeps the
// sink's lock for a run of records) and by threads logging in
// delivery::sync mode, while another thread changes its flush policy:
// every record lands whole, once, in each thread's order, and nobody waits
// for the lock once the writer is done.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/binary_log_support.h"

namespace {

using namespace std::chrono_literals;

constexpr int async_threads = 2;
constexpr int async_records = 20'000;  // each: the file's 64 KiB buffer fills many times
constexpr int sync_records = 2'000;

// The messages of a binary log ("<who> <n>"), grouped by who, in file order.
std::map<std::string, std::vector<int>> numbers_by_writer(const std::string& path,
                                                          std::string& problems) {
  auto f = jot::pattern_formatter("{message}");
  const std::string text = jot::test::render_binary_log(path, *f, &problems);
  std::map<std::string, std::vector<int>> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    const std::size_t space = line.find(' ');
    if (space == std::string::npos) {
      out["?"].push_back(0);
      continue;
    }
    out[line.substr(0, space)].push_back(std::stoi(line.substr(space + 1)));
  }
  return out;
}

bool counts_up(const std::vector<int>& v, int n) {
  if (v.size() != static_cast<std::size_t>(n)) return false;
  for (int i = 0; i < n; ++i) {
    if (v[static_cast<std::size_t>(i)] != i) return false;
  }
  return true;
}

TEST(binary_log_shared_sink, writer_and_sync_callers_share_it_without_loss) {
  ASSERT_TRUE(jot::test::start_once_with_program_errors());
  const std::size_t errors_before = jot::test::program_errors().snapshot().size();
  const std::string path = jot::test::temp_path("shared.jotlog");
  const auto sink = jot::binary_file_sink(path, {.truncate = true});
  const jot::logger& async_log = jot::make_logger("shared async", {sink}, jot::level::info);
  jot::logger& sync_log = jot::make_logger("shared sync", {sink}, jot::level::info);
  sync_log.set_delivery(jot::delivery::sync);

  std::atomic<bool> done{false};
  std::thread policy([&] {
    // Taken and given back under the sink's lock, between the writer's runs.
    for (unsigned i = 0; !done.load(std::memory_order_relaxed); ++i) {
      jot::flush_policy p = sink->get_flush_policy();
      p.every_records = i % 2 == 0 ? 0 : 1'000;
      sink->set_flush_policy(p);
      std::this_thread::sleep_for(100us);
    }
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < async_threads; ++t) {
    producers.emplace_back([&, t] {
      const std::string who = fmt::format("a{}", t);
      for (int i = 0; i < async_records; ++i) JOT_INFO(async_log, "{} {}", who, i);
    });
  }
  producers.emplace_back([&] {
    for (int i = 0; i < sync_records; ++i) JOT_INFO(sync_log, "s {}", i);
  });
  for (std::thread& p : producers) p.join();
  done = true;
  policy.join();
  jot::flush();

  // The writer is idle now: the sink's lock is free for anyone.
  auto later = std::async(std::launch::async, [&] {
    JOT_INFO(sync_log, "s {}", sync_records);
    sink->set_flush_policy(jot::flush_policy{});
  });
  ASSERT_EQ(later.wait_for(10s), std::future_status::ready) << "the sink's lock was not given back";
  later.get();
  jot::flush();

  std::string problems;
  const auto by_writer = numbers_by_writer(path, problems);
  EXPECT_EQ(problems, "");
  EXPECT_EQ(by_writer.size(), static_cast<std::size_t>(async_threads + 1));
  for (int t = 0; t < async_threads; ++t) {
    const auto it = by_writer.find(fmt::format("a{}", t));
    ASSERT_NE(it, by_writer.end()) << "thread " << t;
    EXPECT_TRUE(counts_up(it->second, async_records))
        << "thread " << t << ": " << it->second.size() << " records";
  }
  const auto s = by_writer.find("s");
  ASSERT_NE(s, by_writer.end());
  EXPECT_TRUE(counts_up(s->second, sync_records + 1)) << s->second.size() << " records";
  EXPECT_EQ(jot::test::program_errors().snapshot().size(), errors_before);
}

}  // namespace
