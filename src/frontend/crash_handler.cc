// The crash handler: a fatal signal, std::terminate or std::quick_exit
// writes a last record, has every ring written and every sink flushed
// within a time limit, and hands the signal on. docs/internals.md ("Crash
// handler") lists what runs inside the signal handler and why each call is
// acceptable there.
#include "jot/crash.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "backend/backend.h"
#include "backend/lifecycle.h"
#include "backend/queues.h"
#include "frontend/crash_hooks.h"
#include "jot/logger.h"
#include "jot/logger_setup.h"
#include "jot/macros.h"
#include "jot/sink.h"
#include "platform/clock.h"
#include "platform/stack_trace.h"
#include "platform/thread.h"

namespace jot::detail {
namespace {

constexpr std::size_t crash_ring_bytes = std::size_t{256} << 10;
constexpr std::size_t stack_text_bytes = std::size_t{16} << 10;
constexpr int max_frames = 64;
constexpr int max_signal = 65;
constexpr std::size_t signal_stack_bytes = std::size_t{64} << 10;

// Made once by install_crash_handler() and never freed: everything the
// signal handler touches exists before any signal can arrive.
struct crash_state {
  crash_options opts;
  struct sigaction previous[max_signal] = {};
  bool handled[max_signal] = {};
  // The crash records' own ring, registered with the writer like a
  // thread's: the crashing thread's ring may be in the middle of a call.
  thread_queue* queue = nullptr;
  ring_producer producer;  // writes queue's ring
  const logger* log = nullptr;
  bool every_sink = false;
  std::terminate_handler previous_terminate = nullptr;
  char stack_text[stack_text_bytes] = {};
};

crash_state* g_state = nullptr;
std::atomic<bool> g_installed{false};
// The thread handling a crash (its kernel id), 0 if none.
std::atomic<long> g_owner{0};
// Set by the terminate handler (the SIGABRT that std::abort() raises next),
// and once a fault was handed on to the handler installed before (a
// sanitizer's, whose report then aborts): the process is ending with what
// is already written, so a further fatal signal only hands itself on.
std::atomic<bool> g_terminating{false};
// Where a nested fatal signal, or the drain's time limit, ends the drain.
sigjmp_buf g_jump;
std::atomic<bool> g_jump_ready{false};
constinit thread_local int tls_depth = 0;

// Alternate signal stacks, made when a thread makes its ring.
std::atomic<bool> g_want_signal_stack{false};
constinit thread_local void* tls_signal_stack = nullptr;

long this_tid() noexcept { return ::syscall(SYS_gettid); }

struct signal_text {
  int sig;
  std::string_view name;
  std::string_view description;
};
constexpr signal_text signal_texts[] = {
    {SIGSEGV, "SIGSEGV", "invalid memory access"},
    {SIGBUS, "SIGBUS", "bus error"},
    {SIGFPE, "SIGFPE", "arithmetic exception"},
    {SIGILL, "SIGILL", "illegal instruction"},
    {SIGABRT, "SIGABRT", "aborted"},
    {SIGTERM, "SIGTERM", "termination request"},
    {SIGINT, "SIGINT", "interrupt"},
    {SIGQUIT, "SIGQUIT", "quit"},
    {SIGHUP, "SIGHUP", "hangup"},
    {SIGTRAP, "SIGTRAP", "trap"},
    {SIGSYS, "SIGSYS", "bad system call"},
    {SIGXCPU, "SIGXCPU", "CPU time limit exceeded"},
};

signal_text text_of(int sig) noexcept {
  for (const signal_text& t : signal_texts) {
    if (t.sig == sig) return t;
  }
  return {sig, "signal", "fatal signal"};
}

bool is_fault(int sig, const siginfo_t* info) noexcept {
  return info != nullptr && info->si_code > 0 &&
         (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL);
}

// Encodes one critical record into the crash ring. Async-signal-safe: the
// ring is only ever written here, by the one thread that owns the crash.
template <class... Args>
std::uint64_t put_record(const call_site& site, const Args&... args) noexcept {
  crash_state& st = *g_state;
  if (st.queue == nullptr) return 0;
  ring_producer& r = st.producer;
  std::size_t lens[sizeof...(Args) + 1];
  const std::size_t size = align8(sizeof(record_header) + args_size(lens, args...));
  if (size > r.max_entry() || !r.begin_call()) return 0;
  std::byte* entry = r.try_reserve(size);
  if (entry == nullptr) {
    r.end_call();
    return 0;
  }
  write_header(entry, size, site, st.log, st.every_sink ? record_every_sink : 0);
  encode_args(entry + sizeof(record_header), lens, args...);
  r.commit(entry, size);
  const std::uint64_t at = reinterpret_cast<const record_header*>(entry)->ticks;
  r.end_call();
  return at;
}

// The crash queue shows the crashing thread. The writer reads these after
// the record, which the ring's release and acquire order.
void mark_thread(long tid) noexcept {
  if (g_state->queue == nullptr) return;
  thread_queue& q = *g_state->queue;
  q.thread_id = static_cast<std::uint64_t>(tid);
  char name[17] = {};
  if (::prctl(PR_GET_NAME, name, 0, 0, 0) != 0) name[0] = '\0';
  // Within the capacity reserved at install: no allocation.
  q.thread_name.assign(name, ::strnlen(name, 16));
}

std::string_view stack_text() noexcept {
  crash_state& st = *g_state;
  fixed_text out(st.stack_text, sizeof st.stack_text);
  if (!st.opts.stack_trace) return {};
  void* frames[max_frames];
  const int n = capture_stack(frames, max_frames);
  describe_frames(frames, n, out);
  return out.view();
}

std::uint64_t write_signal_record(int sig, const siginfo_t* info) noexcept {
  mark_thread(this_tid());
  const signal_text t = text_of(sig);
  const std::string_view stack = stack_text();
  if (is_fault(sig, info)) {
    JOT_DETAIL_SITE_(site, level::critical,
                     "fatal signal {signal} ({signal_description}) at address {fault_address}",
                     std::string_view{}, std::string_view{}, static_cast<const void*>(nullptr),
                     jot::kv("signal_number", 0), jot::kv("stack_trace", std::string_view{}));
    return put_record(site, t.name, t.description, static_cast<const void*>(info->si_addr),
                      jot::kv("signal_number", sig), jot::kv("stack_trace", stack));
  }
  JOT_DETAIL_SITE_(site, level::critical, "fatal signal {signal} ({signal_description})",
                   std::string_view{}, std::string_view{}, jot::kv("signal_number", 0),
                   jot::kv("stack_trace", std::string_view{}));
  return put_record(site, t.name, t.description, jot::kv("signal_number", sig),
                    jot::kv("stack_trace", stack));
}

void on_drain_timeout(int /*sig*/) {
  if (g_jump_ready.load(std::memory_order_acquire) &&
      g_owner.load(std::memory_order_acquire) == this_tid()) {
    siglongjmp(g_jump, 1);
  }
}

// Drains on this thread (it holds the consumer role), ended by a timer
// signal aimed at this thread when the time limit runs out. The drain runs
// the normal writing code, which is not async-signal-safe: it is used only
// where nobody else can write (the writer thread crashed, or no writer
// runs), and the timer and the nested-signal jump bound what it can cost.
void drain_here(std::int64_t deadline_ns) noexcept {
  struct sigaction timeout_action {};
  timeout_action.sa_handler = on_drain_timeout;
  sigemptyset(&timeout_action.sa_mask);
  timeout_action.sa_flags = SA_ONSTACK | SA_NODEFER;
  struct sigaction old_alarm {};
  ::sigaction(SIGALRM, &timeout_action, &old_alarm);
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGALRM;
  ev._sigev_un._tid = static_cast<pid_t>(this_tid());
  int timer = -1;
  const bool timed = ::syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &timer) == 0;
  if (timed) {
    const std::int64_t left = std::max<std::int64_t>(deadline_ns - monotonic_ns(), 1'000'000);
    itimerspec its{};
    its.it_value.tv_sec = left / 1'000'000'000;
    its.it_value.tv_nsec = left % 1'000'000'000;
    ::syscall(SYS_timer_settime, timer, 0, &its, nullptr);
  }
  sigset_t alarm_only;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  pthread_sigmask(SIG_UNBLOCK, &alarm_only, nullptr);
  emergency_drain_here(g_state->opts.fsync);
  if (timed) ::syscall(SYS_timer_delete, timer);
  ::sigaction(SIGALRM, &old_alarm, nullptr);
}

// Has everything logged up to `target` written and every sink flushed,
// within the time limit.
void drain(std::uint64_t target) noexcept {
  crash_state& st = *g_state;
  const std::int64_t deadline =
      monotonic_ns() +
      std::chrono::duration_cast<std::chrono::nanoseconds>(st.opts.drain_timeout).count();
  // A call of this thread that the crash interrupted never ends: it must not
  // hold the writer's horizon back.
  if (tls_producer.in_call()) tls_producer.end_call();
  if (target == 0) target = ticks();
  if (holds_consumer_role()) {
    // The writer thread itself (inside a sink, say), or a thread writing
    // synchronously: nobody else will write.
    drain_here(deadline);
    return;
  }
  for (;;) {
    if (writer_running()) {
      request_emergency_flush(target, st.opts.fsync);
      while (!emergency_flush_done(target) && monotonic_ns() < deadline) nap(200);
      return;
    }
    // No writer: take the consumer role, if nobody holds it.
    if (consumer_mutex().try_lock()) {
      const consumer_role_scope role;
      drain_here(deadline);
      consumer_mutex().unlock();
      return;
    }
    if (monotonic_ns() >= deadline) return;
    nap(200);
  }
}

// drain(), ended early by a nested fatal signal or the time limit (both
// jump back here). Not inlined, so no variable of the caller lives across
// the jump.
[[gnu::noinline]] void guarded_drain(std::uint64_t target) noexcept {
  if (sigsetjmp(g_jump, 1) == 0) {
    g_jump_ready.store(true, std::memory_order_release);
    drain(target);
  }
  g_jump_ready.store(false, std::memory_order_release);
}

// Hands the signal on as if jot had never handled it: to the handler
// installed before, or to the default action.
void hand_on(int sig, siginfo_t* info, void* context) noexcept {
  const struct sigaction& prev = g_state->previous[sig];
  const bool has_function = (prev.sa_flags & SA_SIGINFO) != 0
                                ? prev.sa_sigaction != nullptr
                                : prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN;
  if (is_fault(sig, info)) {
    // Returning runs the faulting instruction again, under the previous
    // disposition: a core dump shows the real fault.
    if (has_function) g_terminating.store(true, std::memory_order_release);
    ::sigaction(sig, &prev, nullptr);
    return;
  }
  if (has_function) {
    if ((prev.sa_flags & SA_SIGINFO) != 0) {
      prev.sa_sigaction(sig, info, context);
    } else {
      prev.sa_handler(sig);
    }
    return;
  }
  ::sigaction(sig, &prev, nullptr);
  sigset_t just_this;
  sigemptyset(&just_this);
  sigaddset(&just_this, sig);
  pthread_sigmask(SIG_UNBLOCK, &just_this, nullptr);
  ::raise(sig);
}

void on_fatal_signal(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  if (tls_depth++ != 0) {
    // A fatal signal while this thread handles a crash: the drain ends now.
    if (g_jump_ready.load(std::memory_order_acquire) &&
        g_owner.load(std::memory_order_acquire) == this_tid()) {
      siglongjmp(g_jump, 1);
    }
    hand_on(sig, info, context);
    --tls_depth;
    errno = saved_errno;
    return;
  }
  long expected = 0;
  if (g_owner.compare_exchange_strong(expected, this_tid())) {
    if (!g_terminating.load(std::memory_order_acquire)) {
      guarded_drain(write_signal_record(sig, info));
    }
    g_owner.store(0, std::memory_order_release);
  } else {
    // Another thread is handling a crash and ends the process after its
    // drain: wait for that, within its time limit.
    const std::int64_t until =
        monotonic_ns() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(g_state->opts.drain_timeout).count() +
        500'000'000;
    while (g_owner.load(std::memory_order_acquire) != 0 && monotonic_ns() < until) nap(1000);
  }
  hand_on(sig, info, context);
  --tls_depth;
  errno = saved_errno;
}

// Not a signal handler: std::terminate runs in normal context.
void on_terminate() {
  std::string what;
  try {
    if (const std::exception_ptr e = std::current_exception()) {
      std::rethrow_exception(e);
    }
    what = "std::terminate() called with no exception";
  } catch (const std::exception& e) {
    what = std::string("uncaught exception: ") + e.what();
  } catch (...) {
    what = "uncaught exception of a type not derived from std::exception";
  }
  long expected = 0;
  if (g_owner.compare_exchange_strong(expected, this_tid())) {
    mark_thread(this_tid());
    JOT_DETAIL_SITE_(site, level::critical, "terminate called: {reason}", std::string_view{},
                     jot::kv("stack_trace", std::string_view{}));
    ++tls_depth;
    guarded_drain(put_record(site, std::string_view(what), jot::kv("stack_trace", stack_text())));
    --tls_depth;
    g_owner.store(0, std::memory_order_release);
  }
  g_terminating.store(true, std::memory_order_release);
  if (g_state->previous_terminate != nullptr) g_state->previous_terminate();
  std::abort();
}

void on_quick_exit() {
  long expected = 0;
  if (!g_owner.compare_exchange_strong(expected, this_tid())) return;
  ++tls_depth;
  guarded_drain(0);
  --tls_depth;
  g_owner.store(0, std::memory_order_release);
}

}  // namespace

