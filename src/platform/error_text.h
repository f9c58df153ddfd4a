// Thread-safe text for an errno value (strerror is not).
#pragma once

#include <cstring>
#include <string>

namespace jot::detail {

inline std::string error_text(int err) {
  char buf[128] = {};
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
  return strerror_r(err, buf, sizeof buf);  // GNU: may return a static string
#else
  if (strerror_r(err, buf, sizeof buf) != 0) return "error " + std::to_string(err);
  return buf;
#endif
}

}  // namespace jot::detail
