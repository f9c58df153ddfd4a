// Level names and numbers for the structured formats.
#pragma once

#include <cstdint>
#include <string_view>

#include "jot/level.h"

namespace jot::detail {

// "trace" ... "critical", as JSON and logfmt write levels.
constexpr std::string_view lower_level_name(level l) noexcept {
  constexpr std::string_view names[] = {"trace", "debug",    "info", "warn",
                                        "error", "critical", "off"};
  const auto i = static_cast<std::uint8_t>(l);
  return i < 7 ? names[i] : std::string_view("off");
}

// OpenTelemetry's SeverityNumber: the first number of each range (TRACE 1,
// DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21); 0 (unspecified) for off.
constexpr int severity_number(level l) noexcept {
  const auto i = static_cast<std::uint8_t>(l);
  return i < 6 ? 1 + 4 * i : 0;
}

}  // namespace jot::detail
