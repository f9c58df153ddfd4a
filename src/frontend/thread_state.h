// Per-thread state of the caller's side that jot::prepare_thread() makes
// ahead of the thread's first log call (src/frontend/context.cc).
#pragma once

#include <cstddef>

namespace jot::detail {

// The room prepare_caller_texts() keeps for the text of the first argument
// of a user type (more is allocated when a text is longer).
inline constexpr std::size_t first_text_bytes = 256;

// Makes the thread's buffers for arguments formatted on the caller.
void prepare_caller_texts() noexcept;

}  // namespace jot::detail
