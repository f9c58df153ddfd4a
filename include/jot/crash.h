// The crash handler: the records logged before a crash reach the sinks.
#pragma once

#include <signal.h>

#include <chrono>
#include <vector>

#include "jot/export.h"

namespace jot {

class logger;

/// What jot::install_crash_handler() does.
struct crash_options {
  /// The signals handled. SIGKILL and SIGSTOP cannot be; the OOM killer
  /// sends SIGKILL. Signals whose default action does not end the process
  /// (SIGCHLD, SIGWINCH, SIGCONT, SIGURG, the stop signals) are refused.
  std::vector<int> signals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGINT};
  /// How long the handler waits for the rings to be written and the sinks
  /// flushed before it gives up and lets the process die. The stack
  /// capture gets a quarter of it (at most 1 s).
  std::chrono::milliseconds drain_timeout{2000};
  /// The fatal record carries the stack as a field, `stack_trace`: one frame
  /// a line, an address with its module and offset in it (symbolise with
  /// `addr2line -e module offset`).
  bool stack_trace = true;
  /// After the flush, make every sink durable (sink::sync(): fdatasync for
  /// files), whatever its flush policy says.
  bool fsync = false;
  /// Also handle std::terminate (an exception nobody caught, with its
  /// what()), then call the terminate handler installed before.
  bool terminate = true;
  /// Also write everything out when the program calls std::quick_exit().
  bool quick_exit = true;
  /// The logger whose sinks get the fatal record; nullptr: every sink of
  /// every logger. Records already logged go where they were going.
  logger* log = nullptr;
};

/// Installs the crash handler, once per process (later calls change
/// nothing and return false). A signal with a handler installed before
/// this call goes to that handler first, unless the signal is fatal
/// whatever a handler does (a fault raised by the CPU, the process's own
/// abort()): if the handler returns, jot has done nothing, so a SIGTERM
/// handler that asks the program to stop is not a crash. Signals whose
/// default action does not end the process are refused (reported). On a
/// fatal signal, on any thread, it writes
/// one critical record naming the signal, the faulting address and the
/// thread, with the stack trace; writes every record logged before it and
/// flushes every sink, within drain_timeout; then restores the signal's
/// previous disposition and raises the signal again, so the exit status,
/// core dumps and any handler installed before (the application's, a
/// sanitizer's) work as they did.
///
///     int main() {
///       auto& log = jot::make_logger("app", {jot::file_sink("app.log")});
///       jot::install_crash_handler();
///       ...
///     }
///
/// Threads get an alternate signal stack (so a stack overflow is handled)
/// when they make their ring: install it before starting threads. What the
/// handler does, and what it cannot promise (SIGKILL, the OOM killer, power
/// loss, _exit()), is in docs/internals.md.
JOT_API bool install_crash_handler(const crash_options& options = {});

}  // namespace jot
