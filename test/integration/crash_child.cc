// Run by crash_handler_test: logs from several threads, then dies the way
// its first argument says, with jot's crash handler installed.
// Usage: jot_crash_child <mode> <dir> <records per thread> <threads>
// Writes <dir>/app.log (text: "{level} {message}") and <dir>/app.json.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <jot/setup.h>

namespace {

// Read through volatiles, so the compiler neither warns about nor removes
// the faults below.
int* volatile g_null = nullptr;
volatile int g_zero = 0;
volatile bool g_forever = true;

// Not instrumented: under the sanitizers the faults must be real ones, not
// a sanitizer's report of the statement that would fault.
#define JOT_TEST_UNCHECKED __attribute__((no_sanitize("address", "undefined")))

JOT_TEST_UNCHECKED void fault() { *g_null = 1; }

// A sink whose write() crashes on the record "crash now": a crash on the
// writer thread.
class crashing_sink final : public jot::sink {
 public:
  void write(const jot::record_view& r, std::string_view) override {
    if (r.message == "crash now") fault();
  }
  void flush() override {}
};

// A sink that never returns from the fatal record: a stuck sink.
class stuck_sink final : public jot::sink {
 public:
  void write(const jot::record_view& r, std::string_view) override {
    if (r.lvl == jot::level::critical) {
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  void flush() override {}
};

volatile int g_seven = 7;
// Both operands read at run time: no division the compiler can rewrite.
JOT_TEST_UNCHECKED int divide() { return g_seven / g_zero; }

[[gnu::noinline]] int recurse(int depth) {
  volatile char pad[4096];
  pad[0] = static_cast<char>(depth);
  return g_forever ? recurse(depth + 1) + pad[0] : 0;
}

void throw_uncaught() { throw std::runtime_error("the order book is inconsistent"); }

void on_term_before_jot(int) {
  // The application's own handler, installed before jot's: the signal is
  // its to handle. It ends the program with quick_exit, which jot drains.
  static const char msg[] = "application handler ran\n";
  static_cast<void>(::write(STDERR_FILENO, msg, sizeof msg - 1));
  std::quick_exit(42);
}

void on_term_exit(int) {
  // Not async-signal-safe, and common: exit() from a handler that may have
  // interrupted a log call. jot's exit hook must not wait for that call.
  std::exit(7);  // NOLINT(concurrency-mt-unsafe)
}

#if defined(__x86_64__)
// A crash with the frame pointer destroyed first: the unwinder, following
// the frame's rule (its caller's frame is found through rbp), faults while
// the handler captures the stack. Written in assembly, with its unwind
// rules, so that no compiler's choices change it. Never returns.
extern "C" void jot_test_fault_with_damaged_frame();
asm(R"(
  .text
  .globl jot_test_fault_with_damaged_frame
  .type jot_test_fault_with_damaged_frame, @function
jot_test_fault_with_damaged_frame:
  .cfi_startproc
  pushq %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  movq %rsp, %rbp
  .cfi_def_cfa_register %rbp
  movq $16, %rbp
  movl $1, 0
  .cfi_endproc
  .size jot_test_fault_with_damaged_frame, .-jot_test_fault_with_damaged_frame
)");
#endif

// A sink whose write() crashes once, on the first critical record (the
// fatal record of a crash on another thread): the writer crashes second.
class crashing_once_sink final : public jot::sink {
 public:
  void write(const jot::record_view& r, std::string_view) override {
    if (r.lvl == jot::level::critical && !crashed_) {
      crashed_ = true;
      fault();
    }
  }
  void flush() override {}

 private:
  bool crashed_ = false;
};

// A sink that, once shutdown() has begun, lets the test's crasher thread
// abort() from inside the writer's last flush, and holds that flush a
// while: a crash during shutdown, after the writer left its loop.
std::atomic<bool> g_shutting_down{false};
std::atomic<bool> g_crash_now{false};
class slow_last_flush_sink final : public jot::sink {
 public:
  void write(const jot::record_view&, std::string_view) override {}
  void flush() override {
    if (!g_shutting_down.load() || g_crash_now.exchange(true)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  std::string mode = argv[1];
  // "<mode>/plain": the same death without jot's crash handler, for the
  // exit status it would have without it.
  const bool plain = mode.ends_with("/plain");
  if (plain) mode.resize(mode.size() - 6);
  const std::string dir = argv[2];
  const long n = std::atol(argv[3]);
  const int threads = std::atoi(argv[4]);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);

  if (mode == "chain") signal(SIGTERM, on_term_before_jot);
  if (mode == "exit_in_handler") signal(SIGTERM, on_term_exit);
  if (mode == "handler_after_main") {
    // A handler that refers to a local of main(), and a sink that still
    // holds records at exit: the exit-time report must not reach the
    // handler, whose reference is dangling by then.
    std::vector<std::string> seen;
    jot::options start_opts;
    start_opts.error_handler = [&seen](std::string_view m) { seen.emplace_back(m); };
    jot::start(start_opts);
    auto& lost = jot::make_logger("lost", {jot::file_sink(dir + "/no/such/dir/x.log")});
    JOT_INFO(lost, "waits for a directory that never comes");
    jot::flush();
    return seen.empty() ? 1 : 0;  // the open failure was reported to it while main ran
  }

  auto& log = jot::make_logger(
      "app",
      {jot::file_sink(dir + "/app.log", {.format = jot::pattern_formatter("{level} {message}")}),
       jot::file_sink(dir + "/app.json", {.format = jot::json_formatter()})});
  jot::crash_options opts;
  opts.drain_timeout = std::chrono::milliseconds(mode == "stuck_sink" ? 500 : 5000);
  // Where the old handler waited for nothing, it waited this long.
  if (mode == "writer_second" || mode == "during_shutdown")
    opts.drain_timeout = std::chrono::seconds(20);
  opts.fsync = mode == "abort";
  // exit_in_handler: the exit-time shutdown alone, as in a program without
  // the crash handler (with it, the handler's call goes first all the same).
  if (!plain && mode != "exit_in_handler") jot::install_crash_handler(opts);
  if (mode == "stuck_sink") jot::make_logger("stuck", {std::make_shared<stuck_sink>()});
  if (mode == "writer_second") {
    jot::make_logger("crashing_once", {std::make_shared<crashing_once_sink>()});
  }
  if (mode == "term_on_writer") {
    // The application's threads take no SIGTERM for now (a program that
    // waits for signals in one thread of its own does this): the only
    // thread that could take one is jot's writer.
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, nullptr);
  }

  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&log, n, t] {
      for (long i = 0; i < n; ++i) JOT_INFO(log, "t{} {}", t, i);
    });
  }
  for (auto& t : ts) t.join();

