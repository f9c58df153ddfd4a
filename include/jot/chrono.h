// Opt-in support for logging std::chrono durations and system_clock time
// points:
//
//     #include <jot/chrono.h>
//
//     using namespace std::chrono_literals;
//     JOT_INFO(log, "took {}", 250ms);                            // took 250ms
//     JOT_INFO(log, "at {}", std::chrono::system_clock::now());   // UTC
//
// A value travels as 8 bytes (its count, or nanoseconds for periods fmt
// has no name for) and is formatted on the writer. Without this header
// such an argument does not compile, and the error names it. Include it
// in every file that logs these types. The JOT_*_EVERY macros take a
// std::chrono duration without it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ratio>
#include <type_traits>
#include <utility>

#include "jot/jot.h"

namespace jot::detail {

// The ratios of jot::detail::period, in its order.
using period_ratios =
    type_list<std::nano, std::micro, std::milli, std::ratio<1>, std::ratio<60>, std::ratio<3600>,
              std::ratio<86400>, std::ratio<604800>, std::ratio<2629746>, std::ratio<31556952>,
              std::atto, std::femto, std::pico, std::centi, std::deci, std::deca, std::hecto,
              std::kilo, std::mega, std::giga, std::tera, std::peta, std::exa>;

// The period code of a ratio, or -1.
template <class P, class... R>
constexpr int period_code_in(type_list<R...> /*ratios*/) {
  int code = -1;
  int i = 0;
  ((code = code < 0 && std::ratio_equal_v<P, R> ? i : code, ++i), ...);
  return code;
}
template <class P>
constexpr int period_code() {
  return period_code_in<P>(period_ratios{});
}

template <class R, class P>
requires std::is_arithmetic_v<R>
struct std_codec<std::chrono::duration<R, P>> {
  static constexpr category kind = category::duration;
  static constexpr int code = period_code<P>();
  // Other periods travel as floating nanoseconds.
  static constexpr auto aux = static_cast<std::uint8_t>(
      (code < 0 ? 0 : code) | (code < 0 || std::is_floating_point_v<R> ? duration_float : 0) |
      (code >= 0 && std::is_unsigned_v<R> ? duration_unsigned : 0));

  static std::byte* encode(std::byte* dst, const std::chrono::duration<R, P>& v) noexcept {
    if constexpr (code < 0) {
      const double ns = std::chrono::duration<double, std::nano>(v).count();
      std::memcpy(dst, &ns, 8);
    } else if constexpr (std::is_floating_point_v<R>) {
      const auto d = static_cast<double>(v.count());
      std::memcpy(dst, &d, 8);
    } else if constexpr (std::is_unsigned_v<R>) {
      const auto u = static_cast<std::uint64_t>(v.count());
      std::memcpy(dst, &u, 8);
    } else {
      const auto i = static_cast<std::int64_t>(v.count());
      std::memcpy(dst, &i, 8);
    }
    return dst + 8;
  }
};

// A time point travels as a signed count of its own period if that is one
// of the calendar or sub-second periods and the count is a signed
// integer; otherwise as nanoseconds.
template <class D>
requires(
    std_codec<D>::kind ==
    category::duration) struct std_codec<std::chrono::time_point<std::chrono::system_clock, D>> {
  static constexpr category kind = category::time;
  static constexpr int code = period_code<typename D::period>();
  static constexpr bool own_period = code >= 0 && code <= static_cast<int>(period::years) &&
                                     std::is_integral_v<typename D::rep> &&
                                     std::is_signed_v<typename D::rep>;
  static constexpr auto aux =
      static_cast<std::uint8_t>(code < 0 || std::is_floating_point_v<typename D::rep> ? 0 : code);

  static std::byte* encode(
      std::byte* dst, const std::chrono::time_point<std::chrono::system_clock, D>& v) noexcept {
    std::int64_t i;
    if constexpr (!own_period) {
      i = static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(v.time_since_epoch()).count());
    } else {
      i = static_cast<std::int64_t>(v.time_since_epoch().count());
    }
    std::memcpy(dst, &i, 8);
    return dst + 8;
  }
};

}  // namespace jot::detail
