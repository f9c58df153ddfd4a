// Flush policies: a sink that records every write, flush and sync shows
// that each policy flushes when it says and not otherwise, and that
// jot::flush() syncs the sinks whose policy syncs.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

using clock_type = std::chrono::steady_clock;

struct event {
  char kind;  // 'w' write, 'f' flush, 's' sync
  clock_type::time_point at;
};

class counting_sink final : public jot::sink {
 public:
  explicit counting_sink(const jot::flush_policy& p) { set_flush_policy(p); }
  void write(const jot::record_view&, std::string_view) override { add('w'); }
  void flush() override { add('f'); }
  void sync() override { add('s'); }
  std::vector<event> events() {
    const std::lock_guard<std::mutex> lk(mu_);
    return events_;
  }
  std::string kinds() {
    std::string out;
    for (const event& e : events()) out.push_back(e.kind);
    return out;
  }
  std::size_t count(char kind) {
    std::size_t n = 0;
    for (const event& e : events()) n += e.kind == kind ? 1 : 0;
    return n;
  }

 private:
  void add(char kind) {
    const std::lock_guard<std::mutex> lk(mu_);
    events_.push_back({kind, clock_type::now()});
  }
  std::mutex mu_;
  std::vector<event> events_;
};

// A policy that flushes only when a test says so.
jot::flush_policy none() {
  jot::flush_policy p;
  p.on_idle = false;
  p.every = std::chrono::milliseconds{0};
  return p;
}

