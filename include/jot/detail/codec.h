// Binary encoding of log arguments on the caller's thread.
//
// Contract: everything here only measures and copies bytes; nothing
// allocates, throws or formats. The matching decoder is compiled once in
// src/backend/decoder.cc and walks the type tags stored in the call site.
//
// Standard types beyond scalars and strings (containers, tuples, chrono,
// optional) are encoded here too, but recognised only through std_codec,
// which the opt-in headers jot/ranges.h, jot/chrono.h and jot/std.h
// specialise: this header includes none of their standard headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/core.h>

#include "jot/detail/wire.h"

namespace jot::detail {

inline constexpr std::uint32_t null_string_length = 0xFFFFFFFFu;
inline constexpr std::size_t max_string_length = 0xFFFFFFFEu;

template <class T>
inline constexpr bool is_c_string_v = std::is_same_v<T, const char*> || std::is_same_v<T, char*>;

// Declared only, for decltype in the JOT_* macros: the decayed argument
// types of a call.
template <class... Args>
struct type_list {};
template <class... Args>
type_list<std::decay_t<Args>...> types_of(const Args&...);

// std::string and std::string_view, and any other allocator or traits.
template <class T>
inline constexpr bool is_char_string_v = false;
template <class Tr, class A>
inline constexpr bool is_char_string_v<std::basic_string<char, Tr, A>> = true;
template <class Tr>
inline constexpr bool is_char_string_v<std::basic_string_view<char, Tr>> = true;

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
  } else if constexpr (is_char_string_v<T>) {
    return arg_type::string;
  } else if constexpr (std::is_same_v<T, const void*> || std::is_same_v<T, void*> ||
                       std::is_same_v<T, std::nullptr_t>) {
    return arg_type::pointer;
  } else {
    return arg_type::custom;
  }
}

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

}  // namespace jot::detail

namespace jot {

/// Opts a trivially copyable type with a fmt::formatter into deferred
/// formatting: its bytes are copied into the record and fmt formats them on
/// the writer thread, like the built-in types.
///
///     struct point { int x, y; };
///     template <> struct fmt::formatter<point> { ... };
///     template <> struct jot::defer_format<point> : std::true_type {};
///
/// Only do this for types whose value is entirely in their bytes: no
/// pointers to data that may change or die before the writer formats it.
/// Other types with a fmt::formatter are formatted on the caller.
template <class T>
struct defer_format : std::false_type {};

/// A field outside the message; see jot::kv.
template <class T>
struct kv_field {
  std::string_view key;
  // Scalars by value; anything else by reference, valid until the end of
  // the log statement.
  std::conditional_t<std::is_scalar_v<T>, T, const T&> value;
};

}  // namespace jot

