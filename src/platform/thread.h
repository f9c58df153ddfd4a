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

// SIGXFSZ (a write past RLIMIT_FSIZE) and SIGPIPE (a write to a pipe with
// no reader) end the process unless it handles or ignores them. A write by
// jot must fail with EFBIG or EPIPE instead, which the sink reports.
//
// The writer thread blocks both for its whole life.
void block_write_signals_for_this_thread() noexcept;

// Any other thread that writes (delivery::sync, writes after shutdown)
// blocks them around each write(2) with this guard; a signal the write
// raised meanwhile is taken off the thread before its mask is restored,
// unless the thread had blocked that signal itself. Costs three system
// calls, once per buffer written, not per record.
class write_signal_guard {
 public:
  write_signal_guard() noexcept;
  ~write_signal_guard();
  write_signal_guard(const write_signal_guard&) = delete;
  write_signal_guard& operator=(const write_signal_guard&) = delete;

 private:
  sigset_t old_{};
  bool active_ = false;
};

}  // namespace jot::detail
