// The crash handler: a fatal signal, std::terminate or std::quick_exit
// writes a last record, has every ring written and every sink flushed
// within a time limit, and hands the signal on. A signal the application
// handles is the application's, not a crash. docs/internals.md ("Crash
// handler") follows this file: the paths through on_fatal_signal(), what
// runs inside the signal handler and why each call is acceptable there.
#include "jot/crash.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
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

#include <fmt/format.h>

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
// The alternate signal stack runs the unwinder, and in a drain on the
// crashing thread the formatters and sinks: 256 KiB, below it a page that
// faults, so an overflow there ends the process instead of writing over
// whatever lies below.
constexpr std::size_t signal_stack_bytes = std::size_t{256} << 10;
// SS_AUTODISARM of <linux/signal.h> (Linux 4.7), which glibc's headers
// leave out.
constexpr int ss_autodisarm = static_cast<int>(1U << 31);
// The stack capture gets at most this share of drain_timeout (and 1 s).
constexpr std::int64_t capture_share = 4;

// Made once by install_crash_handler() and never freed: everything the
// signal handler touches exists before any signal can arrive.
struct crash_state {
  crash_options opts;
  struct sigaction previous[max_signal] = {};
  bool handled[max_signal] = {};
  struct sigaction ours[max_signal] = {};  // jot's action for each handled signal
  std::int64_t deadline = 0;               // the drain's time limit (monotonic ns)
  // The crash records' own ring, registered with the writer like a
  // thread's: the crashing thread's ring may be in the middle of a call.
  thread_queue* queue = nullptr;
  ring_producer producer;  // writes queue's ring
  const logger* log = nullptr;
  bool every_sink = false;
  std::terminate_handler previous_terminate = nullptr;
  char stack_text[stack_text_bytes] = {};
  std::string_view stack;      // the captured stack, in stack_text
  std::uint64_t fatal_at = 0;  // the fatal record's time
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
// The thread holding the consumer role crashed while another owns the
// crash: it writes the owner's requests from its handler (parked), until
// a fault or the time limit ends that too (failed).
std::atomic<bool> g_consumer_parked{false};
std::atomic<bool> g_consumer_failed{false};

// This thread is handling a crash (as its owner, or parked).
constinit thread_local bool tls_handling = false;

// Alternate signal stacks, made when a thread makes its ring.
std::atomic<bool> g_want_signal_stack{false};
constinit thread_local void* tls_signal_stack = nullptr;  // the mapping, guard page first

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

// ---- which signals are crashes ----------------------------------------------

// Raised by the CPU for the instruction that faulted: returning runs it again.
bool is_fault(int sig, const siginfo_t* info) noexcept {
  if (info == nullptr || info->si_code <= 0) return false;
  // A machine check reported ahead of use is not tied to an instruction.
  if (sig == SIGBUS && info->si_code == BUS_MCEERR_AO) return false;
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
}

// The process ends whatever a handler does: a fault, or abort() (which
// raises SIGABRT again with the default action if a handler returns).
bool fatal_by_nature(int sig, const siginfo_t* info) noexcept {
  if (is_fault(sig, info)) return true;
  return sig == SIGABRT && info != nullptr && info->si_code <= 0 && info->si_pid == ::getpid();
}

bool has_handler(const struct sigaction& a) noexcept {
  return (a.sa_flags & SA_SIGINFO) != 0 ? a.sa_sigaction != nullptr
                                        : a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN;
}

// Default actions that end the process; install_crash_handler() takes no
// other signal (a SIGCHLD or SIGWINCH is never a crash).
bool default_ends_process(int sig) noexcept {
  switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGKILL:
    case SIGSTOP:
      return false;
    default:
      return sig > 0 && sig < max_signal;
  }
}

// Calls the handler function of `a` (one of the application's).
void run_action(const struct sigaction& a, int sig, siginfo_t* info, void* context) noexcept {
  if ((a.sa_flags & SA_SIGINFO) != 0) {
    a.sa_sigaction(sig, info, context);
  } else {
    a.sa_handler(sig);
  }
}