namespace jot::detail {

// A jot::kv field whose user-type value was formatted on the caller.
struct kv_text {
  std::string_view key;
  std::string_view value;
};

template <class T>
inline constexpr bool is_kv_v = false;
template <class T>
inline constexpr bool is_kv_v<kv_field<T>> = true;
template <>
inline constexpr bool is_kv_v<kv_text> = true;

// ---- classification ------------------------------------------------------

enum class category { scalar, user, optional, duration, time, tuple, map, sequence, custom };

// How a standard type whose support is opt-in is encoded: `kind` is
// category::custom here, and the opt-in headers specialise it (ranges.h:
// sequence, map, tuple; chrono.h: duration, time; std.h: optional). A
// duration or time specialisation also has `aux` (its type node's aux
// byte) and `encode(dst, v)`, which writes its 8 bytes.
template <class T>
struct std_codec {
  static constexpr category kind = category::custom;
};

// A fixed-size array usable in constant expressions (std::array without
// its header).
template <class T, std::size_t N>
struct fixed_array {
  T items[N];
  constexpr T* data() noexcept { return items; }
  constexpr const T* data() const noexcept { return items; }
  constexpr T& operator[](std::size_t i) noexcept { return items[i]; }
  constexpr const T& operator[](std::size_t i) const noexcept { return items[i]; }
};

template <class T>
concept set_like = std_codec<T>::kind == category::sequence&& requires {
  typename T::key_type;
};

template <class T>
constexpr category category_of();

template <class T>
inline constexpr bool encodable_v = category_of<T>() != category::custom;

template <class Tuple>
struct tuple_encodable;
template <template <class...> class Tp, class... Ts>
struct tuple_encodable<Tp<Ts...>> : std::bool_constant<(encodable_v<Ts> && ...)> {};

template <class T>
constexpr category category_of() {
  if constexpr (type_of<T>() != arg_type::custom) {
    return category::scalar;
  } else if constexpr (defer_format<T>::value) {
    static_assert(std::is_trivially_copyable_v<T>,
                  "jot::defer_format is only for trivially copyable types");
    return category::user;
  } else if constexpr (std_codec<T>::kind == category::optional) {
    return encodable_v<typename T::value_type> ? category::optional : category::custom;
  } else if constexpr (std_codec<T>::kind == category::duration ||
                       std_codec<T>::kind == category::time) {
    return std_codec<T>::kind;
  } else if constexpr (std_codec<T>::kind == category::tuple) {
    return tuple_encodable<T>::value ? category::tuple : category::custom;
  } else if constexpr (std_codec<T>::kind == category::map) {
    return encodable_v<typename T::key_type> && encodable_v<typename T::mapped_type>
               ? category::map
               : category::custom;
  } else if constexpr (std_codec<T>::kind == category::sequence) {
    return encodable_v<std::remove_cv_t<typename T::value_type>> ? category::sequence
                                                                 : category::custom;
  } else {
    return category::custom;
  }
}

// ---- type trees ------------------------------------------------------------

template <class T>
constexpr std::size_t node_count() {
  constexpr category c = category_of<T>();
  if constexpr (c == category::optional || c == category::sequence) {
    return 1 + node_count<typename T::value_type>();
  } else if constexpr (c == category::map) {
    return 1 + node_count<typename T::key_type>() + node_count<typename T::mapped_type>();
  } else if constexpr (c == category::tuple) {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (std::size_t{1} + ... + node_count<std::tuple_element_t<I, T>>());
    }
    (std::make_index_sequence<std::tuple_size_v<T>>());
  } else {
    return 1;
  }
}

template <class T>
void format_user(const std::byte* data, std::string_view format, std::string& out) {
  // The bytes were copied from a T, which is trivially copyable.
  alignas(T) unsigned char storage[sizeof(T)];
  std::memcpy(storage, data, sizeof(T));
  const T& v = *std::launder(reinterpret_cast<const T*>(storage));
  fmt::vformat_to(std::back_inserter(out), fmt::string_view(format.data(), format.size()),
                  fmt::make_format_args(v));
}

template <class T>
constexpr void describe(type_node* out, std::size_t& i) {
  constexpr category c = category_of<T>();
  type_node& n = out[i++];
  if constexpr (c == category::scalar) {
    n.tag = type_of<T>();
  } else if constexpr (c == category::user) {
    n.tag = arg_type::user;
    n.size = sizeof(T);
    n.format = &format_user<T>;
  } else if constexpr (c == category::optional) {
    n.tag = arg_type::optional;
    describe<typename T::value_type>(out, i);
  } else if constexpr (c == category::duration) {
    n.tag = arg_type::duration;
    n.aux = std_codec<T>::aux;
  } else if constexpr (c == category::time) {
    n.tag = arg_type::time;
    n.aux = std_codec<T>::aux;
  } else if constexpr (c == category::tuple) {
    n.tag = arg_type::tuple;
    n.aux = static_cast<std::uint8_t>(std::tuple_size_v<T>);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (describe<std::tuple_element_t<I, T>>(out, i), ...);
    }
    (std::make_index_sequence<std::tuple_size_v<T>>());
  } else if constexpr (c == category::map) {
    n.tag = arg_type::map;
    describe<typename T::key_type>(out, i);
    describe<typename T::mapped_type>(out, i);
  } else if constexpr (c == category::sequence) {
    n.tag = arg_type::sequence;
    n.aux = set_like<T> ? 1 : 0;
    describe<typename T::value_type>(out, i);
  } else {
    n.tag = arg_type::custom;
  }
}

