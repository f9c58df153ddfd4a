// Callers blocked on full rings (backpressure::block) behind a slow sink:
// every blocked call ends, with every record in the file once and in order
// within its thread, nothing dropped and no ring grown; and shutdown()
// while callers are blocked returns, each caller finishing its records
// (the rest written on its own thread once the writer has stopped); and a
// blocked caller sleeps until the writer makes room for it, rather than
// waking again and again to look.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

constexpr std::size_t ring_bytes = 4096;

// Sleeps a little before each record it writes, so the writer stays far
// behind the callers and their rings stay full.
class slow_file_sink final : public jot::sink {
 public:
  slow_file_sink(std::shared_ptr<jot::sink> file, std::chrono::microseconds delay)
      : jot::sink(jot::pattern_formatter("{message}")), file_(std::move(file)), delay_(delay) {}
  void write(const jot::record_view& rec, std::string_view line) override {
    std::this_thread::sleep_for(delay_);
    file_->write(rec, line);
  }
  void flush() override { file_->flush(); }

 private:
  std::shared_ptr<jot::sink> file_;
  std::chrono::microseconds delay_;
};

// Holds every write until open() is called: the writer stalls in it, and
// the callers' rings stay full for as long as the test likes.
class gated_file_sink final : public jot::sink {
 public:
  explicit gated_file_sink(std::shared_ptr<jot::sink> file)
      : jot::sink(jot::pattern_formatter("{message}")), file_(std::move(file)) {}
  void write(const jot::record_view& rec, std::string_view line) override {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return open_; });
    lk.unlock();
    file_->write(rec, line);
  }
  void flush() override { file_->flush(); }
  void open() {
    {
      const std::lock_guard<std::mutex> lk(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::shared_ptr<jot::sink> file_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// The number of times thread `tid` of this process gave up its CPU
// (blocking or sleeping), from /proc; -1 if it cannot be read.
long voluntary_switches(long tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/status");
  std::string line;
  constexpr std::string_view key = "voluntary_ctxt_switches:";
  while (std::getline(in, line)) {
    if (line.starts_with(key)) return std::stol(line.substr(key.size()));
  }
  return -1;
}

std::uint64_t parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  EXPECT_EQ(r.ec, std::errc()) << s;
  return v;
}

// Checks "<thread> <seq> ..." lines: every thread's records 0 .. per_thread-1,
// each once, in order.
void expect_every_record_once_in_order(const std::vector<std::string>& lines, int threads,
                                       std::uint64_t per_thread) {
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads) * per_thread);
  std::vector<std::uint64_t> next(static_cast<std::size_t>(threads), 0);
  for (const std::string& line : lines) {
    const auto a = line.find(' ');
    const auto b = line.find(' ', a + 1);
    ASSERT_NE(b, std::string::npos) << line;
    const auto t = parse_u64(std::string_view(line).substr(0, a));
    const auto seq = parse_u64(std::string_view(line).substr(a + 1, b - a - 1));
    ASSERT_LT(t, static_cast<std::uint64_t>(threads)) << line;
    ASSERT_EQ(seq, next[t]) << "thread " << t << ": missing, duplicated or reordered record";
    ++next[t];
  }
}

// Waits (up to a generous bound, not a timing check) until `n` threads have
// each found their ring full at least once.
bool wait_until_blocked(std::size_t n) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    std::size_t full = 0;
    for (const jot::thread_stats& t : jot::stats().threads) {
      if (t.ring_high_water >= t.ring_bytes && t.ring_bytes != 0) ++full;
    }
    if (full >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Starts jot with small rings in block mode and makes a logger writing to
// `sink`.
jot::logger& start_blocking(const std::string& name, std::shared_ptr<jot::sink> sink) {
  jot::options opts;
  opts.ring_bytes = ring_bytes;
  opts.on_full = jot::backpressure::block;
  EXPECT_TRUE(jot::start(opts));
  return jot::make_logger(name, {std::move(sink)});
}

// Threads 0 .. threads-1 each log "<thread> <seq> padding" for seq 0 ..
// per_thread-1. Each stores its kernel thread id in (*tids)[t] first, and
// counts itself in *done at the end, where given.
std::vector<std::thread> start_callers(jot::logger& log, int threads, std::uint64_t per_thread,
                                       std::vector<std::atomic<long>>* tids = nullptr,
                                       std::atomic<int>* done = nullptr) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&log, per_thread, tids, done, t] {
      if (tids != nullptr) {
        (*tids)[static_cast<std::size_t>(t)].store(static_cast<long>(::syscall(SYS_gettid)));
      }
      for (std::uint64_t i = 0; i < per_thread; ++i) JOT_INFO(log, "{} {} padding", t, i);
      if (done != nullptr) done->fetch_add(1);
    });
  }
  return pool;
}