// Runs the handler installed before jot's as the kernel would have: with
// its mask (and the signal itself unless it asked for SA_NODEFER) blocked,
// and a one-shot handler (SA_RESETHAND) reset to the default afterwards.
void call_previous(int sig, siginfo_t* info, void* context) noexcept {
  struct sigaction& prev = g_state->previous[sig];
  sigset_t mask = prev.sa_mask;
  if ((prev.sa_flags & SA_NODEFER) == 0) sigaddset(&mask, sig);
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &mask, &old);
  const struct sigaction called = prev;
  if ((prev.sa_flags & SA_RESETHAND) != 0) {
    prev.sa_handler = SIG_DFL;
    prev.sa_flags &= ~(SA_SIGINFO | SA_RESETHAND);
  }
  run_action(called, sig, info, context);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// Hands a crash's signal on as if jot had never handled it: to the
// handler installed before, or to the default action.
void hand_on(int sig, siginfo_t* info, void* context) noexcept {
  const struct sigaction& prev = g_state->previous[sig];
  if (is_fault(sig, info)) {
    // Returning runs the faulting instruction again, under the previous
    // disposition: a core dump shows the real fault.
    if (has_handler(prev)) g_terminating.store(true, std::memory_order_release);
    ::sigaction(sig, &prev, nullptr);
    return;
  }
  if (has_handler(prev)) {
    call_previous(sig, info, context);
    return;
  }
  ::sigaction(sig, &prev, nullptr);
  sigset_t just_this;
  sigemptyset(&just_this);
  sigaddset(&just_this, sig);
  pthread_sigmask(SIG_UNBLOCK, &just_this, nullptr);
  ::raise(sig);
  // Still alive (the default action did not end the process): jot's
  // handler takes the next one again.
  ::sigaction(sig, &g_state->ours[sig], nullptr);
}

// ---- steps with a way out ---------------------------------------------------
//
// Each part of the crash's handling that can fault or block (the stack
// capture, the record, the drain) runs as a guarded step: a fault inside
// it, or its time limit (a timer signal aimed at this thread), jumps back
// to the step's start, which returns how the step ended. Every step is a
// function of its own called from guarded(), so no variable of the caller
// lives across a jump.

enum step_end : int { step_done = 0, step_faulted = 1, step_timed_out = 2 };

struct step_guard {
  sigjmp_buf jump;
  volatile sig_atomic_t armed = 0;
  volatile sig_atomic_t why = step_done;  // how the step ended, for the jump
};
constinit thread_local step_guard* tls_guard = nullptr;
step_guard g_owner_guard;     // the crash's owner
step_guard g_consumer_guard;  // a consumer parked in its handler

// What one thread's handling of a crash took, to be put back by end_scope().
struct crash_scope {
  int timer = -1;
  std::atomic<bool> timed{false};
  sigset_t old_mask{};
  std::uint32_t paused_call = 0;
};
crash_scope g_owner_scope;
crash_scope g_consumer_scope;

// SIGALRM's action is the process's, shared by the owner's and a parked
// consumer's timers: the first to need it installs jot's, the last puts
// the application's back.
std::atomic<int> g_alarm_users{0};
std::atomic<bool> g_alarm_installed{false};
struct sigaction g_old_alarm {};

// A jump out of the step under way on this thread, if there is one.
void end_step(int why) noexcept {
  step_guard* g = tls_guard;
  if (g != nullptr && g->armed != 0) {
    g->armed = 0;
    g->why = why;
    siglongjmp(g->jump, 1);
  }
}

bool is_our_timer(const siginfo_t* info) noexcept {
  if (info == nullptr || info->si_code != SI_TIMER) return false;
  for (const crash_scope* s : {&g_owner_scope, &g_consumer_scope}) {
    if (s->timed.load(std::memory_order_acquire) && info->si_timerid == s->timer) return true;
  }
  return false;
}

void on_step_timer(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  if (is_our_timer(info)) {
    end_step(step_timed_out);
  } else if (has_handler(g_old_alarm)) {
    // The application's SIGALRM (alarm(), a timer of its own) during a
    // crash's handling: to the application's handler, as before the crash.
    // (With the default action it would end the process, which the crash
    // under way does anyway.)
    run_action(g_old_alarm, sig, info, context);
  }
  errno = saved_errno;
}