// How a top-level argument appears in a call site: a user type that is not
// encodable travels as text formatted on the caller.
template <class T>
constexpr std::size_t site_node_count() {
  if constexpr (is_kv_v<T>) {
    if constexpr (std::is_same_v<T, kv_text>) {
      return 2;
    } else {
      return 1 + site_node_count<std::decay_t<decltype(std::declval<T>().value)>>();
    }
  } else if constexpr (encodable_v<T>) {
    return node_count<T>();
  } else {
    return 1;
  }
}

template <class T>
constexpr void describe_site(type_node* out, std::size_t& i) {
  if constexpr (is_kv_v<T>) {
    out[i++].tag = arg_type::field;
    if constexpr (std::is_same_v<T, kv_text>) {
      out[i++].tag = arg_type::text;
    } else {
      describe_site<std::decay_t<decltype(std::declval<T>().value)>>(out, i);
    }
  } else if constexpr (encodable_v<T>) {
    describe<T>(out, i);
  } else {
    out[i++].tag = arg_type::text;
  }
}

template <class... Args>
struct node_table {
  static constexpr std::size_t count = (std::size_t{0} + ... + site_node_count<Args>());
  static constexpr fixed_array<type_node, count + 1> make() {
    fixed_array<type_node, count + 1> a{};
    [[maybe_unused]] std::size_t i = 0;
    (describe_site<Args>(a.data(), i), ...);
    return a;
  }
  static constexpr fixed_array<type_node, count + 1> value = make();
};

// Whether a type tree holds a user node (which cannot go into bound or
// scope fields: those are self-describing and hold no pointers).
template <class T>
constexpr bool has_user_node() {
  constexpr std::size_t n = node_count<T>();
  type_node nodes[n] = {};
  std::size_t i = 0;
  describe<T>(nodes, i);
  for (const type_node& t : nodes) {
    if (t.tag == arg_type::user) return true;
  }
  return false;
}

// ---- sizes and bytes ---------------------------------------------------------

// A scalar or string argument (type_of<T>() is not custom).
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

template <class T>
std::size_t value_size(const T& v) noexcept;
template <class T>
std::byte* encode_value(std::byte* dst, const T& v) noexcept;

// The elements of a tuple or pair, found by argument-dependent lookup of
// get (so that <tuple> need not be included here).
template <class T, class F>
constexpr decltype(auto) apply_elements(const T& v, F&& f) {
  return [&]<std::size_t... I>(std::index_sequence<I...>)->decltype(auto) {
    return f(get<I>(v)...);
  }
  (std::make_index_sequence<std::tuple_size_v<T>>());
}

template <class T>
inline std::size_t value_size(const T& v) noexcept {
  constexpr category c = category_of<T>();
  if constexpr (c == category::scalar) {
    if constexpr (type_of<T>() == arg_type::string) {
      const std::size_t n = string_length(v);
      return 4 + (n == null_string_length ? 0 : n);
    } else {
      return fixed_size(type_of<T>());
    }
  } else if constexpr (c == category::user) {
    return sizeof(T);
  } else if constexpr (c == category::optional) {
    return 1 + (v.has_value() ? value_size(*v) : 0);
  } else if constexpr (c == category::duration || c == category::time) {
    return 8;
  } else if constexpr (c == category::tuple) {
    return apply_elements(v,
                          [](const auto&... e) { return (std::size_t{0} + ... + value_size(e)); });
  } else if constexpr (c == category::map) {
    std::size_t n = 4;
    for (const auto& [k, m] : v) n += value_size(k) + value_size(m);
    return n;
  } else if constexpr (c == category::sequence) {
    using elem = typename T::value_type;
    if constexpr (category_of<elem>() == category::scalar && type_of<elem>() != arg_type::string &&
                  requires { v.size(); }) {
      return 4 + v.size() * fixed_size(type_of<elem>());
    } else {
      std::size_t n = 4;
      for (const auto& e : v) n += value_size(e);
      return n;
    }
  } else {
    static_assert(c != category::custom, "not encodable");
    return 0;
  }
}

