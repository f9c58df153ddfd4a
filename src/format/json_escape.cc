#include "format/json_escape.h"

#include <cstdint>

#include "format/scan.h"

namespace jot::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// Plain printable ASCII other than '"' and '\\' is copied in runs.
std::size_t next_special(const char* s, std::size_t i, std::size_t n) noexcept {
  return find_special<true, '"', '\\', '\x7f'>(s, i, n);
}

// The length of the well-formed UTF-8 sequence starting at s[i] (2 to 4),
// or, if it is ill-formed, 0 and in `bad` the length of its maximal
// ill-formed subpart (at least 1). Table 3-7 of the Unicode standard.
std::size_t utf8_sequence(const unsigned char* s, std::size_t i, std::size_t n,
                          std::size_t& bad) noexcept {
  const unsigned char c = s[i];
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // no overlong forms
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    bad = 1;  // a continuation byte, C0, C1 or F5..FF
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if (i + k >= n) {
      bad = k;
      return 0;
    }
    const unsigned char b = s[i + k];
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) {
      bad = k;
      return 0;
    }
  }
  return len;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t done = 0;  // bytes of s already appended
  for (std::size_t i = next_special(s.data(), 0, n); i < n; i = next_special(s.data(), i, n)) {
    const unsigned char c = u[i];
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t len = utf8_sequence(u, i, n, bad);
      if (len == 3 && c == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
        out.append(s.data() + done, i - done);
        out.append(u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
        i += 3;
        done = i;
      } else if (len != 0) {
        i += len;  // well-formed: copied with the run around it
      } else {
        out.append(s.data() + done, i - done);
        out.append(replacement);
        i += bad;
        done = i;
      }
      continue;
    }
    out.append(s.data() + done, i - done);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
        out.append(esc, 6);
      }
    }
    ++i;
    done = i;
  }
  out.append(s.data() + done, n - done);
}

}  // namespace jot::detail
