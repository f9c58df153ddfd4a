// The logging macros.
//
//     JOT_INFO(log, "order {} paid {:.2f}", id, amount);
//
// The format string is checked against the arguments at compile time. Each
// call site becomes one static constexpr jot::detail::call_site (level,
// format, file, line, function, argument types); the arguments are evaluated
// only when the level is enabled. `log` may be a jot::logger& or a pointer.
#pragma once

#include "jot/level.h"
#include "jot/logger.h"

#define JOT_LOG_AT_(logger_expr, lvl, fmt_str, ...)                                          \
  do {                                                                                       \
    const ::jot::logger& jot_lg_ = ::jot::detail::as_logger(logger_expr);                    \
    if (jot_lg_.should_log(lvl)) {                                                           \
      static constexpr ::jot::detail::call_site jot_site_ =                                  \
          ::jot::detail::site_builder<decltype(::jot::detail::types_of(__VA_ARGS__))>::make( \
              lvl, fmt_str, __FILE__, __LINE__, __builtin_FUNCTION());                       \
      jot_lg_.log(jot_site_, fmt_str __VA_OPT__(, ) __VA_ARGS__);                            \
    }                                                                                        \
  } while (false)

// A call below JOT_ACTIVE_LEVEL: never executed, its arguments never
// evaluated, but still compiled, so its format is checked and the variables
// it names do not become "unused" in a stripped build.
#define JOT_DISCARD_(logger_expr, lvl, fmt_str, ...)                              \
  do {                                                                            \
    if (false) JOT_LOG_AT_(logger_expr, lvl, fmt_str __VA_OPT__(, ) __VA_ARGS__); \
  } while (false)

#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_TRACE
#define JOT_TRACE(logger, fmt_str, ...) \
  JOT_LOG_AT_(logger, ::jot::level::trace, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#else
#define JOT_TRACE(logger, fmt_str, ...) \
  JOT_DISCARD_(logger, ::jot::level::trace, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#endif

#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_DEBUG
#define JOT_DEBUG(logger, fmt_str, ...) \
  JOT_LOG_AT_(logger, ::jot::level::debug, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#else
#define JOT_DEBUG(logger, fmt_str, ...) \
  JOT_DISCARD_(logger, ::jot::level::debug, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#endif

#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_INFO
#define JOT_INFO(logger, fmt_str, ...) \
  JOT_LOG_AT_(logger, ::jot::level::info, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#else
#define JOT_INFO(logger, fmt_str, ...) \
  JOT_DISCARD_(logger, ::jot::level::info, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#endif

#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_WARN
#define JOT_WARN(logger, fmt_str, ...) \
  JOT_LOG_AT_(logger, ::jot::level::warn, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#else
#define JOT_WARN(logger, fmt_str, ...) \
  JOT_DISCARD_(logger, ::jot::level::warn, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#endif

#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_ERROR
#define JOT_ERROR(logger, fmt_str, ...) \
  JOT_LOG_AT_(logger, ::jot::level::error, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#else
#define JOT_ERROR(logger, fmt_str, ...) \
  JOT_DISCARD_(logger, ::jot::level::error, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#endif

#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_CRITICAL
#define JOT_CRITICAL(logger, fmt_str, ...) \
  JOT_LOG_AT_(logger, ::jot::level::critical, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#else
#define JOT_CRITICAL(logger, fmt_str, ...) \
  JOT_DISCARD_(logger, ::jot::level::critical, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#endif
