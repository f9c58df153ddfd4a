// Severity levels, and the compile-time level below which calls vanish.
#pragma once

#include <cstdint>
#include <string_view>

#define JOT_LEVEL_TRACE 0
#define JOT_LEVEL_DEBUG 1
#define JOT_LEVEL_INFO 2
#define JOT_LEVEL_WARN 3
#define JOT_LEVEL_ERROR 4
#define JOT_LEVEL_CRITICAL 5
#define JOT_LEVEL_OFF 6

// Calls below JOT_ACTIVE_LEVEL compile to nothing: their arguments are not
// even evaluated. Define it (e.g. -DJOT_ACTIVE_LEVEL=JOT_LEVEL_INFO) before
// including jot to strip trace and debug calls from a release build.
#ifndef JOT_ACTIVE_LEVEL
#define JOT_ACTIVE_LEVEL JOT_LEVEL_TRACE
#endif

namespace jot {

enum class level : std::uint8_t {
  trace = JOT_LEVEL_TRACE,
  debug = JOT_LEVEL_DEBUG,
  info = JOT_LEVEL_INFO,
  warn = JOT_LEVEL_WARN,
  error = JOT_LEVEL_ERROR,
  critical = JOT_LEVEL_CRITICAL,
  off = JOT_LEVEL_OFF,
};

/// Upper-case name of a level: "TRACE", "DEBUG", "INFO", "WARN", "ERROR",
/// "CRITICAL", "OFF".
constexpr std::string_view to_string(level l) noexcept {
  constexpr std::string_view names[] = {"TRACE", "DEBUG",    "INFO", "WARN",
                                        "ERROR", "CRITICAL", "OFF"};
  auto i = static_cast<std::uint8_t>(l);
  return i < 7 ? names[i] : std::string_view("?");
}

}  // namespace jot
