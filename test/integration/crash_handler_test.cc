// With the crash handler installed, a child that logs from several threads
// and then dies keeps every record it logged: in the file, once each, with
// the fatal record and its stack trace after them; and it dies with the
// status it would have had without jot.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace {

constexpr long per_thread = 25'000;
constexpr int threads = 4;

struct outcome {
  bool signalled = false;
  int signal = 0;
  int exit_code = -1;
  double seconds = 0;
  std::string dir;
};

outcome run_child(const std::string& mode) {
  outcome out;
  out.dir = jot::test::temp_path("crash-" + mode);
  std::filesystem::create_directories(out.dir);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string err = out.dir + "/stderr.txt";
    if (FILE* f = std::freopen(err.c_str(), "w", stderr); f == nullptr) _exit(126);
    const std::string n = std::to_string(per_thread);
    const std::string t = std::to_string(threads);
    execl(JOT_CRASH_CHILD, JOT_CRASH_CHILD, mode.c_str(), out.dir.c_str(), n.c_str(), t.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.signalled = WIFSIGNALED(status);
  if (out.signalled) out.signal = WTERMSIG(status);
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  return out;
}

// Every "t<t> <i>" record exactly once, in order per thread.
void expect_all_records(const outcome& o) {
  std::vector<long> next(threads, 0);
  long seen = 0;
  for (const std::string& line : jot::test::read_lines(o.dir + "/app.log")) {
    int t = -1;
    long i = -1;
    if (std::sscanf(line.c_str(), "INFO t%d %ld", &t, &i) == 2 && t >= 0 && t < threads) {
      ASSERT_EQ(i, next[t]) << "thread " << t << " record out of order, repeated or lost";
      ++next[t];
      ++seen;
    }
  }
  EXPECT_EQ(seen, per_thread * threads);
}

// The fatal record, from the JSON file.
nlohmann::json fatal_record(const outcome& o) {
  nlohmann::json found;
  for (const std::string& line : jot::test::read_lines(o.dir + "/app.json")) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("level", "") == "critical") found = j;
  }
  return found;
}

void expect_signal_record(const outcome& o, const std::string& name, bool with_address) {
  const nlohmann::json j = fatal_record(o);
  ASSERT_FALSE(j.is_null()) << "no fatal record";
  const std::string message = j.value("message", "");
  EXPECT_EQ(message.rfind("fatal signal " + name, 0), 0u) << message;
  EXPECT_EQ(message.find(" at address ") != std::string::npos, with_address) << message;
  EXPECT_EQ(j.value("signal", ""), name);
  EXPECT_TRUE(j.contains("thread.id"));
  const std::string stack = j.value("stack_trace", "");
  EXPECT_EQ(stack.rfind("#0 0x", 0), 0u) << stack;
  EXPECT_NE(stack.find("jot_crash_child+0x"), std::string::npos) << stack;
  // The fatal record comes after the records logged before it.
  const auto lines = jot::test::read_lines(o.dir + "/app.log");
  ASSERT_FALSE(lines.empty());
  bool fatal_last = false;
  for (const auto& l : lines) fatal_last = l.rfind("CRITICAL fatal signal", 0) == 0;
  EXPECT_TRUE(fatal_last) << "the fatal record is not the last line of app.log";
}

TEST(crash_handler, null_pointer_dereference) {
  const outcome o = run_child("segv");
  EXPECT_TRUE(o.signalled);
  EXPECT_EQ(o.signal, SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST(crash_handler, writes_the_flight_recorder_before_the_fatal_record) {
  const outcome o = run_child("backtrace");
  EXPECT_EQ(o.signal, SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
  std::vector<int> kept;
  for (const auto& l : jot::test::read_lines(o.dir + "/app.log")) {
    int i = -1;
    if (std::sscanf(l.c_str(), "DEBUG kept %d", &i) == 1) kept.push_back(i);
  }
  ASSERT_EQ(kept.size(), 50u);  // the last 50 of 200, oldest first
  for (int i = 0; i < 50; ++i) EXPECT_EQ(kept[static_cast<std::size_t>(i)], 150 + i);
}

TEST(crash_handler, abort_with_fsync) {
  const outcome o = run_child("abort");
  EXPECT_EQ(o.signal, SIGABRT);
  expect_all_records(o);
  expect_signal_record(o, "SIGABRT", false);
}

TEST(crash_handler, division_by_zero) {
  const outcome o = run_child("fpe");
  EXPECT_EQ(o.signal, SIGFPE);
  expect_all_records(o);
  expect_signal_record(o, "SIGFPE", true);
}

TEST(crash_handler, sigterm) {
  const outcome o = run_child("term");
  EXPECT_EQ(o.signal, SIGTERM);
  expect_all_records(o);
  expect_signal_record(o, "SIGTERM", false);
}

TEST(crash_handler, chains_to_the_handler_installed_before) {
  const outcome o = run_child("chain");
  EXPECT_FALSE(o.signalled);
  EXPECT_EQ(o.exit_code, 42);  // the application's handler's _exit(42)
  expect_all_records(o);
  expect_signal_record(o, "SIGTERM", false);
}

TEST(crash_handler, fault_on_another_thread) {
  const outcome o = run_child("other_thread");
  EXPECT_EQ(o.signal, SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST(crash_handler, fault_inside_a_log_call) {
  const outcome o = run_child("in_jot_call");
  EXPECT_EQ(o.signal, SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST(crash_handler, stack_overflow) {
  const outcome o = run_child("stack_overflow");
  EXPECT_EQ(o.signal, SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST(crash_handler, fault_on_the_writer_thread_inside_a_sink) {
  const outcome o = run_child("in_sink");
  EXPECT_EQ(o.signal, SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST(crash_handler, uncaught_exception) {
  const outcome o = run_child("terminate");
  EXPECT_EQ(o.signal, SIGABRT);
  expect_all_records(o);
  const nlohmann::json j = fatal_record(o);
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j.value("message", ""),
            "terminate called: uncaught exception: the order book is inconsistent");
  // One fatal record: the abort() that follows adds none.
  std::size_t critical = 0;
  for (const auto& l : jot::test::read_lines(o.dir + "/app.log")) {
    critical += l.rfind("CRITICAL", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(critical, 1u);
}

TEST(crash_handler, quick_exit_drains) {
  const outcome o = run_child("quick_exit");
  EXPECT_FALSE(o.signalled);
  EXPECT_EQ(o.exit_code, 3);
  expect_all_records(o);
}

TEST(exit_time_reports, go_to_stderr_once_main_has_returned) {
  const outcome o = run_child("handler_after_main");
  EXPECT_FALSE(o.signalled);
  EXPECT_EQ(o.exit_code, 0);
  const std::string err = jot::test::read_file(o.dir + "/stderr.txt");
  EXPECT_NE(err.find("jot: shutdown: 1 sink(s) still hold records"), std::string::npos) << err;
}

TEST(crash_handler, a_stuck_sink_ends_the_drain_at_the_time_limit) {
  const outcome o = run_child("stuck_sink");
  EXPECT_EQ(o.signal, SIGABRT);
  // 500 ms limit; generous for a loaded machine, far from a hang.
  EXPECT_LT(o.seconds, 30.0);
}

}  // namespace
