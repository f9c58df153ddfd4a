// Drop mode: threads outrun a slow sink through tiny rings. Every record is
// either written or counted as dropped, thread by thread and logger by
// logger; the warning records say how many and from which thread, in the
// sinks of the logger that dropped, at most about once a second each, and in
// time order with the records; the written records keep their order; and a
// logger that chose block mode loses nothing meanwhile.
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

struct kept_record {
  std::uint64_t thread_id;
  std::int64_t time_ns;
  std::string message;
};

// Keeps each record, slowly.
class slow_sink final : public jot::sink {
 public:
  slow_sink() : sink(jot::pattern_formatter("{message}")) {}
  void write(const jot::record_view& r, std::string_view) override {
    std::this_thread::sleep_for(std::chrono::microseconds(5));
    const std::lock_guard<std::mutex> lk(mu_);
    records_.push_back({r.thread_id, r.time_ns, std::string(r.message)});
  }
  void flush() override {}
  std::vector<kept_record> records() {
    const std::lock_guard<std::mutex> lk(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::vector<kept_record> records_;
};

// "N records dropped from thread T since S": N and T, or nothing.
bool parse_warning(const std::string& msg, std::uint64_t& count, std::uint64_t& thread) {
  if (msg.find(" records dropped from thread ") == std::string::npos) return false;
  count = std::stoull(msg);
  thread = std::stoull(msg.substr(msg.find("thread ") + 7));
  return true;
}

// The sum of N in the error handler's "N records from logger 'L' dropped on
// thread T: ..." reports about logger L.
std::uint64_t handler_drops(const std::vector<std::string>& reports, const std::string& logger) {
  std::uint64_t sum = 0;
  const std::string key = " records from logger '" + logger + "' dropped on thread ";
  for (const std::string& m : reports) {
    if (m.find(key) != std::string::npos) sum += std::stoull(m);
  }
  return sum;
}

// jot runs once for the whole binary, with the smallest rings in drop mode.
jot::test::error_log& errors() {
  // Never destroyed: jot may still report while the process exits.
  static auto* log = new jot::test::error_log;
  return *log;
}

bool start_jot_once() {
  static const bool started = [] {
    jot::options o;
    o.ring_bytes = 4096;  // the smallest ring
    o.on_full = jot::backpressure::drop;
    o.error_handler = errors().handler();
    return jot::start(o);
  }();
  return started;
}

TEST(backpressure_drop, written_plus_dropped_equals_logged) {
  ASSERT_TRUE(start_jot_once());
  auto dropping_sink = std::make_shared<slow_sink>();
  auto blocking_sink = std::make_shared<slow_sink>();
  const jot::logger& dropping = jot::make_logger("dropping", {dropping_sink});
  jot::logger& blocking = jot::make_logger("blocking", {blocking_sink});
  blocking.set_backpressure(jot::backpressure::block);

  const auto began = std::chrono::steady_clock::now();
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
  for (int i = 0; i < blocking_records; ++i) EXPECT_EQ(blocked[i].message, "b" + std::to_string(i));

  const auto elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - began);
  std::uint64_t data = 0;
  std::vector<int> written(threads, 0);
  std::map<std::uint64_t, std::uint64_t> warned;  // thread id -> dropped, per the warnings
  std::map<std::uint64_t, int> warnings;          // thread id -> warning records
  std::vector<int> last(threads, -1);
  std::int64_t previous_ns = 0;
  for (const auto& r : dropping_sink->records()) {
    // Warnings included, the sink sees records in time order.
    EXPECT_GE(r.time_ns, previous_ns) << r.message;
    previous_ns = r.time_ns;
    std::uint64_t n = 0;
    std::uint64_t named = 0;
    if (parse_warning(r.message, n, named)) {
      EXPECT_EQ(named, r.thread_id) << r.message;
      warned[named] += n;
      ++warnings[named];
      continue;
    }
    ++data;
    // Per thread, what was written keeps its order.
    const int t = std::stoi(r.message.substr(1));
    const int i = std::stoi(r.message.substr(r.message.find(" n") + 2));
    ASSERT_TRUE(t >= 0 && t < threads) << r.message;
    EXPECT_GT(i, last[t]) << r.message;
    EXPECT_EQ(thread_index[r.thread_id], t) << r.message;
    last[t] = i;
    ++written[t];
  }
  const jot::stats_snapshot st = jot::stats();
  EXPECT_GT(st.dropped, 0u) << "the test must make the rings overflow";
  std::printf("written %llu, dropped %llu of %d in %.2f s\n", static_cast<unsigned long long>(data),
              static_cast<unsigned long long>(st.dropped), threads * per_thread, elapsed_s.count());
  EXPECT_EQ(data + st.dropped, static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_EQ(st.written, data + static_cast<std::uint64_t>(blocking_records));
  // Thread by thread: written + dropped, as its warnings say, == logged.
  std::uint64_t warned_total = 0;
  for (const auto& [tid, n] : warned) {
    ASSERT_EQ(thread_index.count(tid), 1u) << "warning names an unknown thread " << tid;
    warned_total += n;
  }
  EXPECT_EQ(warned_total, st.dropped);
  for (const auto& [tid, t] : thread_index) {
    EXPECT_EQ(static_cast<std::uint64_t>(written[t]) + warned[tid],
              static_cast<std::uint64_t>(per_thread))
        << "thread " << t;
    // Reported at most about once a second while dropping, then once more
    // at the flush.
    EXPECT_LE(warnings[tid], static_cast<int>(elapsed_s.count()) + 3) << "thread " << t;
  }
  // The error handler heard of every drop, and of nothing from the
  // blocking logger.
  const auto reports = errors().snapshot();
  EXPECT_EQ(handler_drops(reports, "dropping"), st.dropped);
  EXPECT_EQ(handler_drops(reports, "blocking"), 0u);
}

TEST(backpressure_drop, many_loggers_on_one_thread_each_get_their_own_warnings) {
  // More loggers drop on one thread than a thread has slots for at once:
  // each logger's drops are still counted and told to its own sinks.
  ASSERT_TRUE(start_jot_once());
  constexpr int loggers = 20;
  constexpr int per_logger = 2'000;
  std::vector<std::shared_ptr<slow_sink>> sinks;
  std::vector<const jot::logger*> logs;
  for (int k = 0; k < loggers; ++k) {
    sinks.push_back(std::make_shared<slow_sink>());
    logs.push_back(&jot::make_logger("many" + std::to_string(k), {sinks.back()}));
  }
  const jot::stats_snapshot before = jot::stats();
  std::thread producer([&] {
    for (int i = 0; i < per_logger; ++i) {
      for (int k = 0; k < loggers; ++k) JOT_INFO(*logs[k], "k{} n{}", k, i);
    }
  });
  producer.join();
  jot::flush();
  const jot::stats_snapshot after = jot::stats();
  EXPECT_GT(after.dropped, before.dropped) << "the test must make the ring overflow";
  std::uint64_t dropped = 0;
  for (int k = 0; k < loggers; ++k) {
    std::uint64_t data = 0;
    std::uint64_t warned = 0;
    int last = -1;
    for (const auto& r : sinks[k]->records()) {
      std::uint64_t n = 0;
      std::uint64_t named = 0;
      if (parse_warning(r.message, n, named)) {
        warned += n;
        continue;
      }
      ASSERT_EQ(r.message.substr(0, r.message.find(' ')), "k" + std::to_string(k)) << r.message;
      const int i = std::stoi(r.message.substr(r.message.find(" n") + 2));
      EXPECT_GT(i, last) << r.message;
      last = i;
      ++data;
    }
    EXPECT_EQ(data + warned, static_cast<std::uint64_t>(per_logger)) << "logger " << k;
    dropped += warned;
  }
  EXPECT_EQ(dropped, after.dropped - before.dropped);
}

}  // namespace
