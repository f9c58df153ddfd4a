// Fields: named values attached to records.
//
// A record's fields come from three places, written in this order:
// - bound fields: `auto req_log = log.with(jot::kv("request_id", id));`
// - scope fields: `jot::scope s(jot::kv("trace_id", trace));` adds them to
//   every record the thread logs while `s` lives;
// - the call's own: named placeholders (`"order {id} paid {amount:.2f}"`)
//   and `jot::kv(...)` arguments after the format's arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "jot/detail/codec.h"
#include "jot/export.h"
#include "jot/logger.h"

namespace jot {

/// A field outside the message:
///
///     JOT_WARN(log, "retrying", jot::kv("attempt", n), jot::kv("backoff_ms", ms));
///
/// The value may be any type a log call takes. The key is copied into the
/// record at each call (keys longer than 65,535 bytes are cut there); the
/// value is copied and formatted later, like any argument. A kv holds a
/// reference to its value: use it within the statement that creates it.
template <class T>
constexpr kv_field<T> kv(std::string_view key, const T& value) noexcept {
  return {key, value};
}
template <std::size_t N>
constexpr kv_field<const char*> kv(std::string_view key, const char (&value)[N]) noexcept {
  return {key, value};
}

namespace detail {
// Compiled in src/frontend/context.cc.
JOT_API std::uint32_t scope_push(std::string_view fields) noexcept;
JOT_API void scope_pop(std::uint32_t previous) noexcept;
}  // namespace detail

/// Adds fields to every record the current thread logs while it lives:
///
///     void handle(const request& r) {
///       jot::scope s(jot::kv("trace_id", r.trace_id), jot::kv("span_id", r.span_id));
///       JOT_INFO(log, "handling {path}", r.path);  // ... trace_id=... span_id=...
///     }
///
/// The fields are encoded once, here; each record copies their bytes.
/// Scopes nest, and must end in the reverse order on the thread that made
/// them (which a local variable guarantees), so a scope is neither copied
/// nor moved. The fields follow the thread, not the task: code that moves
/// work to other threads (thread pools, coroutines) opens a scope there.
class scope {
 public:
  template <class... T>
  explicit scope(const kv_field<T>&... fields) {
    std::string blob;
    (detail::append_context_field(blob, fields), ...);
    previous_ = detail::scope_push(blob);
  }
  ~scope() { detail::scope_pop(previous_); }
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;

 private:
  std::uint32_t previous_ = 0;
};

}  // namespace jot
