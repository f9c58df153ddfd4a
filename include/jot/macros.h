// The logging macros.
//
//     JOT_INFO(log, "order {id} paid {amount:.2f}", id, amount);
//     JOT_WARN(log, "retrying", jot::kv("attempt", n));
//
// The format string is a message template: `{}` placeholders as in fmt,
// and `{name}` placeholders that also make their argument a field of the
// record (see jot/detail/message_template.h). It is parsed and checked
// against the arguments at compile time. jot::kv arguments are fields that
// are not in the message. Each call site becomes one static constexpr
// jot::detail::call_site (level, format, names, file, line, function,
// argument types); the arguments are evaluated only when the level is
// enabled. `log` may be a jot::logger&, a pointer to one, or a
// jot::bound_logger.
#pragma once

#include "jot/detail/message_template.h"
#include "jot/detail/rate_limit.h"
#include "jot/field.h"
#include "jot/level.h"
#include "jot/logger.h"

// Declares `name`, the static constexpr call site of a statement, and the
// parsed template it points into.
#define JOT_DETAIL_SITE_(name, lvl, fmt_str, ...)                                                 \
  static constexpr ::jot::detail::template_shape name##_shape = ::jot::detail::shape_of(fmt_str); \
  static constexpr auto name##_tpl = ::jot::detail::parse_template<name##_shape>(fmt_str);        \
  static constexpr ::jot::detail::call_site name =                                                \
      ::jot::detail::site_builder<decltype(::jot::detail::types_of(__VA_ARGS__))>::make(          \
          lvl, name##_tpl.format(), fmt_str, name##_tpl.names, name##_tpl.specs,                  \
          name##_shape.args, __FILE__, __LINE__, __builtin_FUNCTION())

// Names carry a per-statement number, so that a JOT_* call inside the
// arguments of another (in a lambda) shadows nothing.
#define JOT_LOG_AT_(logger_expr, lvl, fmt_str, ...) \
  JOT_LOG_AT_X_(__COUNTER__, logger_expr, lvl, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_LOG_AT_X_(n, logger_expr, lvl, fmt_str, ...) \
  JOT_LOG_AT_N_(n, logger_expr, lvl, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_LOG_AT_N_(n, logger_expr, lvl, fmt_str, ...) \
  JOT_LOG_AT_NAMED_(jot_lg_##n, jot_site_##n, logger_expr, lvl, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_LOG_AT_NAMED_(lg, site, logger_expr, lvl, fmt_str, ...)    \
  do {                                                                 \
    const auto& lg = ::jot::detail::as_logger(logger_expr);            \
    if (lg.should_log(lvl)) {                                          \
      JOT_DETAIL_SITE_(site, lvl, fmt_str __VA_OPT__(, ) __VA_ARGS__); \
      lg.log(site, site##_tpl.format() __VA_OPT__(, ) __VA_ARGS__);    \
    }                                                                  \
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

// Rate limits per call site:
//
//     JOT_WARN_EVERY_N(log, 100, "queue {} full", q);          // the 1st, 101st, 201st... call
//     JOT_WARN_EVERY(log, std::chrono::seconds(5), "disk {}% full", pct);  // at most every 5 s
//     JOT_ERROR_ONCE(log, "falling back to {}", mode);          // the first call only
//
// and the same for every level (JOT_TRACE_EVERY_N ... JOT_CRITICAL_ONCE).
// A record written after suppressed calls carries the field
// `suppressed=<count>` (an unsigned integer): the calls suppressed at this
// site since its last written record (EVERY_N and EVERY; ONCE writes no
// record after the first). Only calls at or above the logger's level count;
// the limit (n, period) and the arguments are evaluated only then. The
// state is one static per expansion (per template instantiation, in a
// template), shared by every thread and every logger the statement is used
// with; a suppressed call costs the level check and one atomic operation
// (EVERY_N), a read of the coarse monotonic clock more (EVERY, whose period
// is kept to within that clock's step, 1 to 10 ms), or one load (ONCE).
// Calls below JOT_ACTIVE_LEVEL are removed as the plain macros are.
#define JOT_RATE_AT_(kind, logger_expr, lvl, limit, fmt_str, ...) \
  JOT_RATE_AT_X_(__COUNTER__, kind, logger_expr, lvl, limit, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_RATE_AT_X_(n, kind, logger_expr, lvl, limit, fmt_str, ...) \
  JOT_RATE_AT_N_(n, kind, logger_expr, lvl, limit, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_RATE_AT_N_(n, kind, logger_expr, lvl, limit, fmt_str, ...)                         \
  JOT_RATE_AT_NAMED_(jot_lg_##n, jot_site_##n, jot_rate_##n, jot_count_##n, kind, logger_expr, \
                     lvl, limit, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_RATE_AT_NAMED_(lg, site, state, count, kind, logger_expr, lvl, limit, fmt_str, ...) \
  do {                                                                                          \
    const auto& lg = ::jot::detail::as_logger(logger_expr);                                     \
    if (lg.should_log(lvl)) {                                                                   \
      static constinit ::jot::detail::kind##_state state;                                       \
      const ::std::uint64_t count = state.admit(limit);                                         \
      if (count != ::jot::detail::rate_limited) {                                               \
        if (count == 0) {                                                                       \
          JOT_DETAIL_SITE_(site, lvl, fmt_str __VA_OPT__(, ) __VA_ARGS__);                      \
          lg.log(site, site##_tpl.format() __VA_OPT__(, ) __VA_ARGS__);                         \
        } else {                                                                                \
          JOT_DETAIL_SITE_(site, lvl, fmt_str,                                                  \
                           __VA_ARGS__ __VA_OPT__(, )::jot::kv("suppressed", count));           \
          lg.log(site, site##_tpl.format(),                                                     \
                 __VA_ARGS__ __VA_OPT__(, )::jot::kv("suppressed", count));                     \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  } while (false)
#define JOT_RATE_DISCARD_(kind, logger_expr, lvl, limit, fmt_str, ...)                          \
  do {                                                                                          \
    if (false) JOT_RATE_AT_(kind, logger_expr, lvl, limit, fmt_str __VA_OPT__(, ) __VA_ARGS__); \
  } while (false)

// Each level's rate-limited calls: JOT_RATE_AT_, or JOT_RATE_DISCARD_ for a
// level below JOT_ACTIVE_LEVEL.
#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_TRACE
#define JOT_RATE_TRACE_ JOT_RATE_AT_
#else
#define JOT_RATE_TRACE_ JOT_RATE_DISCARD_
#endif
#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_DEBUG
#define JOT_RATE_DEBUG_ JOT_RATE_AT_
#else
#define JOT_RATE_DEBUG_ JOT_RATE_DISCARD_
#endif
#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_INFO
#define JOT_RATE_INFO_ JOT_RATE_AT_
#else
#define JOT_RATE_INFO_ JOT_RATE_DISCARD_
#endif
#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_WARN
#define JOT_RATE_WARN_ JOT_RATE_AT_
#else
#define JOT_RATE_WARN_ JOT_RATE_DISCARD_
#endif
#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_ERROR
#define JOT_RATE_ERROR_ JOT_RATE_AT_
#else
#define JOT_RATE_ERROR_ JOT_RATE_DISCARD_
#endif
#if JOT_ACTIVE_LEVEL <= JOT_LEVEL_CRITICAL
#define JOT_RATE_CRITICAL_ JOT_RATE_AT_
#else
#define JOT_RATE_CRITICAL_ JOT_RATE_DISCARD_
#endif

#define JOT_TRACE_EVERY_N(logger, n, fmt_str, ...) \
  JOT_RATE_TRACE_(every_n, logger, ::jot::level::trace, n, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_TRACE_EVERY(logger, period, fmt_str, ...) \
  JOT_RATE_TRACE_(every, logger, ::jot::level::trace, period, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_TRACE_ONCE(logger, fmt_str, ...) \
  JOT_RATE_TRACE_(once, logger, ::jot::level::trace, 0, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_DEBUG_EVERY_N(logger, n, fmt_str, ...) \
  JOT_RATE_DEBUG_(every_n, logger, ::jot::level::debug, n, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_DEBUG_EVERY(logger, period, fmt_str, ...) \
  JOT_RATE_DEBUG_(every, logger, ::jot::level::debug, period, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_DEBUG_ONCE(logger, fmt_str, ...) \
  JOT_RATE_DEBUG_(once, logger, ::jot::level::debug, 0, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_INFO_EVERY_N(logger, n, fmt_str, ...) \
  JOT_RATE_INFO_(every_n, logger, ::jot::level::info, n, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_INFO_EVERY(logger, period, fmt_str, ...) \
  JOT_RATE_INFO_(every, logger, ::jot::level::info, period, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_INFO_ONCE(logger, fmt_str, ...) \
  JOT_RATE_INFO_(once, logger, ::jot::level::info, 0, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_WARN_EVERY_N(logger, n, fmt_str, ...) \
  JOT_RATE_WARN_(every_n, logger, ::jot::level::warn, n, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_WARN_EVERY(logger, period, fmt_str, ...) \
  JOT_RATE_WARN_(every, logger, ::jot::level::warn, period, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_WARN_ONCE(logger, fmt_str, ...) \
  JOT_RATE_WARN_(once, logger, ::jot::level::warn, 0, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_ERROR_EVERY_N(logger, n, fmt_str, ...) \
  JOT_RATE_ERROR_(every_n, logger, ::jot::level::error, n, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_ERROR_EVERY(logger, period, fmt_str, ...) \
  JOT_RATE_ERROR_(every, logger, ::jot::level::error, period, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_ERROR_ONCE(logger, fmt_str, ...) \
  JOT_RATE_ERROR_(once, logger, ::jot::level::error, 0, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_CRITICAL_EVERY_N(logger, n, fmt_str, ...) \
  JOT_RATE_CRITICAL_(every_n, logger, ::jot::level::critical, n, fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_CRITICAL_EVERY(logger, period, fmt_str, ...)            \
  JOT_RATE_CRITICAL_(every, logger, ::jot::level::critical, period, \
                     fmt_str __VA_OPT__(, ) __VA_ARGS__)
#define JOT_CRITICAL_ONCE(logger, fmt_str, ...) \
  JOT_RATE_CRITICAL_(once, logger, ::jot::level::critical, 0, fmt_str __VA_OPT__(, ) __VA_ARGS__)
