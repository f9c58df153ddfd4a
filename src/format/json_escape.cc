#include "format/json_escape.h"

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace jot::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// The offset of the first byte at or after `i` that is not plain printable
// ASCII other than '"' and '\\', or n. Most text is plain: 16 bytes at a time.
std::size_t next_special(const char* s, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
  const __m128i controls = _mm_set1_epi8(0x1F);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7F);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    __m128i hit = _mm_cmpeq_epi8(_mm_max_epu8(v, controls), controls);  // v <= 0x1F
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, quote));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, backslash));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, del));
    // Bytes >= 0x80 have their top bit set: movemask of v itself.
    const int mask = _mm_movemask_epi8(hit) | _mm_movemask_epi8(v);
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) return i;
  }
  return n;
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
