// Starting, flushing and stopping jot.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace jot {

enum class clock_source {
  tsc,     // the CPU's time-stamp counter where it is invariant, else `system`
  system,  // CLOCK_MONOTONIC, read on every call
};

/// What jot::start() accepts. Every field has a working default.
struct options {
  /// Bytes of each thread's ring (rounded up to a power of two, at least
  /// 4 KiB). A record larger than half of it travels on the heap instead.
  std::size_t ring_bytes = std::size_t{1} << 20;
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
  /// It may log. Default: one line to stderr, prefixed "jot: ".
  std::function<void(std::string_view)> error_handler;
};

/// Starts the writer thread with these options. Logging starts jot lazily
/// with the defaults, so this is only for choosing. Returns false (and
/// changes nothing) if jot is already running. Can start jot again after
/// shutdown().
bool start(const options& opts = {});

/// True between start (explicit or lazy) and shutdown.
bool running() noexcept;

/// Returns once every record logged before the call, by any thread, has
/// been written to its sinks and the sinks flushed.
void flush() noexcept;

/// Writes everything logged so far, flushes the sinks and stops the writer
/// thread. Log calls made afterwards are written synchronously by the
/// calling thread. Called automatically at normal exit.
void shutdown() noexcept;

}  // namespace jot
