// Drop mode: threads outrun a slow sink through tiny rings. Every record is
// either written or counted as dropped, the warning records say how many
// and from which thread, the written ones keep their order, and a logger
// that chose block mode loses nothing meanwhile.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

// Keeps (thread id, message) of each record, slowly.
class slow_sink final : public jot::sink {
 public:
  slow_sink() : sink(jot::pattern_formatter("{message}")) {}
  void write(const jot::record_view& r, std::string_view) override {
    std::this_thread::sleep_for(std::chrono::microseconds(5));
    const std::lock_guard<std::mutex> lk(mu_);
    records_.emplace_back(r.thread_id, std::string(r.message));
  }
  void flush() override {}
  std::vector<std::pair<std::uint64_t, std::string>> records() {
    const std::lock_guard<std::mutex> lk(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<std::uint64_t, std::string>> records_;
};

TEST(backpressure_drop, written_plus_dropped_equals_logged) {
  jot::test::error_log errors;
  jot::options o;
  o.ring_bytes = 4096;  // the smallest ring
  o.on_full = jot::backpressure::drop;
  o.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(o));

  auto dropping_sink = std::make_shared<slow_sink>();
  auto blocking_sink = std::make_shared<slow_sink>();
  const jot::logger& dropping = jot::make_logger("dropping", {dropping_sink});
  jot::logger& blocking = jot::make_logger("blocking", {blocking_sink});
  blocking.set_backpressure(jot::backpressure::block);

  constexpr int threads = 4;
  constexpr int per_thread = 20'000;
  constexpr int blocking_records = 5'000;
  std::vector<std::thread> pool;
  std::map<std::uint64_t, int> thread_index;  // kernel id -> index
  std::mutex ids_mu;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      {
        const std::lock_guard<std::mutex> lk(ids_mu);
        thread_index[static_cast<std::uint64_t>(gettid())] = t;
      }
      for (int i = 0; i < per_thread; ++i) JOT_INFO(dropping, "t{} n{}", t, i);
    });
  }
  std::thread blocker([&] {
    for (int i = 0; i < blocking_records; ++i) JOT_INFO(blocking, "b{}", i);
  });
  for (auto& th : pool) th.join();
  blocker.join();
  jot::flush();

  // The blocking logger lost nothing, in order.
  const auto blocked = blocking_sink->records();
  ASSERT_EQ(blocked.size(), static_cast<std::size_t>(blocking_records));
  for (int i = 0; i < blocking_records; ++i) EXPECT_EQ(blocked[i].second, "b" + std::to_string(i));

  std::uint64_t data = 0;
  std::map<std::uint64_t, std::uint64_t> warned;  // thread id -> dropped, per the warnings
  std::vector<int> last(threads, -1);
  for (const auto& [tid, msg] : dropping_sink->records()) {
    if (msg.find(" records dropped from thread ") != std::string::npos) {
      const std::uint64_t n = std::stoull(msg);
      const std::uint64_t named = std::stoull(msg.substr(msg.find("thread ") + 7));
      EXPECT_EQ(named, tid) << msg;
      warned[tid] += n;
      continue;
    }
    ++data;
    // Per thread, what was written keeps its order.
    const int t = std::stoi(msg.substr(1));
    const int i = std::stoi(msg.substr(msg.find(" n") + 2));
    ASSERT_TRUE(t >= 0 && t < threads) << msg;
    EXPECT_GT(i, last[t]) << msg;
    last[t] = i;
  }
  const jot::stats_snapshot st = jot::stats();
  std::uint64_t warned_total = 0;
  for (const auto& [tid, n] : warned) {
    EXPECT_EQ(thread_index.count(tid), 1u) << "warning names an unknown thread " << tid;
    warned_total += n;
  }
  EXPECT_GT(st.dropped, 0u) << "the test must make the rings overflow";
  std::printf("written %llu, dropped %llu of %d\n", static_cast<unsigned long long>(data),
              static_cast<unsigned long long>(st.dropped), threads * per_thread);
  EXPECT_EQ(data + st.dropped, static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_EQ(warned_total, st.dropped);
  EXPECT_EQ(st.written, data + static_cast<std::uint64_t>(blocking_records));
  bool handler_heard = false;
  for (const std::string& m : errors.snapshot()) {
    handler_heard = handler_heard || m.find("dropped on thread") != std::string::npos;
  }
  EXPECT_TRUE(handler_heard);
}

}  // namespace