void take_alarm() noexcept {
  if (g_alarm_users.fetch_add(1, std::memory_order_acq_rel) == 0) {
    struct sigaction timer_action {};
    timer_action.sa_sigaction = on_step_timer;
    sigemptyset(&timer_action.sa_mask);
    timer_action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    ::sigaction(SIGALRM, &timer_action, &g_old_alarm);
    g_alarm_installed.store(true, std::memory_order_release);
    return;
  }
  // Another thread is installing it: a few microseconds at most.
  while (!g_alarm_installed.load(std::memory_order_acquire)) nap(10);
}

void give_alarm_back() noexcept {
  if (g_alarm_users.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  g_alarm_installed.store(false, std::memory_order_release);
  ::sigaction(SIGALRM, &g_old_alarm, nullptr);
}

// The timer, SIGALRM and this thread's interrupted log call, taken for the
// handling of a crash; end_scope() puts each back, the one place that does.
void begin_scope(crash_scope& s, step_guard& g) noexcept {
  tls_guard = &g;
  s.paused_call = tls_producer.pause_call();
  take_alarm();
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGALRM;
  ev._sigev_un._tid = static_cast<pid_t>(this_tid());
  s.timed.store(::syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &s.timer) == 0,
                std::memory_order_release);
  sigset_t alarm_only;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  pthread_sigmask(SIG_UNBLOCK, &alarm_only, &s.old_mask);
}

void end_scope(crash_scope& s) noexcept {
  if (s.timed.exchange(false, std::memory_order_acq_rel)) ::syscall(SYS_timer_delete, s.timer);
  pthread_sigmask(SIG_SETMASK, &s.old_mask, nullptr);
  give_alarm_back();
  tls_producer.resume_call(s.paused_call);
  tls_guard = nullptr;
}

void set_timer(const crash_scope& s, std::int64_t left_ns) noexcept {
  if (!s.timed.load(std::memory_order_relaxed)) return;
  itimerspec its{};
  if (left_ns > 0) {
    its.it_value.tv_sec = left_ns / 1'000'000'000;
    its.it_value.tv_nsec = left_ns % 1'000'000'000;
  }
  ::syscall(SYS_timer_settime, s.timer, 0, &its, nullptr);
}

// Runs step(arg) until it returns, faults or reaches `until` (monotonic ns).
// Armed before the timer is set, so a timer that fires at once still ends
// the step; the steps also look at g_state->deadline themselves where they
// wait, in case no timer could be made.
[[gnu::noinline]] int guarded(const crash_scope& s, void (*step)(void*), void* arg,
                              std::int64_t until) noexcept {
  step_guard& g = *tls_guard;
  const std::int64_t left = until - monotonic_ns();
  if (left <= 0) return step_timed_out;
  if (sigsetjmp(g.jump, 1) != 0) {
    set_timer(s, 0);
    return g.why;
  }
  g.armed = 1;
  set_timer(s, left);
  step(arg);
  g.armed = 0;
  set_timer(s, 0);
  return step_done;
}

// ---- the steps --------------------------------------------------------------

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

void capture_step(void* /*unused*/) noexcept {
  crash_state& st = *g_state;
  fixed_text out(st.stack_text, sizeof st.stack_text);
  void* frames[max_frames];
  const int n = capture_stack(frames, max_frames);
  describe_frames(frames, n, out);
  st.stack = out.view();
}