  if (mode == "segv") {
    fault();
  } else if (mode == "backtrace") {
    log.enable_backtrace(50);
    for (int i = 0; i < 200; ++i) JOT_DEBUG(log, "kept {}", i);
    fault();
  } else if (mode == "abort" || mode == "stuck_sink") {
    std::abort();
  } else if (mode == "fpe") {
    return divide();
  } else if (mode == "term" || mode == "chain") {
    raise(SIGTERM);
  } else if (mode == "terminate") {
    throw_uncaught();
  } else if (mode == "quick_exit") {
    std::quick_exit(3);
  } else if (mode == "stack_overflow") {
    return recurse(0);
  } else if (mode == "in_jot_call") {
    // The string's bytes are copied inside the call, after the ring space
    // is taken: the fault happens in the middle of a log call.
    const std::string_view bad(reinterpret_cast<const char*>(16), 64);
    JOT_INFO(log, "never {}", bad);
  } else if (mode == "in_sink") {
    auto& crashing = jot::make_logger("crashing", {std::make_shared<crashing_sink>()});
    JOT_INFO(crashing, "crash now");
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  } else if (mode == "other_thread") {
    std::thread(fault).join();
  } else if (mode == "damaged_frame") {
#if defined(__x86_64__)
    jot_test_fault_with_damaged_frame();
#else
    fault();
#endif
  } else if (mode == "writer_second") {
    std::abort();
  } else if (mode == "exit_in_handler") {
    alarm(30);  // a hang ends as SIGALRM, which the test reports
    // Drop mode, so that the calls never wait for room and the signal
    // lands inside one nearly every time.
    auto& fast = jot::make_logger(
        "fast", {jot::file_sink(dir + "/main.log",
                                {.format = jot::pattern_formatter("{level} {message}")})});
    fast.set_backpressure(jot::backpressure::drop);
    const pthread_t self = pthread_self();
    std::thread([self] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      pthread_kill(self, SIGTERM);
    }).detach();
    for (long i = 0;; ++i) JOT_INFO(fast, "main {}", i);
  } else if (mode == "term_on_writer") {
    ::kill(::getpid(), SIGTERM);
    // Pending: no thread takes it. The program goes on, and says so.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    JOT_INFO(log, "still running");
    jot::flush();
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &term, nullptr);  // delivered here, now
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  } else if (mode == "during_shutdown") {
    // Flushed only when asked (the writer's last flush, here), and holding
    // a record then.
    auto slow = std::make_shared<slow_last_flush_sink>();
    slow->set_flush_policy({.on_idle = false, .every = std::chrono::milliseconds(0)});
    auto& slow_log = jot::make_logger("slow", {slow});
    JOT_INFO(slow_log, "held until the last flush");
    std::thread crasher([] {
      while (!g_crash_now.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::abort();
    });
    crasher.detach();
    g_shutting_down.store(true);
    jot::shutdown();
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return 0;
}
