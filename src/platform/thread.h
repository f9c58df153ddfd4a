// Thread identity and placement.
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

namespace jot::detail {

std::uint64_t current_thread_id() noexcept;
std::string current_thread_name();
// Both report failure through report_error() and carry on.
void name_current_thread(const std::string& name) noexcept;
void pin_current_thread(int cpu) noexcept;

// A full memory barrier on every thread of the process (membarrier(2)):
// pairs with a plain store and a compiler barrier on the other side, so the
// hot path needs no fence. Where the kernel lacks it, sleeps 1 ms, which
// drains any store buffer just as surely.
void process_wide_barrier() noexcept;

// Sleeps about `us` microseconds, or less if a signal arrives: one
// nanosleep(2), never restarted. Every caller waits in a loop that looks
// again at what it waits for, so a short nap costs nothing; a restarted
// relative sleep could cost everything: the kernel adds the timer slack
// (50 us by default) to the time left at each restart, so under signals
// arriving every few tens of microseconds it may never end (a thread
// blocked on a full ring stayed blocked for good that way). Async-signal-
// safe.
void nap(long us) noexcept;

// Sleeps while *word holds `expected`, until futex_wake() on it, a signal,
// or about `us` microseconds: one FUTEX_WAIT with a timeout, which the
// kernel never restarts after a signal handler ran (whatever SA_RESTART
// says), so like nap() it cannot be stretched by signals. Callers look
// again at what they wait for. Async-signal-safe, errno kept.
void futex_wait(std::uint32_t* word, std::uint32_t expected, long us) noexcept;
// Wakes one thread in futex_wait() on `word`. Async-signal-safe, errno
// kept.
void futex_wake(std::uint32_t* word) noexcept;

// The CPU's hint for a spin-wait loop (pause on x86, yield on aarch64).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// SIGXFSZ (a write past RLIMIT_FSIZE) and SIGPIPE (a write to a pipe with
// no reader) end the process unless it handles or ignores them. A write by
// jot must fail with EFBIG or EPIPE instead, which the sink reports: every
// thread that writes (the writer, a thread in delivery::sync mode, one
// writing after shutdown) holds both off around its write(2) calls with
// this guard, and only there, so no thread or process it starts inherits
// a changed mask. A signal a failed write raised meanwhile (failed_with()
// says which) is taken off the thread before the mask is restored, unless
// the thread had blocked that signal itself. Costs two system calls per
// buffer written, not per record (three after a failure).
class write_signal_guard {
 public:
  write_signal_guard() noexcept;
  ~write_signal_guard();
  write_signal_guard(const write_signal_guard&) = delete;
  write_signal_guard& operator=(const write_signal_guard&) = delete;

  // A write(2) failed with `err`: EFBIG raised SIGXFSZ, EPIPE SIGPIPE.
  void failed_with(int err) noexcept;

 private:
  sigset_t old_{};
  bool active_ = false;
  bool xfsz_ = false;
  bool pipe_ = false;
};

// jot's own threads (the writer, the rotation worker) take no asynchronous
// signal: a SIGTERM, SIGINT or SIGHUP sent to the process reaches one of
// the application's threads, where its handler (or jot's crash handler)
// expects it, never jot's writer in the middle of a record. Held around the
// creation of such a thread, which inherits the mask; the creating thread's
// own mask is put back at the end of the scope. Faults and SIGABRT, which a
// thread raises itself, stay unblocked.
class own_thread_signals {
 public:
  own_thread_signals() noexcept;
  ~own_thread_signals();
  own_thread_signals(const own_thread_signals&) = delete;
  own_thread_signals& operator=(const own_thread_signals&) = delete;

 private:
  sigset_t old_{};
  bool active_ = false;
};

}  // namespace jot::detail
