// The front end's tick source: the CPU's counter where it is usable (the
// invariant TSC on x86-64, the virtual counter on aarch64), and the
// conversion of its ticks to wall-clock time.
#include <cstdint>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include "platform/clock.h"

namespace {

using jot::detail::tick_source;

tick_source chosen() { return static_cast<tick_source>(jot::detail::g_tick_source.load()); }

TEST(clock, the_cpu_counter_is_chosen_where_it_is_usable) {
  jot::detail::choose_tick_source(jot::clock_source::tsc);
  EXPECT_EQ(chosen(),
            jot::detail::cpu_counter_usable() ? tick_source::tsc : tick_source::monotonic);
#if defined(__aarch64__)
  // Every aarch64 Linux system states its counter's frequency.
  EXPECT_NE(jot::detail::cpu_counter_hz(), 0u);
  EXPECT_EQ(chosen(), tick_source::tsc);
#endif
}

TEST(clock, ticks_come_from_the_chosen_source) {
  jot::detail::choose_tick_source(jot::clock_source::tsc);
  if (chosen() != tick_source::tsc) {
    GTEST_SKIP() << "the CPU's counter is not usable here: ticks are CLOCK_MONOTONIC";
  }
#if JOT_DETAIL_HAS_CPU_COUNTER
  // A tick lies between two reads of the counter itself, which it would not
  // if it came from another clock.
  const std::uint64_t before = jot::detail::ticks_ordered();
  const std::uint64_t t = jot::detail::ticks();
  const std::uint64_t after = jot::detail::ticks_ordered();
  EXPECT_LE(before, t);
  EXPECT_LE(t, after);
#endif
}

TEST(clock, the_counter_runs_at_its_stated_frequency) {
  jot::detail::choose_tick_source(jot::clock_source::tsc);
  const std::uint64_t hz = jot::detail::cpu_counter_hz();
  if (chosen() != tick_source::tsc || hz == 0) {
    GTEST_SKIP() << "the CPU does not state its counter's frequency here (x86-64 measures it)";
  }
  const std::int64_t m0 = jot::detail::monotonic_ns();
  const std::uint64_t t0 = jot::detail::ticks_ordered();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::int64_t m1 = jot::detail::monotonic_ns();
  const std::uint64_t t1 = jot::detail::ticks_ordered();
  const double counted_s = static_cast<double>(t1 - t0) / static_cast<double>(hz);
  const double elapsed_s = static_cast<double>(m1 - m0) * 1e-9;
  EXPECT_NEAR(counted_s, elapsed_s, elapsed_s * 0.05);
}

TEST(clock, converted_ticks_match_the_system_clock_and_never_run_backwards) {
  jot::detail::choose_tick_source(jot::clock_source::tsc);
  jot::detail::wall_clock wc;
  wc.calibrate();
  ASSERT_TRUE(wc.calibrated());
  constexpr std::int64_t tolerance_ns = 2'000'000;
  std::int64_t last = 0;
  for (int i = 0; i < 40; ++i) {
    const std::int64_t before = jot::detail::realtime_ns();
    const std::uint64_t t = jot::detail::ticks_ordered();
    const std::int64_t after = jot::detail::realtime_ns();
    wc.resync(t);
    const std::int64_t ns = wc.to_ns(t);
    EXPECT_GE(ns, before - tolerance_ns) << "reading " << i;
    EXPECT_LE(ns, after + tolerance_ns) << "reading " << i;
    EXPECT_GE(ns, last) << "reading " << i;
    last = ns;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace
