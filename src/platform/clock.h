// Converting the front end's ticks into wall-clock time.
#pragma once

#include <chrono>
#include <cstdint>

#include "jot/config.h"
#include "jot/detail/clock.h"

namespace jot::detail {

// Fixes the tick source before the first tick is taken. `tsc` falls back to
// the monotonic clock where the CPU's counter is not usable (see
// cpu_counter_usable()). Idempotent: the first choice stands for the life of
// the process, since records in flight were stamped with it.
void choose_tick_source(clock_source wanted) noexcept;
bool tsc_is_invariant() noexcept;
// Whether cpu_counter() can stamp records: on x86-64 an invariant TSC, on
// aarch64 a virtual counter with a stated frequency; false elsewhere.
bool cpu_counter_usable() noexcept;
// The counter's frequency as the CPU states it (CNTFRQ_EL0 on aarch64), or 0
// where it does not say (x86-64: the rate is measured).
std::uint64_t cpu_counter_hz() noexcept;

// ticks() with the reads ordered: nothing before it is executed after the
// read, nothing after it before. For the writer, not the hot path.
std::uint64_t ticks_ordered() noexcept;

// Maps ticks to nanoseconds since the Unix epoch (UTC).
//
// The mapping is a line through a recent (ticks, wall time) pair. Every
// second or so (sooner just after start), resync() compares it with the system clock and changes
// the slope so the difference vanishes over the next second instead of jumping: rendered times
// never run backwards, however the estimate moves. A system clock step larger than 50 ms is
// followed at once.
//
// Not thread-safe: used only by whoever holds the consumer role.
class wall_clock {
 public:
  // Measures the tick rate; sleeps about 2 ms the first time.
  void calibrate();
  bool calibrated() const noexcept { return calibrated_; }
  std::int64_t to_ns(std::uint64_t ticks) const noexcept {
    const auto delta = static_cast<double>(static_cast<std::int64_t>(ticks - base_ticks_));
    return base_ns_ + static_cast<std::int64_t>(delta * ns_per_tick_);
  }
  // Cheap unless a second has passed since the last resync.
  void resync(std::uint64_t now_ticks) noexcept;
  // Ticks in `ns` nanoseconds (at least 1).
  std::uint64_t ticks_for_ns(std::uint64_t ns) const noexcept;

 private:
  bool calibrated_ = false;
  std::uint64_t base_ticks_ = 0;
  std::int64_t base_ns_ = 0;
  double ns_per_tick_ = 1.0;
  double rate_ = 1.0;  // measured ns per tick, without the correction
  std::uint64_t origin_ticks_ = 0;
  std::int64_t origin_mono_ns_ = 0;
  std::uint64_t next_resync_ = 0;
  std::int64_t resync_period_ns_ = 0;
};

wall_clock& the_wall_clock() noexcept;

std::int64_t realtime_ns() noexcept;
std::int64_t monotonic_ns() noexcept;

// A duration in nanoseconds, as monotonic_ns() counts them.
constexpr std::int64_t ns_of(std::chrono::nanoseconds d) noexcept { return d.count(); }

}  // namespace jot::detail
