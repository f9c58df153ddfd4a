// Starting jot with options, and its counts. Flushing and stopping are in
// jot/control.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "jot/control.h"
#include "jot/export.h"

namespace jot {

enum class clock_source {
  tsc,     // the CPU's time-stamp counter where it is invariant, else `system`
  system,  // CLOCK_MONOTONIC, read on every call
};

/// What jot::start() accepts. Every field has a working default.
struct options {
  /// Bytes of each thread's ring (rounded up to a power of two, at least
  /// 4 KiB). A record larger than half of it travels on the heap instead
  /// (in grow mode the ring first grows to fit it, up to ring_max_bytes).
  std::size_t ring_bytes = std::size_t{1} << 20;
  /// backpressure::grow: the largest ring a thread grows to (rounded up to
  /// a power of two, at least ring_bytes).
  std::size_t ring_max_bytes = std::size_t{64} << 20;
  /// Name of the writer thread, as `top -H` shows it (15 characters at most).
  std::string writer_name = "jot-writer";
  /// CPU the writer thread is pinned to; -1 leaves it to the scheduler.
  int writer_cpu = -1;
  clock_source clock = clock_source::tsc;
  /// The writer's longest nap when no thread logs; it naps 20 us first and
  /// doubles up to this. Longer naps save idle CPU; they delay when records
  /// reach the file (not flush(), which wakes the writer, nor a thread whose
  /// ring is full, which does too).
  std::chrono::microseconds max_idle_sleep{50'000};
  /// Receives every problem jot meets (a sink that cannot write, a failed
  /// allocation). Never called twice at once: a report made while the
  /// handler runs is delivered after it returns, by the thread running it.
  /// It may log. Default: one line to stderr, prefixed "jot: ". Once the
  /// program exits (main() returned, or exit() was called), reports (those
  /// of the shutdown jot makes at exit) go to stderr instead: the handler
  /// may refer to main's locals, gone by then. Call jot::shutdown() before
  /// returning from main() to have them here.
  std::function<void(std::string_view)> error_handler;
  /// What a call does when its ring is full, for loggers that did not
  /// choose (logger::set_backpressure()).
  backpressure on_full = backpressure::block;
  /// backpressure::grow, once the ring is ring_max_bytes and full: block or
  /// drop (grow means block here).
  backpressure at_max = backpressure::block;
  /// Install a SIGHUP handler that calls jot::reopen() (for logrotate's
  /// `postrotate kill -HUP`), then the handler that was there before, if
  /// it was a function. SIGHUP then no longer ends the process.
  bool reopen_on_sighup = false;
};

/// Counts for one logging thread (see jot::stats()).
struct thread_stats {
  std::uint64_t thread_id = 0;
  std::string thread_name;
  std::uint64_t written = 0;       // records handed to the sinks
  std::uint64_t dropped = 0;       // records discarded in drop mode
  std::uint64_t bytes = 0;         // bytes those records took in the ring
  std::uint64_t ring_growths = 0;  // times its ring grew (backpressure::grow)
  std::uint64_t ring_bytes = 0;    // its ring's capacity now
  /// The most bytes seen waiting in its ring(s): sampled by the writer each
  /// time it polls and each time it gives a quarter of a ring back, and the
  /// whole ring when a call found it full.
  std::uint64_t ring_high_water = 0;
};

/// Counts since the process started. Cheap enough to read at any time; the
/// figures of a thread still logging move on while they are read.
struct stats_snapshot {
  std::uint64_t written = 0;
  std::uint64_t dropped = 0;
  std::uint64_t bytes = 0;
  std::uint64_t ring_growths = 0;
  std::uint64_t ring_high_water = 0;  // the highest of any one thread
  std::vector<thread_stats> threads;  // threads with a ring now
};

/// The counts, in total (threads that have exited included) and per
/// thread. Records written on the calling thread (by a logger in
/// delivery::sync, or after shutdown) pass through no ring: they count in
/// the totals `written` and `bytes` (their encoded size), not per thread.
JOT_API stats_snapshot stats();

/// Starts the writer thread with these options. Logging starts jot lazily
/// with the defaults, so this is only for choosing. Returns false (and
/// changes nothing) if jot is already running. Can start jot again after
/// shutdown().
JOT_API bool start(const options& opts = {});

}  // namespace jot
