// Fuzzes the text escaper: the output holds no control character and no
// Unicode line break, and unescaping it gives the input back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "format/escape.h"

namespace {

// The inverse of append_escaped_text, for checking.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[i + 1];
    if (c == 'n' || c == 'r' || c == 't') {
      out.push_back(c == 'n' ? '\n' : c == 'r' ? '\r' : '\t');
      ++i;
    } else if (c == 'x' && i + 3 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16)));
      i += 3;
    } else if (c == 'u' && i + 5 < s.size()) {
      const std::string_view code = s.substr(i + 2, 4);
      if (code == "0085") out += "\xc2\x85";
      if (code == "2028") out += "\xe2\x80\xa8";
      if (code == "2029") out += "\xe2\x80\xa9";
      i += 5;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  jot::detail::append_escaped_text(out, in);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x20 || c == 0x7f) __builtin_trap();
    if (c == 0xc2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) == 0x85) {
      __builtin_trap();
    }
    if (c == 0xe2 && i + 2 < out.size() && static_cast<unsigned char>(out[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(out[i + 2]) == 0xa8 ||
         static_cast<unsigned char>(out[i + 2]) == 0xa9)) {
      __builtin_trap();
    }
  }
  // Backslashes are not escaped (paths stay readable), so the round trip
  // holds only for input without them.
  if (in.find('\\') == std::string_view::npos && unescape(out) != in) __builtin_trap();
  return 0;
}
