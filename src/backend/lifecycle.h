// Start-up and fork(): what each part of jot provides to the writer's
// start (src/backend/writer.cc) and to its fork handlers. Not for log calls.
#pragma once

namespace jot::detail {

// Marks every logger, present and future, stopped (after shutdown: calls
// write on the caller) or not (start after shutdown). In src/logger.cc.
void set_all_loggers_stopped(bool stopped) noexcept;

// Reads JOT_LEVEL and applies it, unless make_logger() or
// configure_levels() did so already (start() calls it). In src/logger.cc.
void read_level_environment() noexcept;

// Around fork(): every formatter's and sink's lock is taken before (so no
// thread writing in sync mode is mid-format or mid-write) and released
// after, in parent and child alike. In src/logger.cc.
void lock_sinks_for_fork() noexcept;
void unlock_sinks_after_fork() noexcept;

// Around fork(): no thread is halfway through registering its ring (in
// src/frontend/submit.cc). The child rebuilds the lock.
void lock_registration_for_fork() noexcept;
void unlock_registration_after_fork(bool child) noexcept;

// In a child after fork(): rebuild the registry's and the error handler's
// locks (in src/logger.cc). (forget_queues_after_fork() is in queues.h.)
void reset_locks_after_fork() noexcept;

// Build a file's function-local statics now, from start (under the lock
// fork() takes too), rather than on first use by some thread: a fork()
// during a first use elsewhere would leave the child a half-built static
// whose guard no thread of the child releases. Each builds those of its
// file: the queue set and the inbox, the dispatcher and the list of
// pending sinks, and the thread keys of the front end.
void build_queue_statics() noexcept;     // src/backend/queues.cc
void build_dispatch_statics() noexcept;  // src/backend/dispatch.cc
void build_submit_statics() noexcept;    // src/frontend/submit.cc
void build_delivery_statics() noexcept;  // src/frontend/delivery.cc
void build_context_statics() noexcept;   // src/frontend/context.cc

// In a child after fork(): the crash records' ring was freed with the
// parent's rings; a new one is made and registered
// (src/frontend/crash_handler.cc).
void crash_handler_after_fork() noexcept;

}  // namespace jot::detail
