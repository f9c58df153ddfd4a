// The same calls in each delivery mode (async, async_eager, sync) write the
// same bytes, through the text, JSON and logfmt formatters; only what
// differs by nature (the time, the logger's name) is left out.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/log_everything.h"
#include "support/test_support.h"

namespace {

// A deferred user type whose formatter notes the thread it runs on.
struct where {
  int n;
};
thread_local bool formatting_here = false;
std::atomic<int> formatted_on_caller{0};
std::atomic<int> formatted_elsewhere{0};

}  // namespace

template <>
struct fmt::formatter<where> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  auto format(const where& w, fmt::format_context& ctx) const {
    (formatting_here ? formatted_on_caller : formatted_elsewhere)++;
    return fmt::format_to(ctx.out(), "w{}", w.n);
  }
};
template <>
struct jot::defer_format<where> : std::true_type {};

namespace {

struct outputs {
  std::string text, json, logfmt;
};

// Logs everything through a logger in `mode` and returns what its sinks
// wrote (logfmt without its leading time and the logger's name).
outputs run(jot::delivery mode, const std::string& name) {
  const std::string text = jot::test::temp_path(name + ".txt");
  const std::string json = jot::test::temp_path(name + ".jsonl");
  const std::string logfmt = jot::test::temp_path(name + ".logfmt");
  jot::json_keys stable;
  stable.timestamp = "";
  stable.logger = "";
  jot::logger& log =
      jot::make_logger(name,
                       {jot::file_sink(text, {.format = jot::pattern_formatter(
                                                  "{level} [{thread_id}] {file}:{line} {function}: "
                                                  "{message}{fields}")}),
                        jot::file_sink(json, {.format = jot::json_formatter({.keys = stable})}),
                        jot::file_sink(logfmt, {.format = jot::logfmt_formatter()})},
                       jot::level::trace);
  log.set_delivery(mode);
  EXPECT_EQ(log.get_delivery(), mode);
  jot::test::log_everything(log);
  jot::flush();
  outputs out{jot::test::read_file(text), jot::test::read_file(json), {}};
  for (const std::string& line : jot::test::read_lines(logfmt)) {
    EXPECT_EQ(line.rfind("time=", 0), 0u) << line;
    std::string rest = line.substr(line.find(' ') + 1);
    const std::string logger = "logger=" + name + " ";
    if (const auto at = rest.find(logger); at != std::string::npos) rest.erase(at, logger.size());
    out.logfmt += rest + "\n";
  }
  return out;
}

TEST(delivery_modes, the_same_calls_write_the_same_bytes_in_each_mode) {
  setenv("TZ", "UTC", 1);
  tzset();
  ASSERT_TRUE(jot::start());
  const outputs async = run(jot::delivery::async, "modes-async");
  const outputs eager = run(jot::delivery::async_eager, "modes-eager");
  const outputs sync = run(jot::delivery::sync, "modes-sync");
  // Something real was written: one line per call.
  EXPECT_EQ(std::count(async.text.begin(), async.text.end(), '\n'), 18);
  EXPECT_EQ(std::count(async.logfmt.begin(), async.logfmt.end(), '\n'), 18);
  EXPECT_NE(async.json.find("\"order 17 paid 9.50\""), std::string::npos);
  EXPECT_EQ(eager.text, async.text);
  EXPECT_EQ(eager.json, async.json);
  EXPECT_EQ(eager.logfmt, async.logfmt);
  EXPECT_EQ(sync.text, async.text);
  EXPECT_EQ(sync.json, async.json);
  EXPECT_EQ(sync.logfmt, async.logfmt);
}

TEST(delivery_modes, sync_writes_before_the_call_returns) {
  const std::string path = jot::test::temp_path("sync-now.log");
  jot::file_options o;
  o.format = jot::pattern_formatter("{message}");
  auto sink = jot::file_sink(path, o);
  jot::flush_policy every_record;
  every_record.every_records = 1;
  sink->set_flush_policy(every_record);
  jot::logger& log = jot::make_logger("sync-now", {sink});
  log.set_delivery(jot::delivery::sync);
  const std::uint64_t written_before = jot::stats().written;
  for (int i = 0; i < 100; ++i) {
    JOT_INFO(log, "record {}", i);
    // No jot::flush(): the call itself wrote and flushed.
    const auto lines = jot::test::read_lines(path);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(i + 1));
    ASSERT_EQ(lines.back(), "record " + std::to_string(i));
  }
  // Counted in the totals, though they passed through no ring.
  EXPECT_EQ(jot::stats().written - written_before, 100u);
}