inline std::byte* put_u32(std::byte* dst, std::size_t n) noexcept {
  const auto w = static_cast<std::uint32_t>(n);
  std::memcpy(dst, &w, 4);
  return dst + 4;
}

template <class T>
inline std::byte* encode_value(std::byte* dst, const T& v) noexcept {
  constexpr category c = category_of<T>();
  if constexpr (c == category::scalar) {
    std::size_t len = 0;
    if constexpr (type_of<T>() == arg_type::string) len = string_length(v);
    return encode_arg(dst, v, len);
  } else if constexpr (c == category::user) {
    std::memcpy(dst, &v, sizeof(T));
    return dst + sizeof(T);
  } else if constexpr (c == category::optional) {
    *dst++ = static_cast<std::byte>(v.has_value() ? 1 : 0);
    return v.has_value() ? encode_value(dst, *v) : dst;
  } else if constexpr (c == category::duration || c == category::time) {
    return std_codec<T>::encode(dst, v);
  } else if constexpr (c == category::tuple) {
    apply_elements(v, [&](const auto&... e) { ((dst = encode_value(dst, e)), ...); });
    return dst;
  } else if constexpr (c == category::map || c == category::sequence) {
    std::byte* count_at = dst;
    dst += 4;
    std::size_t n = 0;
    if constexpr (c == category::map) {
      for (const auto& [k, m] : v) {
        dst = encode_value(dst, k);
        dst = encode_value(dst, m);
        ++n;
      }
    } else {
      for (const auto& e : v) {
        dst = encode_value(dst, e);
        ++n;
      }
    }
    put_u32(count_at, n);
    return dst;
  } else {
    static_assert(c != category::custom, "not encodable");
    return dst;
  }
}

// ---- top-level arguments -------------------------------------------------

// The field key of a jot::kv: u16 length, then the bytes.
inline constexpr std::size_t max_key_length = 0xFFFF;

inline std::size_t key_length(std::string_view key) noexcept {
  return key.size() > max_key_length ? max_key_length : key.size();
}

// T is the decayed argument type throughout (arrays arrive as pointers).
// `len` keeps a string's measured length so that encoding does not
// measure again (strlen).
template <class T>
inline std::size_t encoded_size(const T& v, std::size_t& len) noexcept {
  if constexpr (is_kv_v<T>) {
    len = key_length(v.key);
    return 2 + len + value_size(v.value);
  } else if constexpr (type_of<T>() == arg_type::string) {
    len = string_length(v);
    return 4 + (len == null_string_length ? 0 : len);
  } else if constexpr (type_of<T>() != arg_type::custom) {
    (void)v;
    (void)len;
    return fixed_size(type_of<T>());
  } else {
    (void)len;
    return value_size(v);
  }
}

