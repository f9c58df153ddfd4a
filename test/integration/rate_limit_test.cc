// JOT_*_EVERY_N, JOT_*_EVERY and JOT_*_ONCE: how many records land in the
// file, and that the `suppressed` counts they carry add up, across threads.
#include <time.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace {

using json = nlohmann::json;

// A logger writing JSON lines to its own file.
struct json_log {
  std::string path;
  jot::logger* log;
  explicit json_log(const std::string& name) : path(jot::test::temp_path(name + ".jsonl")) {
    log = &jot::make_logger(name, {jot::file_sink(path, {.format = jot::json_formatter()})},
                            jot::level::info);
  }
  std::vector<json> records() const {
    jot::flush();
    std::vector<json> out;
    for (const std::string& l : jot::test::read_lines(path)) out.push_back(json::parse(l));
    return out;
  }
};

// Written records, and the sum of their `suppressed` fields (which must be
// unsigned integers where present).
struct tally {
  std::uint64_t written = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t with_field = 0;
};
tally count(const std::vector<json>& records) {
  tally t;
  for (const json& r : records) {
    ++t.written;
    if (r.contains("suppressed")) {
      EXPECT_TRUE(r["suppressed"].is_number_unsigned()) << r.dump();
      t.suppressed += r["suppressed"].get<std::uint64_t>();
      ++t.with_field;
    }
  }
  return t;
}

template <class F>
void on_threads(int threads, F f) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(f, t);
  for (auto& th : pool) th.join();
}

TEST(rate_limit, every_n_writes_the_first_and_every_nth_with_the_count) {
  json_log l("every_n");
  for (int i = 0; i < 95; ++i) JOT_INFO_EVERY_N(*l.log, 10, "call {i}", i);
  const auto recs = l.records();
  ASSERT_EQ(recs.size(), 10u);
  for (std::size_t k = 0; k < recs.size(); ++k) {
    EXPECT_EQ(recs[k]["i"], 10 * k);
    if (k == 0) {
      EXPECT_FALSE(recs[k].contains("suppressed"));  // nothing suppressed before the first
    } else {
      EXPECT_EQ(recs[k]["suppressed"], 9u);
    }
  }
}

TEST(rate_limit, every_n_counts_add_up_across_threads) {
  json_log l("every_n_threads");
  // 4 x 1752 = 7008 = 7 x 1001 + 1 calls: the last call is written and
  // carries the count of the 6 before it, so every call is accounted for.
  constexpr int threads = 4;
  constexpr int calls = 1752;
  on_threads(threads, [&](int t) {
    for (int i = 0; i < calls; ++i) JOT_WARN_EVERY_N(*l.log, 7, "t{} {}", t, i);
  });
  const tally c = count(l.records());
  EXPECT_EQ(c.written, 1002u);
  EXPECT_EQ(c.with_field, 1001u);
  EXPECT_EQ(c.written + c.suppressed, std::uint64_t{threads} * calls);
}

TEST(rate_limit, once_writes_exactly_one_across_threads) {
  json_log l("once");
  on_threads(4, [&](int t) {
    for (int i = 0; i < 1000; ++i) JOT_ERROR_ONCE(*l.log, "first from {}", t);
  });
  const auto recs = l.records();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(recs[0].contains("suppressed"));
  EXPECT_EQ(recs[0]["level"], "error");
}

TEST(rate_limit, every_with_a_long_period_writes_one) {
  json_log l("every_hour");
  on_threads(4, [&](int t) {
    for (int i = 0; i < 500; ++i) JOT_WARN_EVERY(*l.log, std::chrono::hours(1), "t{} {}", t, i);
  });
  EXPECT_EQ(l.records().size(), 1u);
  json_log forever("every_forever");  // a period too long for nanoseconds
  for (int i = 0; i < 10; ++i) JOT_INFO_EVERY(*forever.log, std::chrono::hours::max(), "x");
  EXPECT_EQ(forever.records().size(), 1u);
}

TEST(rate_limit, every_with_a_zero_period_writes_every_call_of_one_thread) {
  json_log l("every_zero");
  for (int i = 0; i < 50; ++i) JOT_INFO_EVERY(*l.log, std::chrono::seconds(0), "{}", i);
  const tally c = count(l.records());
  EXPECT_EQ(c.written, 50u);
  EXPECT_EQ(c.with_field, 0u);
}

TEST(rate_limit, every_counts_add_up_across_threads) {
  json_log l("every_ms");
  constexpr int threads = 4;
  constexpr int calls = 3000;
  const auto period = std::chrono::milliseconds(1);
  const auto t0 = std::chrono::steady_clock::now();
  auto call = [&](int t, int i) { JOT_INFO_EVERY(*l.log, period, "t{} {}", t, i); };
  on_threads(threads, [&](int t) {
    for (int i = 0; i < calls; ++i) call(t, i);
  });
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  // The limit's clock advances in steps of `res` (the coarse clock).
  timespec ts{};
  ::clock_getres(CLOCK_MONOTONIC_COARSE, &ts);
  const auto res = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  // After a whole period on that clock, the next call is written, with
  // every count that was still pending.
  std::this_thread::sleep_for(period + 2 * res);
  call(-1, 0);
  const tally c = count(l.records());
  EXPECT_GE(c.written, 2u);
  EXPECT_LE(c.written, 2u + static_cast<std::uint64_t>((elapsed + 2 * res) / period));
  EXPECT_EQ(c.written + c.suppressed, std::uint64_t{threads} * calls + 1);
}

TEST(rate_limit, calls_below_the_level_are_neither_written_nor_counted) {
  json_log l("below");
  l.log->set_level(jot::level::warn);
  int evaluated = 0;
  for (int i = 0; i < 10; ++i) JOT_INFO_EVERY_N(*l.log, ++evaluated, "below {}", i);
  l.log->set_level(jot::level::info);
  for (int i = 0; i < 4; ++i) JOT_INFO_EVERY_N(*l.log, 3, "at {}", i);
  const auto recs = l.records();
  EXPECT_EQ(evaluated, 0);  // the limit is not even evaluated
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1]["suppressed"], 2u);
}

TEST(rate_limit, text_output_shows_the_field) {
  const std::string path = jot::test::temp_path("text.log");
  auto& log = jot::make_logger("text", {jot::file_sink(path)}, jot::level::info);
  for (int i = 0; i < 5; ++i) JOT_INFO_EVERY_N(log, 4, "tick");
  jot::flush();
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("suppressed="), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("tick suppressed=3"), std::string::npos) << lines[1];
}

}  // namespace
