// Thread identity and placement.
#pragma once

#include <cstdint>
#include <string>

namespace jot::detail {

std::uint64_t current_thread_id() noexcept;
std::string current_thread_name();
// Both report failure through report_error() and carry on.
void name_current_thread(const std::string& name) noexcept;
void pin_current_thread(int cpu) noexcept;

// A full memory barrier on every thread of the process (membarrier(2)):
// pairs with a plain store and a compiler barrier on the other side, so the
// hot path needs no fence. Where the kernel lacks it, sleeps 1 ms, which
// drains any store buffer just as surely.
void process_wide_barrier() noexcept;

}  // namespace jot::detail
