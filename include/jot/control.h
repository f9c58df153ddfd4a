// What a file that only logs may need besides the macros: delivery modes,
// backpressure, and flushing and stopping jot. Included by jot/jot.h; the
// rest of the set-up (start(), options, sinks) is in jot/setup.h.
#pragma once

#include <cstdint>

#include "jot/export.h"

namespace jot {

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
