// A decoded record, as formatters and sinks see it.
#pragma once

#include <cstdint>
#include <string_view>

#include "jot/level.h"

namespace jot {

/// A record after decoding on the writer thread. Every view is valid only
/// for the duration of the formatter or sink call that receives it.
struct record_view {
  std::int64_t time_ns = 0;  // nanoseconds since the Unix epoch, UTC
  level lvl = level::info;
  std::string_view logger_name;
  std::string_view message;  // rendered, not yet escaped
  std::string_view format;   // the call site's format string
  std::string_view file;     // as __FILE__ gave it
  std::string_view function;
  std::uint32_t line = 0;
  std::uint64_t thread_id = 0;   // the kernel's thread id
  std::string_view thread_name;  // empty if the thread has none
};

}  // namespace jot
