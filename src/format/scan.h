// Finding the first byte that needs escaping, 16 bytes at a time: most
// text needs none, so the escapers copy it in runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace jot::detail {

#if defined(__SSE2__)
// Bit k set if byte k of v is a C0 control, one of `Exact`, or (if HighBit)
// 0x80 or above.
template <bool HighBit, char... Exact>
inline unsigned special_mask(__m128i v) noexcept {
  const __m128i controls = _mm_set1_epi8(0x1F);
  // v <= 0x1F (unsigned) exactly when max(v, 0x1F) == 0x1F.
  __m128i hit = _mm_cmpeq_epi8(_mm_max_epu8(v, controls), controls);
  ((hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(Exact)))), ...);
  int mask = _mm_movemask_epi8(hit);
  if constexpr (HighBit) mask |= _mm_movemask_epi8(v);  // the top bit of each byte
  return static_cast<unsigned>(mask);
}

inline unsigned first_bit(unsigned mask) noexcept {
  return static_cast<unsigned>(__builtin_ctz(mask));
}
#endif

// The offset of the first byte at or after `i` in s[0, n) that is a C0
// control (below 0x20), one of `Exact`, or (if HighBit) 0x80 or above; n if
// there is none.
template <bool HighBit, char... Exact>
std::size_t find_special(const char* s, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const unsigned mask = special_mask<HighBit, Exact...>(v);
    if (mask != 0) return i + first_bit(mask);
  }
  // The last 1 to 15 bytes. Most strings written are short (keys, names),
  // so this is the common case: one comparison of two overlapping loads
  // that stay inside s[0, n), not a loop over the bytes.
  const std::size_t left = n - i;
  if (left == 0) return n;
  if (n >= 16) {
    // The 16 bytes ending at n; those before i were already looked at.
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + n - 16));
    const unsigned mask = special_mask<HighBit, Exact...>(v) >> (16 - left);
    return mask != 0 ? i + first_bit(mask) : n;
  }
  if (left >= 8) {
    // s[i, i + 8) in the low half, s[n - 8, n) in the high half.
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, s + i, 8);
    std::memcpy(&hi, s + n - 8, 8);
    const unsigned mask = special_mask<HighBit, Exact...>(
        _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo)));
    if ((mask & 0xFF) != 0) return i + first_bit(mask & 0xFF);
    return (mask >> 8) != 0 ? n - 8 + first_bit(mask >> 8) : n;
  }
  if (left >= 4) {
    // s[i, i + 4) in bytes 0-3, s[n - 4, n) in bytes 4-7.
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
    std::memcpy(&lo, s + i, 4);
    std::memcpy(&hi, s + n - 4, 4);
    const unsigned mask = special_mask<HighBit, Exact...>(_mm_set_epi32(
        0, 0, static_cast<int>(hi), static_cast<int>(lo)));  // bytes 8-15 (zero) ignored
    if ((mask & 0xF) != 0) return i + first_bit(mask & 0xF);
    return (mask & 0xF0) != 0 ? n - 4 + first_bit((mask & 0xF0) >> 4) : n;
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || (HighBit && c >= 0x80) || ((s[i] == Exact) || ...)) return i;
  }
  return n;
}

}  // namespace jot::detail