template <class T>
inline std::byte* encode_top(std::byte* dst, const T& v, std::size_t len) noexcept {
  if constexpr (is_kv_v<T>) {
    const auto n = static_cast<std::uint16_t>(len);
    std::memcpy(dst, &n, 2);
    copy_bytes(dst + 2, v.key.data(), len);
    return encode_value(dst + 2 + len, v.value);
  } else if constexpr (type_of<T>() != arg_type::custom) {
    return encode_arg(dst, v, len);
  } else {
    return encode_value(dst, v);
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
  ((dst = encode_top<std::decay_t<const Args&>>(dst, args, lens[i]), ++i), ...);
  return dst;
}

// ---- fmt's compile-time check ----------------------------------------------

// Stands in for types jot renders itself (containers, optionals, chrono):
// fmt checks the placeholder's existence, jot applies the spec on the
// writer, where fmt reports a spec that does not fit.
struct any_spec {};

// ---- opt-in support -----------------------------------------------------

// Standard types recognised by their members, without their headers.
template <class T>
concept looks_like_time_point = requires(const T& v) {
  typename T::clock;
  typename T::duration;
  v.time_since_epoch();
};
template <class T>
concept looks_like_duration = requires(const T& v) {
  typename T::rep;
  typename T::period;
  v.count();
};
template <class T>
concept looks_like_optional = requires(const T& v) {
  typename T::value_type;
  v.has_value();
  *v;
};
template <class T>
concept looks_like_range = requires(const T& v) {
  typename T::value_type;
  v.begin();
  v.end();
};
template <class T>
concept looks_like_tuple = requires {
  std::tuple_size<T>::value;
};

// An argument that neither jot nor fmt can format stops compilation here,
// naming the header that adds its support when it is a standard type whose
// support is opt-in. Returns true so that it can be used in a constant.
template <class T>
constexpr bool require_support() {
  if constexpr (category_of<T>() == category::custom &&
                !fmt::has_formatter<T, fmt::format_context>::value) {
    static_assert(!looks_like_time_point<T>,
                  "jot: to log a std::chrono::time_point of system_clock, include <jot/chrono.h> "
                  "(time points of other clocks: log their time_since_epoch())");
    static_assert(looks_like_time_point<T> || !looks_like_duration<T>,
                  "jot: to log a std::chrono::duration, include <jot/chrono.h>");
    static_assert(!looks_like_optional<T>, "jot: to log a std::optional, include <jot/std.h>");
    static_assert(looks_like_optional<T> || !looks_like_range<T>,
                  "jot: to log a std::vector, std::array, std::span, std::map, std::set or "
                  "another standard container, include <jot/ranges.h> (its elements must be "
                  "types jot logs too)");
    static_assert(looks_like_range<T> || !looks_like_tuple<T>,
                  "jot: to log a std::pair or std::tuple, include <jot/ranges.h>");
  }
  return true;
}

// The type fmt checks a format against: enums without a formatter of their
// own are checked (and printed) as their underlying integer, since fmt 9
// refuses scoped enums.
template <class T>
constexpr auto check_type_probe() {
  static_assert(require_support<T>());
  if constexpr (std::is_enum_v<T> && !fmt::has_formatter<T, fmt::format_context>::value) {
    return std::type_identity<std::underlying_type_t<T>>{};
  } else if constexpr (type_of<T>() != arg_type::custom || category_of<T>() == category::custom ||
                       category_of<T>() == category::user) {
    return std::type_identity<T>{};
  } else {
    return std::type_identity<any_spec>{};
  }
}
template <class T>
using check_type_t = typename decltype(check_type_probe<T>())::type;

// fmt::format_string over the format arguments only (jot::kv fields are
// not part of the message).
template <class Kept, class... Rest>
struct format_string_for;
template <class... Kept>
struct format_string_for<type_list<Kept...>> {
  using type = fmt::format_string<const check_type_t<Kept>&...>;
};
template <class... Kept, class T, class... Rest>
struct format_string_for<type_list<Kept...>, T, Rest...>
    : std::conditional_t<is_kv_v<T>, format_string_for<type_list<Kept...>, Rest...>,
                         format_string_for<type_list<Kept..., T>, Rest...>> {};
template <class... Args>
using format_string_t = typename format_string_for<type_list<>, std::decay_t<Args>...>::type;

}  // namespace jot::detail

namespace jot::detail {
// A formatter's parse() that takes any spec: up to the placeholder's
// closing brace, over nested fields.
constexpr auto skip_spec(fmt::format_parse_context& ctx) {
  auto it = ctx.begin();
  int depth = 0;
  while (it != ctx.end() && (*it != '}' || depth > 0)) {
    if (*it == '{') ++depth;
    if (*it == '}') --depth;
    ++it;
  }
  return it;
}
}  // namespace jot::detail

template <>
struct fmt::formatter<jot::detail::any_spec> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return jot::detail::skip_spec(ctx); }
  template <class Context>
  auto format(const jot::detail::any_spec&, Context& ctx) const {
    return ctx.out();
  }
};
