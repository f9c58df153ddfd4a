// A program that handles SIGTERM itself (a graceful-shutdown handler that
// logs and returns), with jot's crash handler installed after it: a SIGTERM
// is the application's, not a crash. No fatal record; every record of the
// interrupted thread once and in order; each of the handler's records
// written, or counted as dropped because it interrupted a log call; the
// program goes on with every handler as it was.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <jot/crash.h>

#include "support/test_support.h"

namespace {

jot::logger* g_log = nullptr;
std::atomic<int> g_round{0};
std::atomic<int> g_handled{0};

void on_term(int /*sig*/) {
  const int n = g_handled.load(std::memory_order_relaxed);
  JOT_INFO(g_log, "handler {} {}", g_round.load(std::memory_order_relaxed), n);
  g_handled.store(n + 1, std::memory_order_release);
}

void on_alarm(int /*sig*/) {}

TEST(application_signal_handler, a_sigterm_the_application_handles_is_no_crash) {
  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("app-handler.log");
  g_log = &jot::make_logger(
      "app", {jot::file_sink(path, {.format = jot::pattern_formatter("{level} {message}")})});
  JOT_INFO(g_log, "ring made");  // the thread's ring exists before the signals

  struct sigaction term {};
  term.sa_handler = on_term;
  sigemptyset(&term.sa_mask);
  term.sa_flags = SA_RESTART;
  ASSERT_EQ(sigaction(SIGTERM, &term, nullptr), 0);
  struct sigaction alarm {};
  alarm.sa_handler = on_alarm;
  sigemptyset(&alarm.sa_mask);
  ASSERT_EQ(sigaction(SIGALRM, &alarm, nullptr), 0);
  ASSERT_TRUE(jot::install_crash_handler());
  struct sigaction jots {};
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &jots), 0);

  // 50 rounds of 20 SIGTERMs aimed at this thread while it logs, each sent
  // once the handler has run for the one before.
  constexpr int rounds = 50;
  constexpr int signals = 20;
  const pthread_t logging_thread = pthread_self();
  std::vector<long> logged(rounds, 0);
  std::vector<std::uint64_t> dropped(rounds, 0);
  std::uint64_t dropped_before = jot::stats().dropped;
  for (int r = 0; r < rounds; ++r) {
    g_round.store(r);
    g_handled.store(0);
    std::atomic<bool> sent_all{false};
    std::atomic<bool> stuck{false};
    std::thread sender([&] {
      for (int k = 0; k < signals; ++k) {
        pthread_kill(logging_thread, SIGTERM);
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (g_handled.load(std::memory_order_acquire) == k) {
          if (std::chrono::steady_clock::now() > give_up) {
            stuck.store(true);
            break;
          }
          std::this_thread::yield();
        }
      }
      sent_all.store(true, std::memory_order_release);
    });
    long i = 0;
    while (!sent_all.load(std::memory_order_acquire)) {
      JOT_INFO(g_log, "main {} {}", r, i);
      ++i;
    }
    sender.join();
    ASSERT_FALSE(stuck.load()) << "round " << r << ": a SIGTERM was not handled";
    ASSERT_EQ(g_handled.load(), signals);
    logged[r] = i;
    const std::uint64_t now = jot::stats().dropped;
    dropped[r] = now - dropped_before;
    dropped_before = now;
  }
  // The handler asked for SA_RESTART: a read() it interrupts goes on.
  g_round.store(rounds);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pthread_kill(logging_thread, SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(write(fds[1], "x", 1), 1);
  });
  char c = 0;
  const ssize_t got = read(fds[0], &c, 1);
  const int read_errno = errno;
  interrupter.join();
  EXPECT_EQ(got, 1) << "read() failed with " << read_errno << " (EINTR: SA_RESTART was lost)";
  close(fds[0]);
  close(fds[1]);

  JOT_INFO(g_log, "still running");
  jot::flush();

  // Every handler as the application left it; SIGTERM still jot's (which
  // hands it to the application's first).
  struct sigaction after {};
  ASSERT_EQ(sigaction(SIGALRM, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, &on_alarm);
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &after), 0);
  EXPECT_EQ(after.sa_sigaction, jots.sa_sigaction);

  const std::regex main_line(R"(INFO main (\d+) (\d+))");
  const std::regex handler_line(R"(INFO handler (\d+) (\d+))");
  const std::regex drop_line(R"(WARN (\d+) records dropped from thread \d+ since .*)");
  std::vector<long> next_main(rounds, 0);
  std::vector<std::vector<int>> handler_seen(rounds, std::vector<int>(signals, 0));
  std::uint64_t dropped_told = 0;
  int after_rounds = 0;  // the handler's record for the read() above
  bool still_running = false;
  std::smatch m;
  for (const std::string& line : jot::test::read_lines(path)) {
    ASSERT_NE(line.rfind("CRITICAL", 0), 0u) << "a SIGTERM was taken for a crash: " << line;
    if (line == "INFO ring made") continue;
    if (line == "INFO still running") {
      still_running = true;
    } else if (std::regex_match(line, m, main_line)) {
      const int r = std::stoi(m[1]);
      ASSERT_LT(r, rounds);
      ASSERT_EQ(std::stol(m[2]), next_main[static_cast<std::size_t>(r)])
          << "round " << r << ": a record out of order, repeated or lost";
      ++next_main[static_cast<std::size_t>(r)];
    } else if (std::regex_match(line, m, handler_line)) {
      const int r = std::stoi(m[1]);
      const int k = std::stoi(m[2]);
      if (r == rounds) {
        ++after_rounds;
        continue;
      }
      ASSERT_LT(r, rounds);
      ASSERT_LT(k, signals);
      ++handler_seen[static_cast<std::size_t>(r)][static_cast<std::size_t>(k)];
    } else if (std::regex_match(line, m, drop_line)) {
      dropped_told += std::stoull(m[1]);
    } else {
      FAIL() << "a line that no call wrote: '" << line << "'";
    }
  }
  EXPECT_TRUE(still_running);
  EXPECT_EQ(after_rounds, 1);
  std::uint64_t all_dropped = 0;
  for (std::size_t r = 0; r < rounds; ++r) {
    EXPECT_EQ(next_main[r], logged[r]) << "round " << r;
    std::uint64_t written = 0;
    for (const int seen : handler_seen[r]) {
      EXPECT_LE(seen, 1) << "round " << r << ": a handler record written twice";
      written += static_cast<std::uint64_t>(seen);
    }
    // Each SIGTERM's record: written, or dropped (and counted) because it
    // interrupted a log call of this thread.
    EXPECT_EQ(written + dropped[r], static_cast<std::uint64_t>(signals)) << "round " << r;
    all_dropped += dropped[r];
  }
  EXPECT_EQ(dropped_told, all_dropped);
  std::printf("%d SIGTERMs: %llu handler records dropped (interrupted a log call)\n",
              rounds * signals, static_cast<unsigned long long>(all_dropped));
  jot::shutdown();
}

}  // namespace