TEST(blocking_callers, all_finish_with_every_record_once_in_order) {
  constexpr int threads = 16;
  constexpr std::uint64_t per_thread = 1'000;
  const std::string path = jot::test::temp_path("blocked.log");
  auto& log = start_blocking("blocked", std::make_shared<slow_file_sink>(
                                            jot::file_sink(path), std::chrono::microseconds(1)));
  std::vector<std::thread> pool = start_callers(log, threads, per_thread);
  for (auto& th : pool) th.join();
  jot::flush();

  const jot::stats_snapshot s = jot::stats();
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.ring_growths, 0u) << "block mode must keep the rings' size";
  // Memory stays bounded by the rings: no thread held more than its ring.
  for (const jot::thread_stats& t : s.threads) EXPECT_LE(t.ring_high_water, ring_bytes);
  expect_every_record_once_in_order(jot::test::read_lines(path), threads, per_thread);
  jot::shutdown();
}

TEST(blocking_callers, shutdown_with_blocked_callers_ends) {
  constexpr int threads = 8;
  constexpr std::uint64_t per_thread = 2'000;
  const std::string path = jot::test::temp_path("stopped.log");
  auto& log = start_blocking("stopped", std::make_shared<slow_file_sink>(
                                            jot::file_sink(path), std::chrono::microseconds(50)));
  std::atomic<int> done{0};
  std::vector<std::thread> pool = start_callers(log, threads, per_thread, nullptr, &done);
  // Every thread has found its ring full; with ~70 records a ring and
  // 50 us a record, they are still blocked when shutdown() starts.
  ASSERT_TRUE(wait_until_blocked(threads)) << "the callers never filled their rings";
  EXPECT_LT(done.load(), threads);
  jot::shutdown();
  for (auto& th : pool) th.join();
  EXPECT_EQ(done.load(), threads);
  EXPECT_FALSE(jot::running());
  expect_every_record_once_in_order(jot::test::read_lines(path), threads, per_thread);
}

// A caller blocked on a full ring sleeps until the writer has made room
// for it (with a safety-net timeout of 10 ms): while the writer is stalled
// for half a second, each blocked caller wakes a few dozen times at most.
// A caller that polled (spinning, yielding, or napping for a fixed time)
// would wake thousands of times, burning a core between them.
TEST(blocking_callers, a_blocked_caller_sleeps_until_there_is_room) {
  constexpr int threads = 4;
  constexpr std::uint64_t per_thread = 500;
  const std::string path = jot::test::temp_path("sleeping.log");
  auto gate = std::make_shared<gated_file_sink>(jot::file_sink(path));
  auto& log = start_blocking("sleeping", gate);
  std::vector<std::atomic<long>> tids(threads);
  std::vector<std::thread> pool = start_callers(log, threads, per_thread, &tids);
  // ~70 records fill a ring: every caller blocks, the writer waits at the gate.
  ASSERT_TRUE(wait_until_blocked(threads)) << "the callers never filled their rings";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the first looks
  std::vector<long> before(threads);
  for (int t = 0; t < threads; ++t) before[t] = voluntary_switches(tids[t].load());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<long> after(threads);
  for (int t = 0; t < threads; ++t) after[t] = voluntary_switches(tids[t].load());
  gate->open();
  for (auto& th : pool) th.join();
  jot::flush();

  for (int t = 0; t < threads; ++t) {
    ASSERT_GE(before[t], 0) << "cannot read /proc/self/task/<tid>/status";
    // 50 timeouts in 500 ms; 250 leaves room for a slow machine's late wake-ups.
    EXPECT_LT(after[t] - before[t], 250) << "caller " << t << " woke " << after[t] - before[t]
                                         << " times in 500 ms while its ring stayed full";
  }
  EXPECT_EQ(jot::stats().dropped, 0u);
  expect_every_record_once_in_order(jot::test::read_lines(path), threads, per_thread);
  jot::shutdown();
}

}  // namespace
