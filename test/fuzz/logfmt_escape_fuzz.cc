// Fuzzes the logfmt escapers: whatever the bytes, a value holds no raw
// control character or Unicode line break, reads back (with the test
// suite's strict logfmt reader) as exactly the input, and a key is never
// empty and holds only key characters.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "format/logfmt_escape.h"
#include "support/logfmt_parse.h"

namespace {

// A raw control character (C0, DEL, C1 as UTF-8) or LS/PS.
bool has_raw_break(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == 0xc2 && next >= 0x80 && next <= 0x9f) return true;
    if (c == 0xe2 && next == 0x80 && i + 2 < s.size() &&
        (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  std::string value;
  jot::detail::append_logfmt_value(value, in);
  if (value.empty() || has_raw_break(value)) __builtin_trap();
  std::size_t pos = 0;
  const auto back = jot::test::parse_logfmt_value(value, pos);
  if (!back || pos != value.size() || *back != in) __builtin_trap();

  std::string key;
  jot::detail::append_logfmt_key(key, in);
  if (key.empty() || key.size() != (in.empty() ? 1 : in.size())) __builtin_trap();
  for (const char c : key) {
    if (!jot::test::logfmt_detail::key_char(c)) __builtin_trap();
  }

  // A pair as a line holds: the reader splits it back.
  const auto pairs = jot::test::parse_logfmt(key + "=" + value);
  if (!pairs || pairs->size() != 1 || (*pairs)[0].second != in) __builtin_trap();
  return 0;
}
