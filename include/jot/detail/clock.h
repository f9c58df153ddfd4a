// The front end's clock: raw ticks, taken on the caller, converted to wall
// time on the writer thread (src/platform/clock.cc).
#pragma once

#include <cstdint>

#include "jot/detail/atomic_word.h"
#include "jot/export.h"

namespace jot::detail {

// `tsc` is the CPU's own counter: the TSC on x86-64, the virtual counter
// (CNTVCT_EL0) on aarch64.
enum class tick_source : int { unset = 0, tsc = 1, monotonic = 2 };

// Chosen once, before the first tick is taken (see choose_tick_source()).
JOT_API inline atomic_word<int> g_tick_source{0};

// Decides the tick source on first use; compiled in src/platform/clock.cc.
JOT_API std::uint64_t ticks_slow() noexcept;

#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
#define JOT_DETAIL_HAS_CPU_COUNTER 1
// One read of the CPU's counter, unordered (no fence, no barrier).
inline std::uint64_t cpu_counter() noexcept {
#if defined(__aarch64__)
  std::uint64_t v = 0;
  asm volatile("mrs %0, cntvct_el0" : "=r"(v));
  return v;
#else
  return __builtin_ia32_rdtsc();
#endif
}
#else
#define JOT_DETAIL_HAS_CPU_COUNTER 0
#endif

// A raw, per-process monotonic tick: the CPU's counter where it is usable
// (an invariant TSC; the aarch64 virtual counter), else CLOCK_MONOTONIC
// nanoseconds. Not ordered against surrounding loads and stores: the writer
// allows for that with a small safety margin.
inline std::uint64_t ticks() noexcept {
#if JOT_DETAIL_HAS_CPU_COUNTER
  if (g_tick_source.load(order_relaxed) == static_cast<int>(tick_source::tsc)) [[likely]] {
    return cpu_counter();
  }
#endif
  return ticks_slow();
}

}  // namespace jot::detail
