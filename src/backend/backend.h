// What the front end, the crash handler and the public calls need from the
// back end (start-up and fork hooks are in lifecycle.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "jot/config.h"

namespace jot {
class logger;
class sink;
}  // namespace jot

namespace jot::detail {

// The consumer role (reading rings, calling formatters and sinks) belongs to
// whoever holds this lock: the writer thread for its whole life, otherwise
// a thread writing synchronously, or shutdown() draining what is left.
std::mutex& consumer_mutex() noexcept;

// True on a thread that holds the consumer role now: the writer thread, or
// a thread inside write_sync() or a writer-less flush(). A log call or
// flush() from a sink, formatter or error handler on such a thread must not
// wait for the role or for ring space.
bool holds_consumer_role() noexcept;

// True on a thread writing records now: it holds the consumer role, or
// writes a record of a delivery::sync logger (holding sink and formatter
// locks). A log call or flush() from a sink, formatter or error handler on
// such a thread must not wait for the writer or for ring space.
bool writing_on_this_thread() noexcept;

// Marks the thread as writing a delivery::sync record, for a scope.
class sync_write_scope {
 public:
  sync_write_scope() noexcept;
  ~sync_write_scope();
  sync_write_scope(const sync_write_scope&) = delete;
  sync_write_scope& operator=(const sync_write_scope&) = delete;
};

// Ends this thread's consumer role where its consumer_role_scope cannot:
// the crash handler's drain, cut by a fault or its time limit.
void leave_consumer_role() noexcept;

// Takes the consumer role for a scope (the lock must be held).
class consumer_role_scope {
 public:
  consumer_role_scope() noexcept;
  ~consumer_role_scope();
  consumer_role_scope(const consumer_role_scope&) = delete;
  consumer_role_scope& operator=(const consumer_role_scope&) = delete;
};

// True while the writer thread runs (it may be stopping).
bool writer_running() noexcept;

// Starts the writer with default options unless jot was started or shut
// down before. True if the writer runs.
bool ensure_started() noexcept;

// Called by a producer that found its ring full (already off the hot
// path): a sleeping writer wakes at once instead of at the end of its nap.
void wake_writer_for_room() noexcept;

// Bytes of a new thread's ring, as configured.
std::size_t configured_ring_bytes() noexcept;

// The state bits (state_drop, state_grow, state_drop_at_max) that stand
// for this choice.
std::uint32_t backpressure_bits(backpressure b, backpressure at_max) noexcept;
// What a call of this logger does when its ring is full: those bits, the
// logger's own or the configured ones.
std::uint32_t when_full(const logger& lg) noexcept;
// backpressure::grow: the largest ring, as configured.
std::size_t configured_ring_max_bytes() noexcept;

// Writes one encoded entry on the calling thread, after anything still in
// the rings: for calls after shutdown. Waits while a stopping writer still
// holds the consumer role; returns false, writing nothing, if jot has been
// started again meanwhile (the caller then uses its ring).
bool write_sync(const logger& lg, std::byte* entry, std::size_t size) noexcept;

// The crash handler's requests (src/frontend/crash_handler.cc). The asking
// side is async-signal-safe: atomics only. Asks the writer to write every
// record stamped up to `target` and flush every sink (and, with `sync`,
// sync every sink whatever its policy); a napping writer sees it when it
// wakes, within options::max_idle_sleep.
void request_emergency_flush(std::uint64_t target, bool sync) noexcept;
// True once an emergency flush up to `target` is complete.
bool emergency_flush_done(std::uint64_t target) noexcept;
// True while an emergency flush is asked and not yet complete.
bool emergency_requested() noexcept;
// True from an emergency request until end_emergency(): sink and formatter
// locks are tried for a bounded time only (see sink_lock in
// sinks/sink_control.h).
bool emergency() noexcept;
// The crash handler's drain is over and the process lives on (a handler
// chained after jot's recovered): locks are plain locks again, and no sink
// or formatter stays abandoned. Async-signal-safe (atomics only).
void end_emergency() noexcept;
// True while the writer thread runs its loop, so that an emergency request
// is answered; false before it starts and once it has left the loop to
// stop (it may still hold the consumer role a little longer).
bool writer_serving() noexcept;
// The consumer role's holder (this thread): writes what the rings hold and
// flushes every sink, here. Not async-signal-safe: the crash handler runs it
// only on a thread that already holds the role or took it from nobody, under
// a time limit that ends it.
void emergency_drain_here(bool sync) noexcept;
// Syncs every sink of every logger, each under its lock (src/logger.cc).
void sync_every_sink() noexcept;
// Every distinct sink of every logger, into `out`; false, leaving `out`
// empty, if the registry's lock is not free at once (src/logger.cc).
bool collect_every_sink(std::vector<std::shared_ptr<sink>>& out) noexcept;

// Sets the handler report_error() calls; empty restores the default.
void set_error_handler(std::function<void(std::string_view)> handler);

}  // namespace jot::detail
