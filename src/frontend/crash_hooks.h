// What the rest of jot calls in the crash handler (src/frontend/crash_handler.cc).
#pragma once

namespace jot::detail {

// On a thread making its ring, once a crash handler is installed: an
// alternate signal stack, so that a stack overflow is handled too (unless
// the thread has one already). Released when the thread exits.
void prepare_signal_stack() noexcept;
void release_signal_stack() noexcept;

// In a child after fork(): the crash records' ring was freed with the
// parent's rings; a new one is made and registered.
void crash_handler_after_fork() noexcept;

}  // namespace jot::detail
