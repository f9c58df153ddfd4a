// A record larger than the whole ring neither deadlocks nor is cut, in
// every backpressure mode: block and drop send it through the heap, with a
// small entry in the ring that keeps its place among the thread's records
// (in drop mode that entry is dropped and counted like any other when the
// ring is full); grow makes the ring large enough, up to its maximum, and
// beyond that uses the heap too.
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

constexpr std::size_t ring_max = std::size_t{4} << 20;

bool start_once() {
  if (jot::running()) return true;
  jot::options opts;
  opts.ring_bytes = 4096;
  opts.ring_max_bytes = ring_max;
  return jot::start(opts);
}

jot::thread_stats this_thread_stats(const std::string& name) {
  for (const jot::thread_stats& t : jot::stats().threads) {
    if (t.thread_name == name) return t;
  }
  ADD_FAILURE() << "no stats for " << name;
  return {};
}

TEST(large_record, larger_than_the_ring_arrives_whole_and_in_order) {
  ASSERT_TRUE(start_once());
  const std::string path = jot::test::temp_path("large.log");
  auto& log = jot::make_logger(
      "large", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});

  const std::string big(1 << 20, 'x');  // 256 times the ring
  const std::string medium(3000, 'm');  // more than half the ring
  std::thread other([&log] {
    for (int i = 0; i < 2000; ++i) JOT_INFO(log, "other {}", i);
  });
  JOT_INFO(log, "before");
  JOT_INFO(log, "big {} end", big);
  JOT_INFO(log, "medium {}", medium);
  JOT_INFO(log, "after");
  other.join();
  jot::flush();

  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 2004u);
  std::vector<std::string> mine;
  for (const auto& l : lines) {
    if (l.rfind("other ", 0) != 0) mine.push_back(l);
  }
  ASSERT_EQ(mine.size(), 4u);
  EXPECT_EQ(mine[0], "before");
  EXPECT_EQ(mine[1], "big " + big + " end");
  EXPECT_EQ(mine[2], "medium " + medium);
  EXPECT_EQ(mine[3], "after");
}

TEST(large_record, grow_mode_grows_the_ring_to_fit_it) {
  ASSERT_TRUE(start_once());
  auto sink = std::make_shared<jot::test::capture_sink>(jot::pattern_formatter("{message}"));
  jot::logger& log = jot::make_logger("large-grow", {sink});
  log.set_backpressure(jot::backpressure::grow);
  const std::string big(1 << 20, 'g');   // needs a 4 MiB ring (half of it per entry)
  const std::string huge(3 << 20, 'h');  // more than half the largest ring: the heap
  jot::thread_stats stats;
  std::thread t([&] {
    pthread_setname_np(pthread_self(), "large-grow");
    JOT_INFO(log, "before");
    JOT_INFO(log, "big {} end", big);
    JOT_INFO(log, "huge {} end", huge);
    JOT_INFO(log, "after");
    jot::flush();
    stats = this_thread_stats("large-grow");
  });
  t.join();
  EXPECT_EQ(stats.ring_bytes, ring_max);
  EXPECT_EQ(stats.ring_growths, 1u);  // 4 KiB to 4 MiB in one step
  const auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "before\n");
  EXPECT_EQ(lines[1], "big " + big + " end\n");
  EXPECT_EQ(lines[2], "huge " + huge + " end\n");
  EXPECT_EQ(lines[3], "after\n");
}

TEST(large_record, drop_mode_writes_it_or_counts_it) {
  ASSERT_TRUE(start_once());
  auto gate = std::make_shared<jot::test::gate_sink>();
  jot::logger& log = jot::make_logger("large-drop", {gate});
  log.set_backpressure(jot::backpressure::drop);
  const std::string big(1 << 20, 'd');
  std::vector<std::string> messages;
  jot::thread_stats stats;
  std::thread t([&] {
    pthread_setname_np(pthread_self(), "large-drop");
    JOT_INFO(log, "first");  // holds the writer at the gate
    // Fill the ring, then log the large record: its entry finds no room.
    for (int i = 0; i < 1000; ++i) JOT_INFO(log, "filler {}", i);
    JOT_INFO(log, "big {} end", big);
    stats = this_thread_stats("large-drop");
    gate->open();
    jot::flush();
    // With room, it arrives whole.
    JOT_INFO(log, "big again {} end", big);
    jot::flush();
    stats = this_thread_stats("large-drop");
  });
  t.join();
  messages = gate->messages();
  ASSERT_GE(stats.dropped, 1u);
  EXPECT_EQ(stats.written + stats.dropped, 1u + 1000u + 2u);
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back(), "big again " + big + " end");
  // The first "big" was dropped (its ring was full) and the warning counts it.
  std::uint64_t warned = 0;
  for (const std::string& m : messages) {
    EXPECT_NE(m, "big " + big + " end");
    if (m.find("records dropped from thread") != std::string::npos) warned += std::stoull(m);
  }
  EXPECT_EQ(warned, stats.dropped);
}

}  // namespace
