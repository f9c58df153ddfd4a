// A decoded record, as formatters and sinks see it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "jot/level.h"

namespace jot {

/// The type of a field value, as formatters see it. Every C++ type jot
/// encodes maps to one of these:
///
/// | value_type  | from                                                    |
/// |-------------|---------------------------------------------------------|
/// | `null`      | an empty `std::optional`                                |
/// | `boolean`   | `bool`                                                  |
/// | `int64`     | signed integers, enums                                  |
/// | `uint64`    | unsigned integers                                       |
/// | `float64`   | `float`, `double`, `long double`                        |
/// | `string`    | strings, `char`, pointers (`0x...`), user types (text)  |
/// | `duration`  | `std::chrono::duration`: `text` is `250ms`, `int64` ns  |
/// | `time`      | `std::chrono::system_clock` time points: `int64` ns     |
/// |             | since the Unix epoch, UTC                               |
/// | `array`     | vector, array, list, deque, set, pair, tuple            |
/// | `object`    | map, unordered_map (keys of any type; see below)        |
enum class value_type : std::uint8_t {
  null,
  boolean,
  int64,
  uint64,
  float64,
  string,
  duration,
  time,
  array,
  object,
};

/// One value of a field. Values are stored in pre-order: an `array`'s
/// `count` elements follow it, an `object`'s `count` key/value pairs follow
/// it (each key a value of its own, usually a string), each element with
/// its own subtree. `next()` skips a whole subtree.
///
///     void print(const jot::value* v) {
///       if (v->type == jot::value_type::array) {
///         const jot::value* e = v->first_child();
///         for (std::uint32_t i = 0; i < v->count; ++i, e = e->next()) print(e);
///       }
///     }
struct value {
  value_type type = value_type::null;
  /// For a `string` that jot produced from a non-string type (char,
  /// pointer, a user type formatted by fmt): true. Formatters may use it
  /// to tell "text" from "string"; most do not need to.
  bool converted = false;
  /// Entries in this value's subtree, itself included.
  std::uint32_t span = 1;
  /// `array`: elements; `object`: key/value pairs.
  std::uint32_t count = 0;
  union {
    bool boolean = false;
    std::int64_t int64;  // int64, duration (nanoseconds, saturated), time
    std::uint64_t uint64;
    double float64;
  };
  /// `string` and `duration` (as the message shows it, `250ms`).
  std::string_view text;

  const value* first_child() const noexcept { return this + 1; }
  const value* next() const noexcept { return this + span; }
};

/// Where a field came from; fields appear in this order in a record.
enum class field_origin : std::uint8_t {
  bound,  // logger::with(...)
  scope,  // jot::scope on the logging thread
  call,   // a named placeholder ({id}) or jot::kv(...) at the call
};

/// A named value attached to a record.
struct field {
  std::string_view key;
  const value* val = nullptr;  // its subtree follows it
  field_origin origin = field_origin::call;
};

/// A record after decoding on the writer thread. Every view is valid only
/// for the duration of the formatter or sink call that receives it.
struct record_view {
  std::int64_t time_ns = 0;  // nanoseconds since the Unix epoch, UTC
  level lvl = level::info;
  std::string_view logger_name;
  std::string_view message;  // rendered, not yet escaped
  std::string_view format;   // the call site's format string, as written
  std::string_view file;     // as __FILE__ gave it
  std::string_view function;
  std::uint32_t line = 0;
  std::uint64_t thread_id = 0;   // the kernel's thread id
  std::string_view thread_name;  // empty if the thread has none
  /// Bound fields, then scope fields, then the call's own fields (named
  /// placeholders in order, then jot::kv arguments). A key may repeat if
  /// two sources use it: the JSON formatter keeps the last occurrence (the
  /// call's over the scope's over the bound one), logfmt and the text
  /// pattern write each.
  std::span<const field> fields;
};

}  // namespace jot
