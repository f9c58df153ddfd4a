// UTF-8 validation shared by the escapers.
#pragma once

#include <cstddef>

namespace jot::detail {

// The length of the well-formed UTF-8 sequence starting at s[i] (2 to 4; the
// caller has seen s[i] >= 0x80), or, if it is ill-formed, 0 and in `bad` the
// length of its maximal ill-formed subpart (at least 1). Table 3-7 of the
// Unicode standard.
inline std::size_t utf8_sequence(const unsigned char* s, std::size_t i, std::size_t n,
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

// The Unicode line breaks outside ASCII that some readers split lines at:
// NEL (U+0085, C2 85), LS and PS (U+2028, U+2029: E2 80 A8, E2 80 A9). The
// length of the one starting at s[i] (2 or 3), or 0.
inline std::size_t unicode_line_break(const unsigned char* s, std::size_t i,
                                      std::size_t n) noexcept {
  if (s[i] == 0xC2) return i + 1 < n && s[i + 1] == 0x85 ? 2 : 0;
  if (s[i] == 0xE2) {
    return i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9) ? 3 : 0;
  }
  return 0;
}

}  // namespace jot::detail