TEST(delivery_modes, threads_in_sync_mode_share_a_sink_with_the_writer) {
  // One sink, written at once by threads in sync mode (on their side) and by
  // the writer (for an async logger): every line whole, none lost.
  const std::string path = jot::test::temp_path("shared.log");
  auto sink = jot::file_sink(path, {.format = jot::pattern_formatter("{logger} {message}")});
  jot::logger& direct = jot::make_logger("direct", {sink});
  direct.set_delivery(jot::delivery::sync);
  jot::logger& queued = jot::make_logger("queued", {sink});
  constexpr int per_thread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const jot::logger& log = t % 2 == 0 ? direct : queued;
      for (int i = 0; i < per_thread; ++i) JOT_INFO(log, "t{} {}", t, i);
    });
  }
  for (auto& th : threads) th.join();
  jot::flush();
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 4u * per_thread);
  std::vector<int> next(4, 0);
  for (const std::string& l : lines) {
    int t = -1;
    int i = -1;
    char who[16] = {};
    ASSERT_EQ(std::sscanf(l.c_str(), "%15s t%d %d", who, &t, &i), 3) << l;
    ASSERT_TRUE(t >= 0 && t < 4) << l;
    EXPECT_EQ(std::string(who), t % 2 == 0 ? "direct" : "queued");
    EXPECT_EQ(i, next[static_cast<std::size_t>(t)]++) << l;  // each thread's order holds
  }
}

// A formatter that numbers its lines, and offers no copies: its count is
// shared by every thread, so jot calls it under its lock.
class numbering_formatter final : public jot::formatter {
 public:
  void format(const jot::record_view& r, std::string& out) override {
    out += fmt::format("{} {}\n", next_++, r.message);
  }

 private:
  long next_ = 0;
};

// Each line of `path` parsed by `parse` into (thread, i): every record of
// every thread once, each thread's in the order it logged them.
template <class Parse>
void expect_each_record_once_in_thread_order(const std::string& path, int threads, int per_thread,
                                             Parse parse) {
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread)) << path;
  std::vector<int> next(static_cast<std::size_t>(threads), 0);
  for (const std::string& l : lines) {
    int t = -1;
    int i = -1;
    ASSERT_TRUE(parse(l, t, i)) << path << ": a line torn or mixed with another: " << l;
    ASSERT_TRUE(t >= 0 && t < threads) << path << ": " << l;
    ASSERT_EQ(i, next[static_cast<std::size_t>(t)]++) << path << ": out of order: " << l;
  }
  for (const int n : next) EXPECT_EQ(n, per_thread) << path;
}