void prepare_signal_stack() noexcept {
  if (!g_want_signal_stack.load(std::memory_order_acquire) || tls_signal_stack != nullptr) return;
  stack_t current{};
  if (::sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) {
    return;  // the thread has one already (its own, or a sanitizer's)
  }
  void* mem = std::malloc(signal_stack_bytes);
  if (mem == nullptr) return;
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = signal_stack_bytes;
  if (::sigaltstack(&ss, nullptr) != 0) {
    std::free(mem);
    return;
  }
  tls_signal_stack = mem;
}

void crash_handler_after_fork() noexcept {
  crash_state* st = g_state;
  if (st == nullptr) return;
  g_owner.store(0, std::memory_order_relaxed);
  try {
    auto* q = new thread_queue(crash_ring_bytes);
    q->thread_name.reserve(64);
    q->thread_name = "jot-crash";
    q->clear_seen = ticks();
    q->registered_ticks = q->clear_seen;
    st->producer.attach(q->ring);
    st->queue = q;
    register_queue(q);
  } catch (...) {
    st->queue = nullptr;  // the child's crashes write no record
    st->producer.attach(nullptr);
  }
}

void release_signal_stack() noexcept {
  if (tls_signal_stack == nullptr) return;
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  ::sigaltstack(&off, nullptr);
  std::free(tls_signal_stack);
  tls_signal_stack = nullptr;
}

}  // namespace jot::detail

