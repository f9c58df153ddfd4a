// The per-call-site state of the rate-limited macros (JOT_*_EVERY_N,
// JOT_*_EVERY, JOT_*_ONCE in jot/macros.h). Each macro expansion holds one
// of these as a constant-initialised static: no guard, no lock, no
// allocation. admit() returns `rate_limited` for a call to suppress, else
// the number of calls suppressed since the site's last written record
// (which the record then carries as the field `suppressed`).
//
// Memory order: relaxed throughout. Nothing is published through these
// atomics; what matters is that every call is counted once, which each
// read-modify-write guarantees on its own (one modification order per
// atomic). See docs/internals.md, "Rate limits".
#pragma once

#include <time.h>

#include <cstdint>
#include <limits>

#include "jot/detail/atomic_word.h"

namespace jot::detail {

inline constexpr std::uint64_t rate_limited = std::numeric_limits<std::uint64_t>::max();

// The first call, then one call in every n (n < 1 counts as 1). Calls are
// numbered by one fetch_add, so across threads exactly one call of each n
// consecutive numbers is written, and it reports the n - 1 before it.
struct every_n_state {
  atomic_word<std::uint64_t> calls{0};

  template <class N>
  std::uint64_t admit(N n_arg) noexcept {
    const std::uint64_t n = n_arg < 1 ? 1 : static_cast<std::uint64_t>(n_arg);
    const std::uint64_t i = calls.fetch_add(1, order_relaxed);
    if (i % n != 0) return rate_limited;
    return i == 0 ? 0 : n - 1;
  }
};

// The clock of JOT_*_EVERY, in nanoseconds: the coarse monotonic clock
// where there is one (Linux: read from memory, about 5 ns, against 25 ns or
// more for CLOCK_MONOTONIC; it advances once a scheduler tick, 1 to 10 ms),
// else CLOCK_MONOTONIC.
inline std::int64_t rate_clock_ns() noexcept {
  timespec ts{};
#ifdef CLOCK_MONOTONIC_COARSE
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// A period's length in nanoseconds, as a double: a std::chrono::duration
// (or anything with its count() and period::num, period::den), taken
// without <chrono>, so that only the caller who writes one includes it.
template <class Duration>
double period_ns(const Duration& period) noexcept {
  using ratio = typename Duration::period;
  return static_cast<double>(period.count()) * 1e9 * static_cast<double>(ratio::num) /
         static_cast<double>(ratio::den);
}

// At most one call per period (a std::chrono duration), on rate_clock_ns()
// (so to within its resolution): the first call, then the first one at or
// after the time the last written call was made plus the period. A call
// that loses the race for a due slot is suppressed and counted, like one
// made too early.
struct every_state {
  atomic_word<std::int64_t> due_ns{std::numeric_limits<std::int64_t>::min()};
  atomic_word<std::uint64_t> suppressed{0};

  template <class Duration>
  std::uint64_t admit(const Duration& period) noexcept {
    const std::int64_t now = rate_clock_ns();
    std::int64_t due = due_ns.load(order_relaxed);
    if (now < due || !due_ns.compare_exchange_strong(due, next_due(now, period), order_relaxed)) {
      suppressed.fetch_add(1, order_relaxed);
      return rate_limited;
    }
    return suppressed.exchange(0, order_relaxed);
  }

  // now + period, saturated (a period of hours::max() means "never again").
  template <class Duration>
  static std::int64_t next_due(std::int64_t now, const Duration& period) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    const double p = period_ns(period);
    if (!(p > 0)) return now;
    if (p >= static_cast<double>(max - now)) return max;
    return now + static_cast<std::int64_t>(p);
  }
};

// The first call only, across threads; the others are not counted (no
// record would carry the count).
struct once_state {
  atomic_word<bool> done{false};

  std::uint64_t admit(int /*unused*/) noexcept {
    if (done.load(order_relaxed)) return rate_limited;
    return done.exchange(true, order_relaxed) ? rate_limited : 0;
  }
};

}  // namespace jot::detail
