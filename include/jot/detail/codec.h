// Binary encoding of log arguments on the caller's thread.
//
// Contract: everything here only measures and copies bytes; nothing
// allocates, throws or formats. The matching decoder is compiled once in
// src/backend/decoder.cc and walks the type tags stored in the call site.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/core.h>

#include "jot/detail/wire.h"

namespace jot::detail {

inline constexpr std::uint32_t null_string_length = 0xFFFFFFFFu;
inline constexpr std::size_t max_string_length = 0xFFFFFFFEu;

template <class T>
inline constexpr bool is_c_string_v = std::is_same_v<T, const char*> || std::is_same_v<T, char*>;

template <class T>
constexpr arg_type integer_type() {
  if constexpr (std::is_signed_v<T>) {
    return sizeof(T) <= 4 ? arg_type::i32 : arg_type::i64;
  } else {
    return sizeof(T) <= 4 ? arg_type::u32 : arg_type::u64;
  }
}

// The tag for a (decayed) argument type.
template <class T>
constexpr arg_type type_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return arg_type::boolean;
  } else if constexpr (std::is_same_v<T, char>) {
    return arg_type::character;
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (sizeof(T) <= 8 && !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> &&
                  !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>) {
      return integer_type<T>();
    } else {
      return arg_type::custom;
    }
  } else if constexpr (std::is_same_v<T, float>) {
    return arg_type::f32;
  } else if constexpr (std::is_same_v<T, double>) {
    return arg_type::f64;
  } else if constexpr (std::is_same_v<T, long double>) {
    return arg_type::f80;
  } else if constexpr (std::is_enum_v<T>) {
    // An enum with its own formatter keeps it (formatted on the caller);
    // any other enum prints as its underlying integer, as fmt prints it.
    if constexpr (fmt::has_formatter<T, fmt::format_context>::value) {
      return arg_type::custom;
    } else {
      return integer_type<std::underlying_type_t<T>>();
    }
  } else if constexpr (is_c_string_v<T>) {
    return arg_type::string;
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    return arg_type::string;
  } else if constexpr (std::is_same_v<T, const void*> || std::is_same_v<T, void*> ||
                       std::is_same_v<T, std::nullptr_t>) {
    return arg_type::pointer;
  } else {
    return arg_type::custom;
  }
}

// Declared only, for decltype in the JOT_* macros: the decayed argument
// types of a call.
template <class... Args>
struct type_list {};
template <class... Args>
type_list<std::decay_t<Args>...> types_of(const Args&...);

template <class... Args>
inline constexpr bool all_encodable_v = ((type_of<Args>() != arg_type::custom) && ...);

// Tags for a call site's argument list (one extra slot so the array is
// never empty).
template <class... Args>
inline constexpr arg_type type_table[sizeof...(Args) + 1] = {type_of<Args>()..., arg_type::custom};

constexpr std::size_t fixed_size(arg_type t) {
  switch (t) {
    case arg_type::boolean:
    case arg_type::character:
      return 1;
    case arg_type::i32:
    case arg_type::u32:
    case arg_type::f32:
      return 4;
    case arg_type::i64:
    case arg_type::u64:
    case arg_type::f64:
    case arg_type::pointer:
      return 8;
    case arg_type::f80:
      return sizeof(long double);
    default:
      return 0;
  }
}

// The bytes a string argument occupies; `len` keeps the measured length so
// that encoding does not measure again (strlen).
template <class T>
inline std::size_t string_length(const T& v) noexcept {
  std::size_t n;
  if constexpr (is_c_string_v<T>) {
    if (v == nullptr) return null_string_length;
    n = std::strlen(v);
  } else {
    n = v.size();
  }
  return n > max_string_length ? max_string_length : n;
}

// memcpy with the short case inline: log arguments are mostly short
// strings, and a call to memcpy costs more than the copy. Every read stays
// within [src, src + n).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
// With a string literal inlined here, GCC warns about the n > 16 branch
// even when n is known to be shorter: a false positive.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
inline void copy_bytes(std::byte* dst, const char* src, std::size_t n) noexcept {
  if (n > 16) {
    std::memcpy(dst, src, n);
  } else if (n >= 8) {
    std::uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else if (n >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + n - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + n - 4, &tail, 4);
  } else if (n > 0) {
    dst[0] = static_cast<std::byte>(src[0]);
    dst[n / 2] = static_cast<std::byte>(src[n / 2]);
    dst[n - 1] = static_cast<std::byte>(src[n - 1]);
  }
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic pop
#endif

// T is the decayed argument type throughout (arrays arrive as pointers).
template <class T>
inline std::size_t encoded_size(const T& v, std::size_t& len) noexcept {
  constexpr arg_type t = type_of<T>();
  if constexpr (t == arg_type::string) {
    len = string_length(v);
    return 4 + (len == null_string_length ? 0 : len);
  } else {
    (void)v;
    (void)len;
    return fixed_size(t);
  }
}

template <class T>
inline std::byte* encode_arg(std::byte* dst, const T& v, std::size_t len) noexcept {
  constexpr arg_type t = type_of<T>();
  if constexpr (t == arg_type::string) {
    const auto n = static_cast<std::uint32_t>(len);
    std::memcpy(dst, &n, 4);
    dst += 4;
    if (len == null_string_length) return dst;
    const char* p;
    if constexpr (is_c_string_v<T>) {
      p = v;
    } else {
      p = v.data();
    }
    copy_bytes(dst, p, len);
    return dst + len;
  } else if constexpr (t == arg_type::boolean) {
    *dst = static_cast<std::byte>(v ? 1 : 0);
    return dst + 1;
  } else if constexpr (t == arg_type::pointer) {
    const auto u = reinterpret_cast<std::uintptr_t>(static_cast<const void*>(v));
    const std::uint64_t w = u;
    std::memcpy(dst, &w, 8);
    return dst + 8;
  } else if constexpr (t == arg_type::i32 || t == arg_type::u32 || t == arg_type::i64 ||
                       t == arg_type::u64) {
    // Integers and enums travel as 4 or 8 bytes, whatever their width.
    using wide = std::conditional_t<
        t == arg_type::i32, std::int32_t,
        std::conditional_t<t == arg_type::u32, std::uint32_t,
                           std::conditional_t<t == arg_type::i64, std::int64_t, std::uint64_t>>>;
    const wide w = static_cast<wide>(v);
    std::memcpy(dst, &w, sizeof(w));
    return dst + sizeof(w);
  } else {
    static_assert(fixed_size(t) == sizeof(T));
    std::memcpy(dst, &v, sizeof(T));
    return dst + sizeof(T);
  }
}

// Sizes of all arguments; lens[i] receives string lengths.
template <class... Args>
inline std::size_t args_size(std::size_t* lens, const Args&... args) noexcept {
  std::size_t total = 0;
  std::size_t i = 0;
  ((total += encoded_size<std::decay_t<const Args&>>(args, lens[i]), ++i), ...);
  return total;
}

template <class... Args>
inline std::byte* encode_args(std::byte* dst, const std::size_t* lens,
                              const Args&... args) noexcept {
  std::size_t i = 0;
  ((dst = encode_arg<std::decay_t<const Args&>>(dst, args, lens[i]), ++i), ...);
  return dst;
}

}  // namespace jot::detail