namespace jot {

bool install_crash_handler(const crash_options& options) {
  using namespace detail;
  if (g_installed.exchange(true)) return false;
  if (!ensure_started()) {
    report_error("install_crash_handler(): jot has shut down; no crash handler installed");
    return false;
  }
  prepare_stack_traces();
  auto* st = new crash_state;
  st->opts = options;
  st->queue = new thread_queue(crash_ring_bytes);
  st->queue->thread_name.reserve(64);
  st->queue->thread_name = "jot-crash";
  st->queue->clear_seen = ticks();
  st->queue->registered_ticks = st->queue->clear_seen;
  st->queue->ring_bytes.store(st->queue->ring->capacity(), std::memory_order_relaxed);
  st->producer.attach(st->queue->ring);
  st->log = options.log;
  if (st->log == nullptr) {
    st->log = &make_logger("crash", {}, level::trace);
    st->every_sink = true;
  }
  register_queue(st->queue);
  g_state = st;

  g_want_signal_stack.store(true, std::memory_order_release);
  prepare_signal_stack();

  for (const int sig : options.signals) {
    if (sig <= 0 || sig >= max_signal || sig == SIGKILL || sig == SIGSTOP || st->handled[sig]) {
      continue;
    }
    struct sigaction prev {};
    if (::sigaction(sig, nullptr, &prev) != 0) continue;
    // A signal the program ignores stays ignored.
    if ((prev.sa_flags & SA_SIGINFO) == 0 && prev.sa_handler == SIG_IGN) continue;
    struct sigaction act {};
    act.sa_sigaction = on_fatal_signal;
    sigemptyset(&act.sa_mask);
    // SA_NODEFER: a second fatal signal during the drain reaches the
    // handler, which ends the drain at once.
    act.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    st->previous[sig] = prev;
    st->handled[sig] = true;
    ::sigaction(sig, &act, nullptr);
  }
  if (options.terminate) st->previous_terminate = std::set_terminate(on_terminate);
  if (options.quick_exit) std::at_quick_exit(on_quick_exit);
  return true;
}

}  // namespace jot
