// Decoding argument bytes into typed values, by the type trees of a call
// site (or of a self-describing field): the half of the decoder that reads
// bytes. Rendering messages from them is in decoder.cc. Nothing here
// throws on bad bytes or reads outside the span it is given: a read that
// does not fit returns false.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ratio>
#include <string>
#include <string_view>
#include <vector>

#include "jot/detail/codec.h"
#include "jot/detail/wire.h"
#include "jot/record.h"

namespace jot::detail {

// A decoded record holds at most this many values: a guard against
// sequences of empty elements claiming billions of them.
inline constexpr std::size_t max_values = 1u << 20;
inline constexpr std::size_t max_depth = 64;

// A value whose text is in a scratch string that may still grow: the view
// is made once the record is decoded.
struct text_fixup {
  std::size_t value;
  std::size_t offset;
  std::size_t length;
};

class reader {
 public:
  reader(const std::byte* p, const std::byte* end) : p_(p), end_(end) {}

  template <class T>
  bool read(T& v) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }

  bool read_bytes(std::size_t n, const std::byte*& at) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < n) return false;
    at = p_;
    p_ += n;
    return true;
  }

  // A null C string reads as "(null)".
  bool read_string(std::string_view& s) noexcept {
    std::uint32_t n = 0;
    if (!read(n)) return false;
    if (n == null_string_length) {
      s = "(null)";
      return true;
    }
    const std::byte* at = nullptr;
    if (!read_bytes(n, at)) return false;
    s = std::string_view(reinterpret_cast<const char*>(at), n);
    return true;
  }

  const std::byte* pos() const noexcept { return p_; }
  const std::byte* end() const noexcept { return end_; }
  bool done() const noexcept { return p_ == end_; }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

// The index after the subtree at nodes[i], or count if the tree is cut off.
std::size_t skip_nodes(const type_node* nodes, std::size_t count, std::size_t i,
                       std::size_t depth = 0);

// Calls f(value) with a scalar argument decoded as its own type.
template <class F>
bool visit_scalar(arg_type t, reader& r, F&& f) {
  switch (t) {
    case arg_type::boolean: {
      std::uint8_t b = 0;
      if (!r.read(b)) return false;
      f(b != 0);
      return true;
    }
    case arg_type::character: {
      char c = 0;
      if (!r.read(c)) return false;
      f(c);
      return true;
    }
#define JOT_VISIT_SCALAR_(tag, type) \
  case arg_type::tag: {              \
    type v{};                        \
    if (!r.read(v)) return false;    \
    f(v);                            \
    return true;                     \
  }
      JOT_VISIT_SCALAR_(i32, std::int32_t)
      JOT_VISIT_SCALAR_(u32, std::uint32_t)
      JOT_VISIT_SCALAR_(i64, std::int64_t)
      JOT_VISIT_SCALAR_(u64, std::uint64_t)
      JOT_VISIT_SCALAR_(f32, float)
      JOT_VISIT_SCALAR_(f64, double)
      JOT_VISIT_SCALAR_(f80, long double)
#undef JOT_VISIT_SCALAR_
    case arg_type::pointer: {
      std::uint64_t u = 0;
      if (!r.read(u)) return false;
      f(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(u)));
      return true;
    }
    case arg_type::string:
    case arg_type::text: {
      std::string_view s;
      if (!r.read_string(s)) return false;
      f(s);
      return true;
    }
    default:
      return false;
  }
}

inline bool is_scalar(arg_type t) { return t <= arg_type::text; }

