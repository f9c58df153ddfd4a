// A signal handler that logs, interrupting the thread's own log calls
// thousands of times, never corrupts the ring: every line in the file is
// whole, every record of the interrupted thread is there once and in
// order, and each of the handler's records is either written or counted as
// dropped (a call that interrupted a call) and reported.
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <cstdint>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

jot::logger* g_log = nullptr;
std::atomic<std::uint64_t> g_handler_calls{0};

void on_alarm(int /*sig*/) {
  const std::uint64_t n = g_handler_calls.fetch_add(1, std::memory_order_relaxed);
  JOT_INFO(g_log, "handler {}", n);
}

TEST(signal_storm, a_handler_that_logs_never_corrupts_the_ring) {
  // The storm is aimed at this thread: the writer starts with SIGALRM
  // blocked (threads inherit the mask), and only this thread takes it.
  sigset_t alarm_only;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &alarm_only, nullptr), 0);
  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  opts.ring_bytes = 64 * 1024;  // full now and then: the blocking path is interrupted too
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("storm.log");
  g_log = &jot::make_logger(
      "storm", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  JOT_INFO(g_log, "ring made");  // the thread's ring exists before the storm

  struct sigaction sa {};
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ASSERT_EQ(sigaction(SIGALRM, &sa, nullptr), 0);
  ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &alarm_only, nullptr), 0);
  itimerval every{};
  every.it_interval.tv_usec = 50;
  every.it_value.tv_usec = 50;
  ASSERT_EQ(setitimer(ITIMER_REAL, &every, nullptr), 0);

  constexpr int records = 200'000;
  for (int i = 0; i < records; ++i) JOT_INFO(g_log, "main {} {}", i, "some text to copy");

  const itimerval off{};
  ASSERT_EQ(setitimer(ITIMER_REAL, &off, nullptr), 0);
  signal(SIGALRM, SIG_IGN);
  jot::flush();
  const std::uint64_t calls = g_handler_calls.load();
  const jot::stats_snapshot st = jot::stats();
  jot::shutdown();

  const std::regex main_line(R"(main (\d+) some text to copy)");
  const std::regex handler_line(R"(handler (\d+))");
  const std::regex drop_line(R"((\d+) records dropped from thread \d+ since .*)");
  long next_main = 0;
  long last_handler = -1;
  std::uint64_t handler_written = 0;
  std::uint64_t dropped_told = 0;
  std::smatch m;
  for (const std::string& line : jot::test::read_lines(path)) {
    if (line == "ring made") continue;
    if (std::regex_match(line, m, main_line)) {
      ASSERT_EQ(std::stol(m[1]), next_main) << "main records out of order or lost";
      ++next_main;
    } else if (std::regex_match(line, m, handler_line)) {
      const long k = std::stol(m[1]);
      ASSERT_GT(k, last_handler) << "a handler record repeated or out of order";
      last_handler = k;
      ++handler_written;
    } else if (std::regex_match(line, m, drop_line)) {
      dropped_told += std::stoull(m[1]);
    } else {
      FAIL() << "a line that no call wrote: '" << line << "'";
    }
  }
  EXPECT_EQ(next_main, records);
  // The storm really ran, and nothing of it vanished untold.
  EXPECT_GT(calls, 100u);
  EXPECT_EQ(handler_written + dropped_told, calls);
  EXPECT_EQ(st.dropped, dropped_told);
  std::printf("handler calls %llu: %llu written, %llu dropped (interrupted a call)\n",
              static_cast<unsigned long long>(calls),
              static_cast<unsigned long long>(handler_written),
              static_cast<unsigned long long>(dropped_told));
  if (dropped_told != 0) {
    bool told = false;
    for (const auto& e : errors.snapshot()) {
      told = told || e.find("signal handler that interrupted a log call") != std::string::npos;
    }
    EXPECT_TRUE(told) << "the error handler was not told why";
  }
}

}  // namespace
