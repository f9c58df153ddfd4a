// With the crash handler installed, a child that logs from several threads
// and then dies keeps every record it logged: in the file, once each, with
// the fatal record and its stack trace after them; and it dies with the
// status it would have had without jot.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/sanitizers.h"
#include "support/test_support.h"

namespace {

// 100,000 records in all; under AddressSanitizer, where each child takes
// ten times as long, 40,000 (the cases are the same, the pass stays short).
#ifdef JOT_TEST_UNDER_ASAN
constexpr long per_thread = 10'000;
#else
constexpr long per_thread = 25'000;
#endif
constexpr int threads = 4;

struct outcome {
  bool signalled = false;
  int signal = 0;
  int exit_code = -1;
  double seconds = 0;
  std::string dir;
  pid_t pid = 0;
};

outcome run_child(const std::string& mode, long records = per_thread) {
  outcome out;
  std::string name = mode;
  std::replace(name.begin(), name.end(), '/', '-');
  out.dir = jot::test::temp_path("crash-" + name);
  std::filesystem::create_directories(out.dir);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
#ifdef JOT_TEST_UNDER_ASAN
    // AddressSanitizer keeps SIGSEGV, SIGBUS and SIGFPE to itself unless
    // told to let a program handle them: with this, jot's handler runs
    // first and chains to its report (README, "Crashes").
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string options =
        std::string(asan != nullptr ? asan : "") + ":allow_user_segv_handler=1";
    setenv("ASAN_OPTIONS", options.c_str(), 1);
#endif
    const std::string err = out.dir + "/stderr.txt";
    if (FILE* f = std::freopen(err.c_str(), "w", stderr); f == nullptr) _exit(126);
    const std::string n = std::to_string(records);
    const std::string t = std::to_string(threads);
    execl(JOT_CRASH_CHILD, JOT_CRASH_CHILD, mode.c_str(), out.dir.c_str(), n.c_str(), t.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  out.pid = pid;
  int status = 0;
  waitpid(pid, &status, 0);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.signalled = WIFSIGNALED(status);
  if (out.signalled) out.signal = WTERMSIG(status);
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  return out;
}

// The child dies as it would without jot's handler (a sanitizer's handler,
// where one runs, decides that), which is `expected` in a plain build.
void expect_status(const outcome& o, const std::string& mode, int expected_signal) {
  const outcome plain = run_child(mode + "/plain", 0);
  EXPECT_EQ(o.signalled, plain.signalled);
  EXPECT_EQ(o.signal, plain.signal);
  EXPECT_EQ(o.exit_code, plain.exit_code);
#ifndef JOT_TEST_UNDER_ASAN
  EXPECT_TRUE(o.signalled);
  EXPECT_EQ(o.signal, expected_signal);
#else
  static_cast<void>(expected_signal);
#endif
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

class crash_handler : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef JOT_TEST_UNDER_TSAN
    GTEST_SKIP()
        << "ThreadSanitizer takes fatal signals first (its own SEGV report, and a report "
           "of any allocation the handler's last-resort drain makes inside the signal "
           "handler), so the child's death is its own; the plain and ASan builds run these";
#endif
  }
};

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

TEST_F(crash_handler, null_pointer_dereference) {
  const outcome o = run_child("segv");
  expect_status(o, "segv", SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST_F(crash_handler, writes_the_flight_recorder_before_the_fatal_record) {
  const outcome o = run_child("backtrace");
  expect_status(o, "backtrace", SIGSEGV);
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

TEST_F(crash_handler, abort_with_fsync) {
  const outcome o = run_child("abort");
  expect_status(o, "abort", SIGABRT);
  expect_all_records(o);
  expect_signal_record(o, "SIGABRT", false);
}

TEST_F(crash_handler, division_by_zero) {
#if defined(__aarch64__)
  GTEST_SKIP() << "aarch64 raises no SIGFPE for an integer division by zero (the result is 0)";
#endif
  const outcome o = run_child("fpe");
  expect_status(o, "fpe", SIGFPE);
  expect_all_records(o);
  expect_signal_record(o, "SIGFPE", true);
}

TEST_F(crash_handler, sigterm) {
  const outcome o = run_child("term");
  expect_status(o, "term", SIGTERM);
  expect_all_records(o);
  expect_signal_record(o, "SIGTERM", false);
}

std::size_t critical_records(const outcome& o) {
  std::size_t n = 0;
  for (const auto& l : jot::test::read_lines(o.dir + "/app.log")) {
    n += l.rfind("CRITICAL", 0) == 0 ? 1 : 0;
  }
  return n;
}

TEST_F(crash_handler, a_signal_the_application_handles_goes_to_its_handler) {
  // Its handler, installed before jot's, ends the program with quick_exit:
  // no crash, and every record written.
  const outcome o = run_child("chain");
  EXPECT_FALSE(o.signalled);
  EXPECT_EQ(o.exit_code, 42);
  expect_all_records(o);
  EXPECT_EQ(critical_records(o), 0u) << "a signal the application handles was taken for a crash";
}

TEST_F(crash_handler, exit_from_an_application_handler_that_interrupted_a_log_call) {
  // An application's SIGTERM handler calls exit() while the main thread
  // logs without pause (in drop mode, so no call waits for room): the
  // signal lands inside a log call nearly every time, and jot's exit-time
  // shutdown must not wait for that call. (This child installs no crash
  // handler: the exit hook alone.) Three runs; each must exit, with its
  // records.
  for (int run = 0; run < 3; ++run) {
    const outcome o = run_child("exit_in_handler");
    ASSERT_FALSE(o.signalled) << "run " << run << ": killed by signal " << o.signal
                              << (o.signal == SIGALRM ? " (it hung at exit)" : "");
    EXPECT_EQ(o.exit_code, 7);
    expect_all_records(o);
    // Drop mode: some records are dropped (and said so), none repeated.
    long last = -1;
    for (const std::string& line : jot::test::read_lines(o.dir + "/main.log")) {
      long i = -1;
      if (std::sscanf(line.c_str(), "INFO main %ld", &i) == 1) {
        ASSERT_GT(i, last) << "a record of the main thread repeated or out of order";
        last = i;
      }
    }
    EXPECT_GE(last, 0);
  }
}

TEST_F(crash_handler, a_sigterm_never_lands_on_the_writer_thread) {
  // The application's threads block SIGTERM; one sent to the process waits
  // for a thread that takes it instead of interrupting jot's writer.
  const outcome o = run_child("term_on_writer");
  expect_status(o, "term_on_writer", SIGTERM);
  expect_all_records(o);
  const auto lines = jot::test::read_lines(o.dir + "/app.log");
  EXPECT_NE(std::find(lines.begin(), lines.end(), "INFO still running"), lines.end())
      << "the SIGTERM ended the program while every application thread blocked it";
  expect_signal_record(o, "SIGTERM", false);
  EXPECT_EQ(fatal_record(o).value("thread.id", std::uint64_t{0}), static_cast<std::uint64_t>(o.pid))
      << "the fatal record is not the main thread's";
}

TEST_F(crash_handler, a_fault_that_damaged_the_stack_still_drains) {
  // The unwinder faults on the damaged frame while the handler captures the
  // stack: the record says so, and the drain goes on.
  const outcome o = run_child("damaged_frame");
  expect_status(o, "damaged_frame", SIGSEGV);
  expect_all_records(o);
  const nlohmann::json j = fatal_record(o);
  ASSERT_FALSE(j.is_null()) << "no fatal record";
  EXPECT_EQ(j.value("signal", ""), "SIGSEGV");
#if defined(__x86_64__)
  EXPECT_EQ(j.value("stack_trace", ""),
            "(no stack trace: capturing it faulted; the stack is damaged)");
#endif
}

// A child that aborts with a 20 s drain limit, where the old handler waited
// for a writer that could not answer: every record and the fatal record,
// well within the limit.
void expect_drained_abort_without_waiting(const std::string& mode) {
  const outcome o = run_child(mode);
  expect_status(o, mode, SIGABRT);
  expect_all_records(o);
  expect_signal_record(o, "SIGABRT", false);
  EXPECT_LT(o.seconds, 10.0) << "the handler waited out its 20 s limit";
}

TEST_F(crash_handler, the_writer_crashing_second_still_drains) {
  // abort() on the main thread; the writer then faults in a sink on the
  // fatal record. It writes what the crash's owner asks from its handler.
  expect_drained_abort_without_waiting("writer_second");
}

TEST_F(crash_handler, a_crash_during_shutdown_does_not_wait_for_a_stopped_writer) {
  // abort() on another thread after the writer has left its loop, during
  // its last flush: the handler takes over once the writer lets go.
  expect_drained_abort_without_waiting("during_shutdown");
}

TEST_F(crash_handler, fault_on_another_thread) {
  const outcome o = run_child("other_thread");
  expect_status(o, "other_thread", SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST_F(crash_handler, fault_inside_a_log_call) {
  const outcome o = run_child("in_jot_call");
  expect_status(o, "in_jot_call", SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST_F(crash_handler, stack_overflow) {
  const outcome o = run_child("stack_overflow");
  expect_status(o, "stack_overflow", SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST_F(crash_handler, fault_on_the_writer_thread_inside_a_sink) {
  const outcome o = run_child("in_sink");
  expect_status(o, "in_sink", SIGSEGV);
  expect_all_records(o);
  expect_signal_record(o, "SIGSEGV", true);
}

TEST_F(crash_handler, uncaught_exception) {
  const outcome o = run_child("terminate");
  expect_status(o, "terminate", SIGABRT);
  expect_all_records(o);
  const nlohmann::json j = fatal_record(o);
  ASSERT_FALSE(j.is_null());
  EXPECT_EQ(j.value("message", ""),
            "terminate called: uncaught exception: the order book is inconsistent");
  // One fatal record: the abort() that follows adds none.
  EXPECT_EQ(critical_records(o), 1u);
}

TEST_F(crash_handler, quick_exit_drains) {
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

TEST_F(crash_handler, a_stuck_sink_ends_the_drain_at_the_time_limit) {
  const outcome o = run_child("stuck_sink");
  expect_status(o, "stuck_sink", SIGABRT);
  // 500 ms limit; generous for a loaded machine, far from a hang.
  EXPECT_LT(o.seconds, 30.0);
}

}  // namespace
