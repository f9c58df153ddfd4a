// Grow mode: while the writer is held up, a thread's calls chain larger
// rings instead of waiting, nothing is lost and order holds; growth stops
// at options::ring_max_bytes, after which the logger blocks or drops as it
// chose.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

constexpr std::size_t ring = 4096;
constexpr std::size_t ring_max = std::size_t{1} << 20;
constexpr std::uint64_t max_growths = 8;  // 4 KiB doubled eight times is 1 MiB

std::optional<jot::thread_stats> find_stats(const std::string& thread_name) {
  for (const jot::thread_stats& t : jot::stats().threads) {
    if (t.thread_name == thread_name) return t;
  }
  return std::nullopt;
}

jot::thread_stats stats_of(const std::string& thread_name) {
  if (auto t = find_stats(thread_name)) return *t;
  ADD_FAILURE() << "no stats for thread " << thread_name;
  return {};
}

// A thread that logs `count` records, then stays alive (so its stats stay
// readable) until released.
class producer {
 public:
  producer(const jot::logger& log, std::string name, int count)
      : name_(std::move(name)), thread_([this, &log, count] {
          pthread_setname_np(pthread_self(), name_.c_str());
          for (int i = 0; i < count; ++i) JOT_INFO(log, "{} {}", name_, i);
          done_.store(true);
          std::unique_lock<std::mutex> lk(mu_);
          cv_.wait(lk, [this] { return released_; });
        }) {}
  ~producer() {
    {
      const std::lock_guard<std::mutex> lk(mu_);
      released_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool done() const { return done_.load(); }
  void wait_done() const {
    while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

 private:
  std::string name_;
  std::atomic<bool> done_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::thread thread_;
};

// The messages of `name`'s records, in the order written, as numbers.
std::vector<int> numbers_of(const std::vector<std::string>& messages, const std::string& name) {
  std::vector<int> out;
  const std::string prefix = name + " ";
  for (const std::string& m : messages) {
    if (m.rfind(prefix, 0) == 0) out.push_back(std::stoi(m.substr(prefix.size())));
  }
  return out;
}

bool counts_up(const std::vector<int>& v, int count) {
  if (static_cast<int>(v.size()) != count) return false;
  for (int i = 0; i < count; ++i) {
    if (v[static_cast<std::size_t>(i)] != i) return false;
  }
  return true;
}

class backpressure_grow : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    jot::options o;
    o.ring_bytes = ring;
    o.ring_max_bytes = ring_max;
    o.on_full = jot::backpressure::grow;  // at_max: block
    o.error_handler = errors.handler();
    ASSERT_TRUE(jot::start(o));
  }
  static jot::test::error_log errors;
};
jot::test::error_log backpressure_grow::errors;

TEST_F(backpressure_grow, a_burst_far_larger_than_the_ring_loses_nothing_and_never_waits) {
  auto gate = std::make_shared<jot::test::gate_sink>();
  const jot::logger& log = jot::make_logger("burst", {gate});
  constexpr int count = 10'000;  // about 480 KiB: 120 rings' worth
  {
    producer a(log, "burst-a", count);
    producer b(log, "burst-b", count);
    // Both finish while the writer is held in its first record: no call
    // waited for room.
    a.wait_done();
    b.wait_done();
    EXPECT_LE(gate->seen(), 1u);
    const jot::thread_stats sa = stats_of("burst-a");
    EXPECT_GE(sa.ring_growths, 1u);
    EXPECT_LE(sa.ring_growths, max_growths);
    EXPECT_GT(sa.ring_bytes, ring);
    EXPECT_LE(sa.ring_bytes, ring_max);
    EXPECT_EQ(sa.dropped, 0u);
    gate->open();
    jot::flush();
    // The writer saw at least the burst's bytes waiting at once.
    EXPECT_GE(stats_of("burst-a").ring_high_water, std::uint64_t{count} * 32);
  }
  const auto messages = gate->messages();
  EXPECT_EQ(messages.size(), 2u * count);
  EXPECT_TRUE(counts_up(numbers_of(messages, "burst-a"), count));
  EXPECT_TRUE(counts_up(numbers_of(messages, "burst-b"), count));
}

TEST_F(backpressure_grow, stops_at_the_maximum_then_blocks_and_loses_nothing) {
  auto gate = std::make_shared<jot::test::gate_sink>();
  const jot::logger& log = jot::make_logger("capped-block", {gate});
  constexpr int count = 100'000;  // about 4.8 MiB: more than the largest ring holds
  {
    producer p(log, "capped-block", count);
    // Wait until the ring has grown to its maximum; the thread then waits
    // for the writer, which is held up.
    for (int i = 0; i < 10'000; ++i) {
      const auto s = find_stats("capped-block");
      if (s && s->ring_bytes == ring_max) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(p.done());
    const jot::thread_stats s = stats_of("capped-block");
    EXPECT_EQ(s.ring_bytes, ring_max);
    EXPECT_EQ(s.ring_growths, max_growths);
    gate->open();
    p.wait_done();
    jot::flush();
    const jot::thread_stats after = stats_of("capped-block");
    EXPECT_EQ(after.ring_growths, max_growths);
    EXPECT_EQ(after.dropped, 0u);
    EXPECT_EQ(after.written, std::uint64_t{count});
  }
  EXPECT_TRUE(counts_up(numbers_of(gate->messages(), "capped-block"), count));
}

TEST_F(backpressure_grow, stops_at_the_maximum_then_drops_and_counts_exactly) {
  auto gate = std::make_shared<jot::test::gate_sink>();
  jot::logger& log = jot::make_logger("capped-drop", {gate});
  log.set_backpressure(jot::backpressure::grow, jot::backpressure::drop);
  constexpr int count = 100'000;
  std::vector<std::string> messages;
  {
    producer p(log, "capped-drop", count);
    p.wait_done();  // never waits: it grows, then drops
    EXPECT_LE(gate->seen(), 1u);
    const jot::thread_stats s = stats_of("capped-drop");
    EXPECT_EQ(s.ring_bytes, ring_max);
    EXPECT_EQ(s.ring_growths, max_growths);
    EXPECT_GT(s.dropped, 0u);
    gate->open();
    jot::flush();
    const jot::thread_stats after = stats_of("capped-drop");
    messages = gate->messages();
    // Every record logged is written or counted, and the warning says so.
    EXPECT_EQ(after.written + after.dropped, std::uint64_t{count});
    std::uint64_t reported = 0;
    for (const std::string& m : messages) {
      if (m.find("records dropped from thread") != std::string::npos) {
        reported += std::stoull(m);
      }
    }
    EXPECT_EQ(reported, after.dropped);
  }
  // What was written is the first records, in order: the ring filled, then
  // the rest were dropped.
  const auto numbers = numbers_of(messages, "capped-drop");
  ASSERT_FALSE(numbers.empty());
  for (std::size_t i = 0; i < numbers.size(); ++i) ASSERT_EQ(numbers[i], static_cast<int>(i));
}

}  // namespace