// Calls f(d) with a duration of its own period (integer or double counts).
template <class F>
bool visit_duration(std::uint8_t aux, reader& r, F&& f) {
  const bool floating = (aux & duration_float) != 0;
  const bool is_unsigned = (aux & duration_unsigned) != 0;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  if (floating ? !r.read(d) : is_unsigned ? !r.read(u) : !r.read(i)) return false;
  auto with = [&](auto period_tag) {
    using period_t = decltype(period_tag);
    if (floating) {
      f(std::chrono::duration<double, period_t>(d));
    } else if (is_unsigned) {
      f(std::chrono::duration<std::uint64_t, period_t>(u));
    } else {
      f(std::chrono::duration<std::int64_t, period_t>(i));
    }
  };
  switch (static_cast<period>(aux & period_mask)) {
    case period::ns:
      with(std::nano{});
      return true;
    case period::us:
      with(std::micro{});
      return true;
    case period::ms:
      with(std::milli{});
      return true;
    case period::s:
      with(std::ratio<1>{});
      return true;
    case period::min:
      with(std::ratio<60>{});
      return true;
    case period::h:
      with(std::ratio<3600>{});
      return true;
    case period::d:
      with(std::ratio<86400>{});
      return true;
    case period::weeks:
      with(std::ratio<604800>{});
      return true;
    case period::months:
      with(std::ratio<2629746>{});
      return true;
    case period::years:
      with(std::ratio<31556952>{});
      return true;
    case period::as:
      with(std::atto{});
      return true;
    case period::fs:
      with(std::femto{});
      return true;
    case period::ps:
      with(std::pico{});
      return true;
    case period::cs:
      with(std::centi{});
      return true;
    case period::ds:
      with(std::deci{});
      return true;
    case period::das:
      with(std::deca{});
      return true;
    case period::hs:
      with(std::hecto{});
      return true;
    case period::ks:
      with(std::kilo{});
      return true;
    case period::mega:
      with(std::mega{});
      return true;
    case period::giga:
      with(std::giga{});
      return true;
    case period::tera:
      with(std::tera{});
      return true;
    case period::peta:
      with(std::peta{});
      return true;
    case period::exa:
      with(std::exa{});
      return true;
  }
  return false;
}

// Nanoseconds of a duration, saturated to the int64 range.
template <class D>
std::int64_t saturated_ns(D d) {
  // By hand: std::chrono's conversion overflows its ratio for exaseconds.
  using period_t = typename D::period;
  const long double ns = static_cast<long double>(d.count()) *
                         static_cast<long double>(period_t::num) /
                         static_cast<long double>(period_t::den) * 1e9L;
  if (!(ns == ns)) return 0;  // NaN
  if (ns >= static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return std::numeric_limits<std::int64_t>::max();
  }
  if (ns <= static_cast<long double>(std::numeric_limits<std::int64_t>::min())) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return static_cast<std::int64_t>(ns);
}

// Decodes type trees into jot::value entries.
class value_decoder {
 public:
  value_decoder(std::vector<value>& values, std::string& scratch, std::vector<text_fixup>& fixups)
      : values_(values), scratch_(scratch), fixups_(fixups) {}

  // Decodes the value whose tree starts at nodes[i]; i moves past it.
  bool decode(const type_node* nodes, std::size_t count, std::size_t& i, reader& r,
              std::size_t depth = 0);

 private:
  template <class T>
  void set_scalar(std::size_t at, arg_type tag, T v);
  // The text is in scratch_ from `from` to its end; scratch_ may still
  // grow, so the view is made once the record is decoded.
  void set_scratch_text(std::size_t at, std::size_t from) {
    fixups_.push_back({at, from, scratch_.size() - from});
  }

  std::vector<value>& values_;
  std::string& scratch_;
  std::vector<text_fixup>& fixups_;
};

// Makes the views of values whose text is in `scratch`.
void apply_fixups(std::vector<value>& values, const std::string& scratch,
                  const std::vector<text_fixup>& fixups);

// The text of a decoded compound argument as fmt prints the C++ value
// (fmt/ranges.h): the type nodes say what the value tree does not, such
// as tuples in parentheses, sets in braces and quoted chars. `v` walks the
// values decoded from the same nodes and ends past them.
void append_fmt_text(std::string& out, const type_node* nodes, std::size_t count, std::size_t ni,
                     const value*& v, bool nested, std::size_t depth = 0);

}  // namespace jot::detail
