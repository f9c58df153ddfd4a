// Fuzzes the JSON string escaper: whatever the bytes, a real JSON parser
// accepts the output; and when the input is well-formed UTF-8 (nothing was
// replaced), the parser gives the input back exactly.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "format/json_escape.h"

namespace {

std::size_t count_fffd(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t pos = s.find("\xEF\xBF\xBD"); pos != std::string_view::npos;
       pos = s.find("\xEF\xBF\xBD", pos + 3)) {
    ++n;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  jot::detail::append_json_escaped(out, in);
  if (std::any_of(out.begin(), out.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    __builtin_trap();
  }
  std::string parsed;
  try {
    parsed = nlohmann::json::parse("\"" + out + "\"").get<std::string>();
  } catch (...) {
    __builtin_trap();  // not valid JSON or not valid UTF-8
  }
  if (count_fffd(out) == count_fffd(in) && parsed != in) __builtin_trap();
  return 0;
}