TEST(delivery_modes, threads_in_sync_mode_write_each_record_once_whole_and_in_order) {
  // Several threads log in sync mode to the same sinks at once (text, JSON,
  // logfmt: each thread renders with its own copy of these formatters, none
  // under a lock) and to a sink whose formatter has no copies (called under
  // its lock). Every sink gets every record once, each a whole line, each
  // thread's records in the order it logged them.
  const std::string text = jot::test::temp_path("sync-threads.txt");
  const std::string json = jot::test::temp_path("sync-threads.jsonl");
  const std::string logfmt = jot::test::temp_path("sync-threads.logfmt");
  const std::string numbered = jot::test::temp_path("sync-threads.numbered");
  jot::logger& log = jot::make_logger(
      "sync-threads",
      {jot::file_sink(text, {.format = jot::pattern_formatter("{level} [{thread_id}] {message}")}),
       jot::file_sink(json, {.format = jot::json_formatter()}),
       jot::file_sink(logfmt, {.format = jot::logfmt_formatter()}),
       jot::file_sink(numbered, {.format = std::make_shared<numbering_formatter>()})});
  log.set_delivery(jot::delivery::sync);
  constexpr int threads = 4;
  constexpr int per_thread = 20000;
  const std::uint64_t written_before = jot::stats().written;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&log, t] {
      // A message longer than most, so that a torn line would show.
      for (int i = 0; i < per_thread; ++i) {
        JOT_INFO(log, "t{} {} {}", t, i, std::string(static_cast<std::size_t>(i % 97), 'x'));
      }
    });
  }
  for (auto& th : pool) th.join();
  jot::flush();
  // Counted once each, whatever the number of sinks.
  EXPECT_EQ(jot::stats().written - written_before, std::uint64_t{threads} * per_thread);

  // The message as logged: "t<thread> <i> <i % 97 x's>".
  const auto message_is = [](std::string_view m, int& t, int& i) {
    char rest[128] = {};
    const std::string s(m);
    const int n = std::sscanf(s.c_str(), "t%d %d %127s", &t, &i, rest);
    const std::string xs(static_cast<std::size_t>(i >= 0 ? i % 97 : 0), 'x');
    return (n == 3 && xs == rest) || (n == 2 && xs.empty() && s.back() == ' ');
  };
  expect_each_record_once_in_thread_order(
      text, threads, per_thread, [&](const std::string& l, int& t, int& i) {
        const auto at = l.find("] ");
        return l.rfind("INFO [", 0) == 0 && at != std::string::npos &&
               message_is(std::string_view(l).substr(at + 2), t, i);
      });
  expect_each_record_once_in_thread_order(
      json, threads, per_thread, [&](const std::string& l, int& t, int& i) {
        const auto j = nlohmann::json::parse(l, nullptr, false);
        return !j.is_discarded() && j.value("logger", "") == "sync-threads" &&
               message_is(j.value("message", ""), t, i);
      });
  expect_each_record_once_in_thread_order(
      logfmt, threads, per_thread, [&](const std::string& l, int& t, int& i) {
        const auto at = l.find(" msg=\"");
        return l.rfind("time=", 0) == 0 && at != std::string::npos && l.back() == '"' &&
               message_is(std::string_view(l).substr(at + 6, l.size() - at - 7), t, i);
      });
  // The numbering formatter ran once per record, one record at a time: its
  // numbers are 0 .. N-1, each once (in the file in the order the threads
  // took the sink's lock, which may differ from the order they were given).
  std::vector<bool> seen(static_cast<std::size_t>(threads * per_thread), false);
  expect_each_record_once_in_thread_order(
      numbered, threads, per_thread, [&](const std::string& l, int& t, int& i) {
        long n = -1;
        const auto space = l.find(' ');
        if (space == std::string::npos || std::sscanf(l.c_str(), "%ld", &n) != 1 || n < 0 ||
            n >= static_cast<long>(seen.size()) || seen[static_cast<std::size_t>(n)]) {
          return false;
        }
        seen[static_cast<std::size_t>(n)] = true;
        return message_is(std::string_view(l).substr(space + 1), t, i);
      });
}

TEST(delivery_modes, each_formats_where_it_says) {
  auto capture = std::make_shared<jot::test::capture_sink>(jot::pattern_formatter("{message}"));
  jot::logger& log = jot::make_logger("where", {capture});
  const auto count = [&](jot::delivery mode) {
    log.set_delivery(mode);
    formatted_on_caller = 0;
    formatted_elsewhere = 0;
    formatting_here = true;
    JOT_INFO(log, "value {}", where{7});
    formatting_here = false;
    jot::flush();
    return std::pair<int, int>(formatted_on_caller.load(), formatted_elsewhere.load());
  };
  // (The writer may format a deferred argument more than once.)
  const auto async = count(jot::delivery::async);
  EXPECT_EQ(async.first, 0);  // on the writer
  EXPECT_GE(async.second, 1);
  const auto eager = count(jot::delivery::async_eager);
  EXPECT_GE(eager.first, 1);  // on the caller, and not again on the writer
  EXPECT_EQ(eager.second, 0);
  const auto sync = count(jot::delivery::sync);
  EXPECT_GE(sync.first, 1);
  EXPECT_EQ(sync.second, 0);
  EXPECT_EQ(capture->lines(), std::vector<std::string>(3, "value w7\n"));
}

// A sink that logs (to an async logger) and flushes from inside write().
class chatty_sink final : public jot::sink {
 public:
  explicit chatty_sink(const jot::logger& other) : other_(other) {}
  void write(const jot::record_view& r, std::string_view) override {
    ++writes;
    JOT_INFO(other_, "seen {}", std::string(r.message));
    jot::flush();  // returns at once: this thread holds the sink's lock
  }
  void flush() override {}
  int writes = 0;

 private:
  const jot::logger& other_;
};

TEST(delivery_modes, a_sink_that_logs_and_flushes_in_sync_mode_does_not_deadlock) {
  auto seen = std::make_shared<jot::test::capture_sink>(jot::pattern_formatter("{message}"));
  const jot::logger& other = jot::make_logger("seen", {seen});
  auto chatty = std::make_shared<chatty_sink>(other);
  jot::logger& log = jot::make_logger("chatty", {chatty});
  log.set_delivery(jot::delivery::sync);
  for (int i = 0; i < 100; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  EXPECT_EQ(chatty->writes, 100);
  const auto lines = seen->lines();
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(lines.front(), "seen record 0\n");
  EXPECT_EQ(lines.back(), "seen record 99\n");
}

}  // namespace
