#include "platform/clock.h"
#include "platform/immortal.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace jot::detail {

std::int64_t realtime_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool tsc_is_invariant() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) < 0x80000007u) return false;
  __cpuid(0x80000007u, a, b, c, d);
  return (d & (1u << 8)) != 0;  // "Invariant TSC"
#else
  return false;
#endif
}

std::uint64_t cpu_counter_hz() noexcept {
#if defined(__aarch64__)
  std::uint64_t hz = 0;
  asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
  return hz & 0xffffffffu;  // the upper half is reserved
#else
  return 0;
#endif
}

bool cpu_counter_usable() noexcept {
#if defined(__aarch64__)
  // The architecture makes the virtual counter system-wide, monotonic and of
  // a fixed frequency, and Linux lets user space read it (emulating the read
  // on parts with errata). CNTFRQ_EL0 is zero only where firmware did not set
  // the timer up; then the counter's rate is unknown and not trusted.
  return cpu_counter_hz() != 0;
#else
  return tsc_is_invariant();
#endif
}

void choose_tick_source(clock_source wanted) noexcept {
  int expected = static_cast<int>(tick_source::unset);
  const tick_source chosen = (wanted == clock_source::tsc && cpu_counter_usable())
                                 ? tick_source::tsc
                                 : tick_source::monotonic;
  g_tick_source.compare_exchange_strong(expected, static_cast<int>(chosen),
                                        std::memory_order_acq_rel);
}

std::uint64_t ticks_slow() noexcept {
  if (g_tick_source.load(std::memory_order_acquire) == static_cast<int>(tick_source::unset)) {
    choose_tick_source(clock_source::tsc);
  }
#if JOT_DETAIL_HAS_CPU_COUNTER
  if (g_tick_source.load(std::memory_order_relaxed) == static_cast<int>(tick_source::tsc)) {
    return cpu_counter();
  }
#endif
  return static_cast<std::uint64_t>(monotonic_ns());
}

std::uint64_t ticks_ordered() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  if (g_tick_source.load(std::memory_order_relaxed) == static_cast<int>(tick_source::tsc)) {
    __builtin_ia32_lfence();
    const std::uint64_t t = __builtin_ia32_rdtsc();
    __builtin_ia32_lfence();
    return t;
  }
#elif defined(__aarch64__)
  if (g_tick_source.load(std::memory_order_relaxed) == static_cast<int>(tick_source::tsc)) {
    // isb: the read waits for the instructions before it, and those after it
    // wait for the read.
    std::uint64_t t = 0;
    asm volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(t) : : "memory");
    return t;
  }
#endif
  return ticks_slow();
}

namespace {

// One (ticks, monotonic ns) pair read as close together as the machine
// allows: the best of a few tries.
struct clock_pair {
  std::uint64_t ticks;
  std::int64_t ns;
};

template <class ClockFn>
clock_pair read_pair(ClockFn clock_ns) noexcept {
  clock_pair best{0, 0};
  std::int64_t best_window = INT64_MAX;
  for (int i = 0; i < 5; ++i) {
    const std::int64_t before = clock_ns();
    const std::uint64_t t = ticks_ordered();
    const std::int64_t after = clock_ns();
    if (after - before < best_window) {
      best_window = after - before;
      best = {t, before + (after - before) / 2};
    }
  }
  return best;
}

// The first estimate of the tick rate is measured over a short window, so
// the writer starts draining at once; it is refined against the monotonic
// clock at every resync, first after 50 ms, then at doubling intervals up
// to one second.
constexpr std::int64_t first_window_ns = 2'000'000;
constexpr std::int64_t first_resync_ns = 50'000'000;
constexpr std::int64_t max_resync_ns = 1'000'000'000;
constexpr std::int64_t max_slew_ns = 50'000'000;
// How far (a fraction) a measured counter rate may stray from the stated one
// and still be taken as a measuring error.
constexpr double nominal_tolerance = 0.01;

}  // namespace

void wall_clock::calibrate() {
  if (calibrated_) return;
  if (g_tick_source.load(std::memory_order_acquire) == static_cast<int>(tick_source::unset)) {
    choose_tick_source(clock_source::tsc);
  }
  const clock_pair m0 = read_pair(monotonic_ns);
  if (g_tick_source.load(std::memory_order_relaxed) == static_cast<int>(tick_source::tsc)) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(first_window_ns));
    const clock_pair m1 = read_pair(monotonic_ns);
    rate_ = static_cast<double>(m1.ns - m0.ns) / static_cast<double>(m1.ticks - m0.ticks);
    // Where the counter states its frequency (aarch64), take it unless the
    // measurement clearly disagrees (firmware that set CNTFRQ_EL0 wrong).
    if (const std::uint64_t hz = cpu_counter_hz(); hz != 0) {
      const double nominal = 1e9 / static_cast<double>(hz);
      if (std::fabs(rate_ - nominal) <= nominal * nominal_tolerance) rate_ = nominal;
    }
  } else {
    rate_ = 1.0;
  }
  origin_ticks_ = m0.ticks;
  origin_mono_ns_ = m0.ns;
  const clock_pair r = read_pair(realtime_ns);
  base_ticks_ = r.ticks;
  base_ns_ = r.ns;
  ns_per_tick_ = rate_;
  resync_period_ns_ = first_resync_ns;
  next_resync_ = r.ticks + ticks_for_ns(static_cast<std::uint64_t>(resync_period_ns_));
  calibrated_ = true;
}

std::uint64_t wall_clock::ticks_for_ns(std::uint64_t ns) const noexcept {
  const double t = static_cast<double>(ns) / rate_;
  return t < 1.0 ? 1 : static_cast<std::uint64_t>(t);
}

void wall_clock::resync(std::uint64_t now_ticks) noexcept {
  if (!calibrated_ || now_ticks < next_resync_) return;
  // The long-run rate, from the monotonic clock since calibration.
  const clock_pair m = read_pair(monotonic_ns);
  if (m.ticks > origin_ticks_) {
    rate_ =
        static_cast<double>(m.ns - origin_mono_ns_) / static_cast<double>(m.ticks - origin_ticks_);
  }
  const clock_pair r = read_pair(realtime_ns);
  const std::int64_t predicted = to_ns(r.ticks);
  const std::int64_t error = r.ns - predicted;
  base_ticks_ = r.ticks;
  if (std::llabs(error) > max_slew_ns) {
    base_ns_ = r.ns;  // the system clock was set: follow it
    ns_per_tick_ = rate_;
  } else {
    // Continue from where the line is now, steer to meet the system clock
    // one period from now.
    base_ns_ = predicted;
    resync_period_ns_ = std::min(resync_period_ns_ * 2, max_resync_ns);
    const double period_ticks =
        static_cast<double>(ticks_for_ns(static_cast<std::uint64_t>(resync_period_ns_)));
    ns_per_tick_ = rate_ + static_cast<double>(error) / period_ticks;
  }
  next_resync_ = r.ticks + ticks_for_ns(static_cast<std::uint64_t>(resync_period_ns_));
}

wall_clock& the_wall_clock() noexcept {
  static immortal<wall_clock> clock;
  return clock.get();
}

}  // namespace jot::detail
