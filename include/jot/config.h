// Starting, flushing and stopping jot.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "jot/export.h"

namespace jot {

enum class clock_source {
  tsc,     // the CPU's time-stamp counter where it is invariant, else `system`
  system,  // CLOCK_MONOTONIC, read on every call
};

/// What a log call does when its thread's ring is full (the writer is
/// behind). Set for all loggers with options::on_full, or for one with
/// logger::set_backpressure().
enum class backpressure : std::uint8_t {
  /// Wait for room (spinning, then yielding, then sleeping): nothing is
  /// lost. The default.
  block,
  /// Discard the record and count it: the call never waits. The writer
  /// writes a warning record, "N records dropped from thread T since ...",
  /// to the sinks of the logger that dropped them, in time order with the
  /// other records, and tells the error handler: for each thread and
  /// logger at most once a second while drops go on, and at once at a
  /// flush(), at shutdown and when the thread exits. jot::stats() has the
  /// counts. Records logged = records written + records counted as
  /// dropped, exactly. (A record lost for another reason, such as a failed
  /// allocation, is reported to the error handler on its own.)
  drop,
  /// Chain a new ring twice the size of the full one and write on in it;
  /// the writer reads the old ring to its end first, so order holds, and
  /// frees it once read. A thread's ring grows up to options::ring_max_bytes;
  /// a full ring of that size blocks or drops, as options::at_max says (or
  /// the logger's own choice). After a burst, the thread keeps its largest
  /// ring (the smaller ones are freed as the writer finishes them) until it
  /// exits. Nothing is lost and no call waits while the ring can grow, at
  /// the cost of memory: at most about twice ring_max_bytes per thread
  /// during a burst.
  grow,
};

/// Where a logger's records are formatted and written (see
/// logger::set_delivery()). The same calls give the same output in each.
enum class delivery : std::uint8_t {
  /// The call copies the arguments into its thread's ring; the writer
  /// thread formats and writes them. The fastest call. The default.
  async,
  /// The call formats the message (and decodes the fields) and puts the
  /// text and the field values in the ring; the writer thread renders the
  /// line and writes it. The call costs a formatting; the arguments need
  /// not be copyable into the ring as they are.
  async_eager,
  /// The call formats and writes the record itself, under each sink's
  /// lock, and returns once the sinks have it (flushed as their policies
  /// say). No ring, no waiting for the writer; the caller pays for the
  /// I/O. Records of a sync logger may reach a sink before earlier records
  /// of async loggers still on their way to the same sink, and a record is
  /// stamped before it waits for the sink's lock, so lines of several
  /// threads in one file may step back in time by that wait (see
  /// docs/internals.md, "Delivery modes").
  sync,
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

/// True between start (explicit or lazy) and shutdown.
JOT_API bool running() noexcept;

/// Makes the calling thread's ring, and what else its first log call would
/// allocate, now, so that the first record of a latency-sensitive thread
/// costs what later ones do. Idempotent. Starts jot with the default
/// options if it has not started, as a first log call would (call start()
/// first to choose them). Returns true if the thread has its ring; false
/// after shutdown(), when calls are written on the caller and need none.
///
///     std::thread t([&] { jot::prepare_thread(); for (;;) JOT_INFO(log, "tick"); });
JOT_API bool prepare_thread() noexcept;

/// Returns once every record logged before the call, by any thread, has
/// been written to its sinks and the sinks flushed.
JOT_API void flush() noexcept;

/// Writes everything logged so far, flushes the sinks and stops the writer
/// thread. Log calls made afterwards are written synchronously by the
/// calling thread. Called automatically at normal exit.
JOT_API void shutdown() noexcept;

}  // namespace jot
