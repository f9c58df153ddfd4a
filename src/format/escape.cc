#include "format/escape.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace jot::detail {

namespace {

// Bytes that may start something to escape: C0 controls, DEL, and the lead
// bytes of NEL (C2 85) and LS/PS (E2 80 A8/A9).
constexpr bool may_escape(unsigned char c) noexcept {
  return c < 0x20 || c == 0x7F || c == 0xC2 || c == 0xE2;
}

constexpr char hex_digits[] = "0123456789abcdef";

// The offset of the first byte at or after `i` that may_escape(), or n.
// Most messages hold none: look at 16 bytes at a time.
std::size_t next_candidate(const char* s, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
  const __m128i controls = _mm_set1_epi8(0x1F);
  const __m128i del = _mm_set1_epi8(0x7F);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    // v <= 0x1F (unsigned) exactly when max(v, 0x1F) == 0x1F.
    __m128i hit = _mm_cmpeq_epi8(_mm_max_epu8(v, controls), controls);
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, del));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, c2));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, e2));
    if (const int mask = _mm_movemask_epi8(hit); mask != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
  }
#endif
  for (; i < n; ++i) {
    if (may_escape(static_cast<unsigned char>(s[i]))) return i;
  }
  return n;
}

}  // namespace

void append_escaped_text(std::string& out, std::string_view s) {
  const std::size_t n = s.size();
  std::size_t done = 0;  // bytes of s already appended
  for (std::size_t i = next_candidate(s.data(), 0, n); i < n;
       i = next_candidate(s.data(), i + 1, n)) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::string_view replacement;
    std::size_t consumed = 1;
    char hex[4] = {'\\', 'x', hex_digits[c >> 4], hex_digits[c & 0xF]};
    if (c == 0xC2) {
      if (i + 1 >= n || static_cast<unsigned char>(s[i + 1]) != 0x85) continue;
      replacement = "\\u0085";
      consumed = 2;
    } else if (c == 0xE2) {
      if (i + 2 >= n || static_cast<unsigned char>(s[i + 1]) != 0x80) continue;
      const auto third = static_cast<unsigned char>(s[i + 2]);
      if (third != 0xA8 && third != 0xA9) continue;
      replacement = third == 0xA8 ? "\\u2028" : "\\u2029";
      consumed = 3;
    } else if (c == '\n') {
      replacement = "\\n";
    } else if (c == '\r') {
      replacement = "\\r";
    } else if (c == '\t') {
      replacement = "\\t";
    } else {
      replacement = std::string_view(hex, 4);
    }
    out.append(s.data() + done, i - done);
    out.append(replacement);
    i += consumed - 1;
    done = i + 1;
  }
  out.append(s.data() + done, n - done);
}

}  // namespace jot::detail
