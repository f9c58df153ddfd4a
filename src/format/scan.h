// Finding the first byte that needs escaping, 16 bytes at a time: most
// text needs none, so the escapers copy it in runs.
#pragma once

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace jot::detail {

// The offset of the first byte at or after `i` in s[0, n) that is a C0
// control (below 0x20), one of `Exact`, or (if HighBit) 0x80 or above; n if
// there is none.
template <bool HighBit, char... Exact>
std::size_t find_special(const char* s, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
  const __m128i controls = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    // v <= 0x1F (unsigned) exactly when max(v, 0x1F) == 0x1F.
    __m128i hit = _mm_cmpeq_epi8(_mm_max_epu8(v, controls), controls);
    ((hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(Exact)))), ...);
    int mask = _mm_movemask_epi8(hit);
    if constexpr (HighBit) mask |= _mm_movemask_epi8(v);  // the top bit of each byte
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || (HighBit && c >= 0x80) || ((s[i] == Exact) || ...)) return i;
  }
  return n;
}

}  // namespace jot::detail
