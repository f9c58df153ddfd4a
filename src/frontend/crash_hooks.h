// What the rest of jot calls in the crash handler (src/frontend/crash_handler.cc).
#pragma once

namespace jot::detail {

// On a thread making its ring, once a crash handler is installed: an
// alternate signal stack, so that a stack overflow is handled too (unless
// the thread has one already). Released when the thread exits.
void prepare_signal_stack() noexcept;
void release_signal_stack() noexcept;

}  // namespace jot::detail