// Captures the stack, or says in its place why there is none.
void capture_stack_text(const crash_scope& s, std::int64_t deadline) noexcept {
  crash_state& st = *g_state;
  st.stack = {};
  if (!st.opts.stack_trace) return;
  const std::int64_t limit =
      std::min<std::int64_t>(ns_of(st.opts.drain_timeout) / capture_share, 1'000'000'000);
  const int how = guarded(s, capture_step, nullptr, std::min(deadline, monotonic_ns() + limit));
  if (how == step_done) return;
  st.stack = how == step_faulted
                 ? std::string_view("(no stack trace: capturing it faulted; the stack is damaged)")
                 : std::string_view("(no stack trace: capturing it took too long)");
}

struct signal_event {
  int sig;
  const siginfo_t* info;
};

void signal_record_step(void* arg) noexcept {
  const auto& e = *static_cast<const signal_event*>(arg);
  crash_state& st = *g_state;
  mark_thread(this_tid());
  const signal_text t = text_of(e.sig);
  if (is_fault(e.sig, e.info)) {
    JOT_DETAIL_SITE_(site, level::critical,
                     "fatal signal {signal} ({signal_description}) at address {fault_address}",
                     std::string_view{}, std::string_view{}, static_cast<const void*>(nullptr),
                     jot::kv("signal_number", 0), jot::kv("stack_trace", std::string_view{}));
    st.fatal_at = put_record(site, t.name, t.description, static_cast<const void*>(e.info->si_addr),
                             jot::kv("signal_number", e.sig), jot::kv("stack_trace", st.stack));
    return;
  }
  JOT_DETAIL_SITE_(site, level::critical, "fatal signal {signal} ({signal_description})",
                   std::string_view{}, std::string_view{}, jot::kv("signal_number", 0),
                   jot::kv("stack_trace", std::string_view{}));
  st.fatal_at = put_record(site, t.name, t.description, jot::kv("signal_number", e.sig),
                           jot::kv("stack_trace", st.stack));
}

void terminate_record_step(void* arg) noexcept {
  const auto& reason = *static_cast<const std::string*>(arg);
  crash_state& st = *g_state;
  mark_thread(this_tid());
  JOT_DETAIL_SITE_(site, level::critical, "terminate called: {reason}", std::string_view{},
                   jot::kv("stack_trace", std::string_view{}));
  st.fatal_at = put_record(site, std::string_view(reason), jot::kv("stack_trace", st.stack));
}

// Set while drain_step() holds the consumer role it took: a step cut by a
// fault or the time limit gives it back in end_of_steps().
bool g_took_role = false;

bool before_deadline() noexcept { return monotonic_ns() < g_state->deadline; }

// Has everything logged up to the fatal record (or now) written and every
// sink flushed. The normal writing code runs here only where no other
// thread can be writing: this thread holds the consumer role, or took it
// from nobody.
void drain_step(void* /*unused*/) noexcept {
  crash_state& st = *g_state;
  const bool fsync = st.opts.fsync;
  const std::uint64_t target = st.fatal_at != 0 ? st.fatal_at : ticks();
  if (holds_consumer_role()) {
    // The writer thread itself (inside a sink, say), or a thread writing
    // synchronously: nobody else will write.
    emergency_drain_here(fsync);
    return;
  }
  const auto someone_serves = [] {
    return writer_serving() || g_consumer_parked.load(std::memory_order_acquire);
  };
  while (before_deadline()) {
    // The writer answers while it runs its loop, and so does a writer
    // parked in a crash of its own; a writer that leaves its loop
    // (shutdown) lets the consumer role go soon after.
    if (someone_serves()) {
      request_emergency_flush(target, fsync);
      while (!emergency_flush_done(target) && !g_consumer_failed.load(std::memory_order_acquire) &&
             someone_serves() && before_deadline()) {
        nap(200);
      }
      if (emergency_flush_done(target) || g_consumer_failed.load(std::memory_order_acquire)) {
        return;
      }
      continue;
    }
    if (consumer_mutex().try_lock()) {
      g_took_role = true;
      {
        const consumer_role_scope role;
        emergency_drain_here(fsync);
      }
      consumer_mutex().unlock();
      g_took_role = false;
      return;
    }
    nap(200);
  }
}

// The consumer's part while parked: answers the owner's requests.
void serve_step(void* /*unused*/) noexcept { emergency_drain_here(g_state->opts.fsync); }

// After the steps, whichever way they ended: what a cut step still held.
// The writing code it was cut in stays as it was cut (a sink's buffer
// half written, say): the process is ending, unless a handler chained
// after jot's recovers from a fault, and then at its own risk.
void end_of_steps() noexcept {
  crash_state& st = *g_state;
  // The fatal record cut between reserving and committing: the crash ring
  // shows no call, so the writer and a later shutdown() do not wait for it.
  if (st.producer.in_call()) st.producer.end_call();
  if (g_took_role) {
    g_took_role = false;
    leave_consumer_role();
    consumer_mutex().unlock();
  }
}

// ---- one crash, start to end ------------------------------------------------

// The owner's handling of a crash: the stack, the fatal record (if any),
// the drain. Each may end early (a fault, the time limit); what they took
// is put back at the end in any case, and the emergency mode ends.
void handle_crash(void (*record_step)(void*), void* event) noexcept {
  crash_state& st = *g_state;
  crash_scope& s = g_owner_scope;
  st.deadline = monotonic_ns() + ns_of(st.opts.drain_timeout);
  st.fatal_at = 0;
  g_consumer_failed.store(false, std::memory_order_relaxed);
  begin_scope(s, g_owner_guard);
  if (record_step != nullptr) {
    capture_stack_text(s, st.deadline);
    static_cast<void>(guarded(s, record_step, event, st.deadline));
  }
  static_cast<void>(guarded(s, drain_step, nullptr, st.deadline));
  end_of_steps();
  end_scope(s);
  end_emergency();
}

// Waits until the crash's owner is done, or `until`; then a little more,
// so that the owner's ending of the process (its signal, its exit status)
// comes first rather than this thread's.
void wait_for_owner(std::int64_t until) noexcept {
  while (g_owner.load(std::memory_order_acquire) != 0 && monotonic_ns() < until) nap(1000);
  const std::int64_t grace = monotonic_ns() + 500'000'000;
  while (monotonic_ns() < grace) nap(10'000);
}

// A thread that crashes while another owns the crash: if it holds the
// consumer role, nobody else can write, so it answers the owner's requests
// from here until the owner is done; otherwise it waits for the owner,
// which ends the process. Either way its own interrupted call, if any,
// must not hold the writer back.
void while_another_owns() noexcept {
  crash_state& st = *g_state;
  const std::int64_t until = monotonic_ns() + ns_of(st.opts.drain_timeout) + 500'000'000;
  if (!holds_consumer_role()) {
    const std::uint32_t paused = tls_producer.pause_call();
    wait_for_owner(until);
    tls_producer.resume_call(paused);
    return;
  }
  crash_scope& s = g_consumer_scope;
  begin_scope(s, g_consumer_guard);
  g_consumer_parked.store(true, std::memory_order_release);
  while (g_owner.load(std::memory_order_acquire) != 0 && monotonic_ns() < until) {
    if (emergency_requested()) {
      if (guarded(s, serve_step, nullptr, until) != step_done) {
        g_consumer_failed.store(true, std::memory_order_release);
        break;
      }
      continue;
    }
    nap(200);
  }
  g_consumer_parked.store(false, std::memory_order_release);
  wait_for_owner(until);
  end_scope(s);
}

bool take_ownership() noexcept {
  long expected = 0;
  return g_owner.compare_exchange_strong(expected, this_tid(), std::memory_order_acq_rel);
}

void release_ownership() noexcept { g_owner.store(0, std::memory_order_release); }

// Every path a handled signal takes, in order.
void on_fatal_signal(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  const bool fatal = fatal_by_nature(sig, info);
  if (!fatal && has_handler(g_state->previous[sig])) {
    // 1. The application handles this signal: its handler decides. If it
    //    returns, nothing happened as far as jot is concerned.
    call_previous(sig, info, context);
  } else if (g_terminating.load(std::memory_order_acquire)) {
    // 2. The process is already ending with what is written.
    hand_on(sig, info, context);
  } else if (tls_handling) {
    // 3. This thread is handling a crash. A fault ends the step under way
    //    (the capture, the drain) and, outside a step, is handed on. A
    //    signal that is no fault (a SIGTERM meanwhile) waits for nothing:
    //    the crash under way ends the process anyway.
    if (fatal) {
      end_step(step_faulted);
      hand_on(sig, info, context);
    }
  } else {
    // 4. A crash: its owner writes the fatal record and drains; another
    //    thread crashing meanwhile helps or waits. Then the signal goes on.
    tls_handling = true;
    if (take_ownership()) {
      signal_event e{sig, info};
      handle_crash(signal_record_step, &e);
      release_ownership();
    } else {
      while_another_owns();
    }
    tls_handling = false;
    hand_on(sig, info, context);
  }
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
  tls_handling = true;
  if (take_ownership()) {
    handle_crash(terminate_record_step, &what);
    release_ownership();
  } else {
    while_another_owns();  // a crash on another thread: its drain first
  }
  tls_handling = false;
  g_terminating.store(true, std::memory_order_release);
  if (g_state->previous_terminate != nullptr) g_state->previous_terminate();
  std::abort();
}

void on_quick_exit() {
  tls_handling = true;
  if (take_ownership()) {
    handle_crash(nullptr, nullptr);
    release_ownership();
  } else {
    while_another_owns();  // a crash on another thread: its drain first
  }
  tls_handling = false;
}

}  // namespace

void prepare_signal_stack() noexcept {
  if (!g_want_signal_stack.load(std::memory_order_acquire) || tls_signal_stack != nullptr) return;
  stack_t current{};
  if (::sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) {
    return;  // the thread has one already (its own, or a sanitizer's)
  }
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  void* mem = ::mmap(nullptr, page + signal_stack_bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) return;
  // The stack grows down: the guard page is the lowest.
  stack_t ss{};
  ss.ss_sp = static_cast<char*>(mem) + page;
  ss.ss_size = signal_stack_bytes;
  // SS_AUTODISARM: while a handler runs on it the stack is not the
  // alternate one, so a signal then (a fault in the drain) goes below the
  // handler's frames on the same stack, and one past the guard page ends
  // the process, instead of starting again at the top, over the running
  // handler (without it, on kernels before 4.7).
  ss.ss_flags = ss_autodisarm;
  if (::mprotect(mem, page, PROT_NONE) != 0) {
    ::munmap(mem, page + signal_stack_bytes);
    return;
  }
  if (::sigaltstack(&ss, nullptr) != 0) {
    ss.ss_flags = 0;
    if (::sigaltstack(&ss, nullptr) != 0) {
      ::munmap(mem, page + signal_stack_bytes);
      return;
    }
  }
  tls_signal_stack = mem;
}

void release_signal_stack() noexcept {
  if (tls_signal_stack == nullptr) return;
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  ::sigaltstack(&off, nullptr);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  ::munmap(tls_signal_stack, page + signal_stack_bytes);
  tls_signal_stack = nullptr;
}

void crash_handler_after_fork() noexcept {
  crash_state* st = g_state;
  if (st == nullptr) return;
  g_owner.store(0, std::memory_order_relaxed);
  g_consumer_parked.store(false, std::memory_order_relaxed);
  g_consumer_failed.store(false, std::memory_order_relaxed);
  g_alarm_users.store(0, std::memory_order_relaxed);
  g_alarm_installed.store(false, std::memory_order_relaxed);
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
    // Not in the registry: the name "crash" stays the application's.
    st->log = logger_data::make("crash", {}, level::trace);
    st->every_sink = true;
  }
  register_queue(st->queue);
  g_state = st;

  g_want_signal_stack.store(true, std::memory_order_release);
  prepare_signal_stack();

  for (const int sig : options.signals) {
    if (sig <= 0 || sig >= max_signal || st->handled[sig]) continue;
    if (!default_ends_process(sig)) {
      report_error(fmt::format(
          "install_crash_handler(): signal {} is not handled: it cannot be caught, or its "
          "default action does not end the process, so it is never a crash",
          sig));
      continue;
    }
    struct sigaction prev {};
    if (::sigaction(sig, nullptr, &prev) != 0) continue;
    // A signal the program ignores stays ignored.
    if ((prev.sa_flags & SA_SIGINFO) == 0 && prev.sa_handler == SIG_IGN) continue;
    st->previous[sig] = prev;
    st->handled[sig] = true;
    struct sigaction& ours = st->ours[sig];
    ours.sa_sigaction = on_fatal_signal;
    sigemptyset(&ours.sa_mask);
    // SA_NODEFER: a fault during the drain reaches the handler, which ends
    // the step under way. A signal the application handles keeps what its
    // handler asked for (SA_RESTART: interrupted system calls go on; the
    // alternate stack only if it asked); jot's own run on the alternate
    // stack, which a stack overflow needs.
    ours.sa_flags = SA_SIGINFO | SA_NODEFER;
    const bool may_fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
    if (has_handler(prev) && !may_fault) {
      ours.sa_flags |= prev.sa_flags & (SA_RESTART | SA_ONSTACK);
    } else {
      ours.sa_flags |= SA_ONSTACK | (prev.sa_flags & SA_RESTART);
    }
    ::sigaction(sig, &ours, nullptr);
  }
  if (options.terminate) st->previous_terminate = std::set_terminate(on_terminate);
  if (options.quick_exit) std::at_quick_exit(on_quick_exit);
  return true;
}

}  // namespace jot