// Waits until the writer has handed over `records` writes and rested.
void settle(counting_sink& s, std::size_t records) {
  for (int i = 0; i < 5000 && s.count('w') < records; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

class flush_policy_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { jot::start(); }
};

TEST_F(flush_policy_test, defaults_are_documented_ones) {
  const jot::flush_policy p = counting_sink(jot::flush_policy{}).get_flush_policy();
  EXPECT_TRUE(p.on_idle);
  EXPECT_EQ(p.every, std::chrono::milliseconds(1000));
  EXPECT_EQ(p.every_records, 0u);
  EXPECT_EQ(p.at_level, jot::level::off);
  EXPECT_EQ(p.fsync, jot::fsync_policy::never);
}

TEST_F(flush_policy_test, every_n_records_and_nothing_else) {
  jot::flush_policy p = none();
  p.every_records = 10;
  auto s = std::make_shared<counting_sink>(p);
  auto& log = jot::make_logger("every-10", {s});
  for (int i = 0; i < 95; ++i) JOT_INFO(log, "record {}", i);
  settle(*s, 95);
  std::string expected;
  for (int i = 0; i < 9; ++i) expected += "wwwwwwwwwwf";
  expected += "wwwww";
  EXPECT_EQ(s->kinds(), expected);  // idle did not flush the last five
  jot::flush();
  EXPECT_EQ(s->kinds(), expected + "f");
  EXPECT_EQ(s->count('s'), 0u);  // fsync never, even at jot::flush()
}

TEST_F(flush_policy_test, at_or_above_a_level) {
  jot::flush_policy p = none();
  p.at_level = jot::level::error;
  auto s = std::make_shared<counting_sink>(p);
  auto& log = jot::make_logger("at-error", {s});
  JOT_INFO(log, "a");
  JOT_WARN(log, "b");
  JOT_ERROR(log, "c");
  JOT_INFO(log, "d");
  JOT_CRITICAL(log, "e");
  JOT_WARN(log, "f");
  settle(*s, 6);
  EXPECT_EQ(s->kinds(), "wwwfwwfw");
}

TEST_F(flush_policy_test, on_idle_flushes_once_the_rings_are_empty) {
  jot::flush_policy p = none();
  p.on_idle = true;
  auto s = std::make_shared<counting_sink>(p);
  auto& log = jot::make_logger("on-idle", {s});
  for (int i = 0; i < 3; ++i) JOT_INFO(log, "record {}", i);
  for (int i = 0; i < 5000 && s->count('f') == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string k = s->kinds();
  ASSERT_EQ(s->count('w'), 3u);
  ASSERT_GE(s->count('f'), 1u);
  EXPECT_EQ(k.back(), 'f');
  // Never a flush of a sink with nothing new.
  EXPECT_EQ(k.find("ff"), std::string::npos) << k;
  EXPECT_EQ(k.front(), 'w');
}

TEST_F(flush_policy_test, every_n_milliseconds_never_sooner) {
  jot::flush_policy p = none();
  p.every = std::chrono::milliseconds(50);
  auto s = std::make_shared<counting_sink>(p);
  auto& log = jot::make_logger("every-50ms", {s});
  const auto start = clock_type::now();
  int n = 0;
  while (clock_type::now() - start < std::chrono::milliseconds(400)) {
    JOT_INFO(log, "record {}", n++);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  settle(*s, static_cast<std::size_t>(n));
  const auto events = s->events();
  // Each flush comes at least 50 ms after the first record it flushes.
  std::size_t flushes = 0;
  bool have_first = false;
  clock_type::time_point first;
  for (const event& e : events) {
    if (e.kind == 'w' && !have_first) {
      first = e.at;
      have_first = true;
    } else if (e.kind == 'f') {
      ASSERT_TRUE(have_first);
      EXPECT_GE(e.at - first, std::chrono::milliseconds(50));
      have_first = false;
      ++flushes;
    }
  }
  // About eight in 400 ms; at least a few even on a loaded machine.
  EXPECT_GE(flushes, 3u);
  EXPECT_LE(flushes, 9u);
}

TEST_F(flush_policy_test, fsync_on_every_flush) {
  jot::flush_policy p = none();
  p.every_records = 5;
  p.fsync = jot::fsync_policy::every_flush;
  auto s = std::make_shared<counting_sink>(p);
  auto& log = jot::make_logger("fsync-every", {s});
  for (int i = 0; i < 20; ++i) JOT_INFO(log, "record {}", i);
  settle(*s, 20);
  EXPECT_EQ(s->kinds(), "wwwwwfswwwwwfswwwwwfswwwwwfs");
  jot::flush();  // nothing new: no flush, no sync
  EXPECT_EQ(s->kinds(), "wwwwwfswwwwwfswwwwwfswwwwwfs");
}

TEST_F(flush_policy_test, fsync_at_most_every_interval_and_at_jot_flush) {
  jot::flush_policy p = none();
  p.every_records = 1;
  p.fsync = jot::fsync_policy::interval;
  p.fsync_every = std::chrono::milliseconds(300);
  auto s = std::make_shared<counting_sink>(p);
  auto& log = jot::make_logger("fsync-interval", {s});
  for (int i = 0; i < 10; ++i) JOT_INFO(log, "record {}", i);
  for (int i = 0; i < 5000 && s->count('w') < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Ten flushes; the first syncs, the rest leave a sync owed.
  EXPECT_EQ(s->count('f'), 10u);
  EXPECT_EQ(s->count('s'), 1u);
  // The writer makes the owed sync once the interval has passed.
  for (int i = 0; i < 5000 && s->count('s') < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(s->count('s'), 2u);
  const auto events = s->events();
  std::vector<clock_type::time_point> syncs;
  for (const event& e : events) {
    if (e.kind == 's') syncs.push_back(e.at);
  }
  ASSERT_EQ(syncs.size(), 2u);
  EXPECT_GE(syncs.back() - syncs.front(), std::chrono::milliseconds(300));
  // A new record within the interval: flushed, its sync owed; jot::flush()
  // makes it at once.
  JOT_INFO(log, "late");
  jot::flush();
  EXPECT_EQ(s->count('s'), 3u);
  EXPECT_EQ(s->kinds().back(), 's');
}

}  // namespace
