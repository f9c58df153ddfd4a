// The front end's clock: raw ticks, taken on the caller, converted to wall
// time on the writer thread (src/platform/clock.cc).
#pragma once

#include <atomic>
#include <cstdint>

#include "jot/export.h"

namespace jot::detail {

enum class tick_source : int { unset = 0, tsc = 1, monotonic = 2 };

// Chosen once, before the first tick is taken (see choose_tick_source()).
JOT_API inline std::atomic<int> g_tick_source{0};

// Decides the tick source on first use; compiled in src/platform/clock.cc.
JOT_API std::uint64_t ticks_slow() noexcept;

// A raw, per-process monotonic tick: the TSC where it is invariant, else
// CLOCK_MONOTONIC nanoseconds. Not ordered against surrounding loads and
// stores: the writer allows for that with a small safety margin.
inline std::uint64_t ticks() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  if (g_tick_source.load(std::memory_order_relaxed) == static_cast<int>(tick_source::tsc))
      [[likely]] {
    return __builtin_ia32_rdtsc();
  }
#endif
  return ticks_slow();
}

}  // namespace jot::detail
