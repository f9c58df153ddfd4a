// Opt-in support for logging std::optional:
//
//     #include <jot/std.h>
//
//     std::optional<int> retries;
//     JOT_INFO(log, "retries {retries}", retries);  // in JSON: "retries":null
//
// A full optional is written as its value, which must be a type jot logs;
// an empty one as null. Without this header such an argument does not
// compile, and the error names it. Include it in every file that logs
// these types.
#pragma once

#include <optional>

#include "jot/jot.h"

namespace jot::detail {

template <class T>
struct std_codec<std::optional<T>> {
  static constexpr category kind = category::optional;
};

}  // namespace jot::detail
