#include "backend/decoder.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include <fmt/args.h>
#include <fmt/chrono.h>
#include <fmt/compile.h>

#include "format/value_text.h"
#include "jot/detail/codec.h"
#include "jot/detail/message_template.h"
#include "jot/formatter.h"

namespace jot::detail {
namespace {
// Text already formatted with its placeholder's spec: fmt writes it as it
// is, whatever the spec.
struct preformatted {
  std::string text;
};
}  // namespace
}  // namespace jot::detail

template <>
struct fmt::formatter<jot::detail::preformatted> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return jot::detail::skip_spec(ctx); }
  template <class Context>
  auto format(const jot::detail::preformatted& p, Context& ctx) const {
    return std::copy(p.text.begin(), p.text.end(), ctx.out());
  }
};

namespace jot::detail {

namespace {

// A decoded record holds at most this many values: a guard against
// sequences of empty elements claiming billions of them.
constexpr std::size_t max_values = 1u << 20;
constexpr std::size_t max_depth = 64;

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
                       std::size_t depth = 0) {
  if (i >= count || depth > max_depth) return count + 1;
  const type_node& n = nodes[i];
  std::size_t next = i + 1;
  std::size_t children = 0;
  switch (n.tag) {
    case arg_type::optional:
    case arg_type::sequence:
    case arg_type::field:
      children = 1;
      break;
    case arg_type::map:
      children = 2;
      break;
    case arg_type::tuple:
      children = n.aux;
      break;
    default:
      break;
  }
  for (std::size_t c = 0; c < children; ++c) {
    next = skip_nodes(nodes, count, next, depth + 1);
    if (next > count) return count + 1;
  }
  return next;
}

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

bool is_scalar(arg_type t) { return t <= arg_type::text; }

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

// Writes one value as fmt's "{}" would.
struct plain_writer {
  fmt::memory_buffer& out;
  void operator()(bool v) const {
    const std::string_view s = v ? "true" : "false";
    out.append(s.data(), s.data() + s.size());
  }
  void operator()(char c) const { out.push_back(c); }
  void operator()(std::string_view s) const {
    // One resize and one copy: fmt's buffer append copies in a loop.
    const std::size_t old = out.size();
    out.resize(old + s.size());
    if (!s.empty()) std::memcpy(out.data() + old, s.data(), s.size());
  }
  template <class T>
  void operator()(T v) const {
    if constexpr (std::is_integral_v<T>) {
      const fmt::format_int digits(v);
      out.append(digits.data(), digits.data() + digits.size());
    } else {
      fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v);
    }
  }
};

// A float as the double nearest its shortest decimal form, so that 0.1f
// is 0.1 in JSON and text rather than 0.10000000149011612.
double widen(float f) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, f);
  auto d = static_cast<double>(f);
  std::from_chars(buf, r.ptr, d);
  return d;
}

// Decodes type trees into jot::value entries.
class value_decoder {
 public:
  value_decoder(std::vector<value>& values, std::string& scratch, std::vector<text_fixup>& fixups)
      : values_(values), scratch_(scratch), fixups_(fixups) {}

  // Decodes the value whose tree starts at nodes[i]; i moves past it.
  bool decode(const type_node* nodes, std::size_t count, std::size_t& i, reader& r,
              std::size_t depth = 0) {
    if (i >= count || depth > max_depth || values_.size() >= max_values) return false;
    const type_node& n = nodes[i];
    const std::size_t at = values_.size();
    values_.emplace_back();
    switch (n.tag) {
      case arg_type::boolean:
      case arg_type::character:
      case arg_type::i32:
      case arg_type::u32:
      case arg_type::i64:
      case arg_type::u64:
      case arg_type::f32:
      case arg_type::f64:
      case arg_type::f80:
      case arg_type::pointer:
      case arg_type::string:
      case arg_type::text: {
        ++i;
        return visit_scalar(n.tag, r, [&](auto v) { set_scalar(at, n.tag, v); });
      }
      case arg_type::duration: {
        ++i;
        return visit_duration(n.aux, r, [&](auto d) {
          value& out = values_[at];
          out.type = value_type::duration;
          out.int64 = saturated_ns(d);
          const std::size_t from = scratch_.size();
          fmt::format_to(std::back_inserter(scratch_), "{}", d);
          set_scratch_text(at, from);
        });
      }
      case arg_type::time: {
        ++i;
        return visit_duration(n.aux & period_mask, r, [&](auto d) {
          value& out = values_[at];
          out.type = value_type::time;
          out.int64 = saturated_ns(d);
        });
      }
      case arg_type::optional: {
        std::uint8_t present = 0;
        if (!r.read(present)) return false;
        if (present == 0) {
          values_[at].type = value_type::null;
          i = skip_nodes(nodes, count, i);
          return i <= count;
        }
        // A present optional is its value.
        values_.pop_back();
        ++i;
        return decode(nodes, count, i, r, depth + 1);
      }
      case arg_type::sequence:
      case arg_type::map: {
        std::uint32_t elements = 0;
        if (!r.read(elements)) return false;
        const std::size_t child = i + 1;
        const std::size_t end = skip_nodes(nodes, count, i);
        if (end > count) return false;
        for (std::uint32_t e = 0; e < elements; ++e) {
          std::size_t c = child;
          if (!decode(nodes, count, c, r, depth + 1)) return false;
          if (n.tag == arg_type::map && !decode(nodes, count, c, r, depth + 1)) return false;
        }
        value& out = values_[at];
        out.type = n.tag == arg_type::map ? value_type::object : value_type::array;
        out.count = elements;
        out.span = static_cast<std::uint32_t>(values_.size() - at);
        i = end;
        return true;
      }
      case arg_type::tuple: {
        ++i;
        for (std::uint8_t e = 0; e < n.aux; ++e) {
          if (!decode(nodes, count, i, r, depth + 1)) return false;
        }
        value& out = values_[at];
        out.type = value_type::array;
        out.count = n.aux;
        out.span = static_cast<std::uint32_t>(values_.size() - at);
        return true;
      }
      case arg_type::user: {
        const std::byte* bytes = nullptr;
        if (n.format == nullptr || !r.read_bytes(n.size, bytes)) return false;
        ++i;
        const std::size_t from = scratch_.size();
        n.format(bytes, "{}", scratch_);
        values_[at].type = value_type::string;
        values_[at].converted = true;
        set_scratch_text(at, from);
        return true;
      }
      case arg_type::field:
      case arg_type::custom:
        return false;
    }
    return false;
  }

 private:
  template <class T>
  void set_scalar(std::size_t at, arg_type tag, T v) {
    value& out = values_[at];
    if constexpr (std::is_same_v<T, bool>) {
      out.type = value_type::boolean;
      out.boolean = v;
    } else if constexpr (std::is_same_v<T, char>) {
      out.type = value_type::string;
      out.converted = true;
      const std::size_t from = scratch_.size();
      scratch_.push_back(v);
      set_scratch_text(at, from);
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      out.type = value_type::string;
      out.converted = tag == arg_type::text;
      out.text = v;
    } else if constexpr (std::is_same_v<T, const void*>) {
      out.type = value_type::string;
      out.converted = true;
      const std::size_t from = scratch_.size();
      fmt::format_to(std::back_inserter(scratch_), "{}", v);
      set_scratch_text(at, from);
    } else if constexpr (std::is_same_v<T, float>) {
      out.type = value_type::float64;
      out.float64 = widen(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      out.type = value_type::float64;
      out.float64 = static_cast<double>(v);
    } else if constexpr (std::is_signed_v<T>) {
      out.type = value_type::int64;
      out.int64 = v;
    } else {
      out.type = value_type::uint64;
      out.uint64 = v;
    }
  }

  // The text is in scratch_ from `from` to its end; scratch_ may still
  // grow, so the view is made once the record is decoded.
  void set_scratch_text(std::size_t at, std::size_t from) {
    fixups_.push_back({at, from, scratch_.size() - from});
  }

  std::vector<value>& values_;
  std::string& scratch_;
  std::vector<text_fixup>& fixups_;
};

void apply_fixups(std::vector<value>& values, const std::string& scratch,
                  const std::vector<text_fixup>& fixups) {
  for (const text_fixup& f : fixups) {
    values[f.value].text = std::string_view(scratch.data() + f.offset, f.length);
  }
}

// The text of a decoded compound argument as fmt prints the C++ value
// (fmt/ranges.h): the type nodes say what the value tree does not, such
// as tuples in parentheses, sets in braces and quoted chars. `v` walks the
// values decoded from the same nodes and ends past them.
void append_fmt_text(std::string& out, const type_node* nodes, std::size_t count, std::size_t ni,
                     const value*& v, bool nested, std::size_t depth = 0) {
  if (ni >= count || depth > max_depth) return;
  const type_node& n = nodes[ni];
  switch (n.tag) {
    case arg_type::optional:
      if (v->type == value_type::null) {
        out.append("none");
        v = v->next();
      } else {
        append_fmt_text(out, nodes, count, ni + 1, v, nested, depth + 1);
      }
      return;
    case arg_type::sequence:
    case arg_type::map:
    case arg_type::tuple: {
      const bool map = n.tag == arg_type::map;
      const char open = n.tag == arg_type::tuple ? '(' : (map || n.aux == 1) ? '{' : '[';
      const char close = open == '(' ? ')' : open == '{' ? '}' : ']';
      const std::uint32_t elements = v->count;
      v = v->first_child();
      out.push_back(open);
      std::size_t child = ni + 1;
      for (std::uint32_t e = 0; e < elements; ++e) {
        if (e != 0) out.append(", ");
        if (n.tag == arg_type::tuple) {
          append_fmt_text(out, nodes, count, child, v, true, depth + 1);
          child = skip_nodes(nodes, count, child);
        } else {
          append_fmt_text(out, nodes, count, ni + 1, v, true, depth + 1);
          if (map) {
            out.append(": ");
            append_fmt_text(out, nodes, count, skip_nodes(nodes, count, ni + 1), v, true,
                            depth + 1);
          }
        }
      }
      out.push_back(close);
      return;
    }
    case arg_type::character:
      if (nested) {
        // As fmt's ranges print a char: quoted, escaped.
        out.push_back('\'');
        const char c = v->text.empty() ? '\0' : v->text[0];
        if (c == '\'' || c == '\\') {
          out.push_back('\\');
          out.push_back(c);
        } else if (c == '\n') {
          out.append("\\n");
        } else if (c == '\r') {
          out.append("\\r");
        } else if (c == '\t') {
          out.append("\\t");
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f ||
                   static_cast<unsigned char>(c) >= 0x80) {
          out.append(fmt::format("\\x{:02x}", static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
        out.push_back('\'');
        v = v->next();
        return;
      }
      break;
    case arg_type::string:
      if (nested) {
        append_quoted_text(out, v->text);
        v = v->next();
        return;
      }
      break;
    default:
      break;
  }
  append_value_text(out, *v);
  v = v->next();
}

void append_fallback(fmt::memory_buffer& out, std::size_t start, const call_site& site,
                     std::string_view note) {
  out.resize(start);
  const std::string_view t = site.message_template;
  out.append(t.data(), t.data() + t.size());
  out.append(note.data(), note.data() + note.size());
}

// Turns "{{" and "}}" into single braces.
std::string unescape_braces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.push_back(s[i]);
    if ((s[i] == '{' || s[i] == '}') && i + 1 < s.size() && s[i + 1] == s[i]) ++i;
  }
  return out;
}

// Collects a format's pieces at run time, with the same walk the compile
// time parse uses.
struct plan_visitor {
  template_numbering num;
  std::string pending;  // literal text so far
  bool whole = false;
  struct raw_piece {
    std::string literal;
    std::size_t arg;
    std::string_view spec;
  };
  std::vector<raw_piece> pieces;
  void literal(std::string_view s) { pending += unescape_braces(s); }
  void field(std::string_view id, std::string_view spec, bool nested) {
    const std::size_t n = num.number(id);
    if (nested) {
      whole = true;
      return;
    }
    pieces.push_back({std::move(pending), n, spec});
    pending.clear();
  }
  void spec_end(std::string_view) {}
};

}  // namespace

const record_decoder::plan& record_decoder::plan_for(const call_site& site) {
  const auto key = reinterpret_cast<std::uintptr_t>(&site);
  slot& s = cache_[(key >> 4) % cache_slots];
  if (s.site == &site) return *s.p;
  auto& owned = plans_[&site];
  if (!owned) {
    owned = std::make_unique<plan>();
    plan_visitor v;
    walk_template(site.format, v);
    owned->whole = v.whole;
    for (auto& rp : v.pieces) {
      piece p;
      p.literal = std::move(rp.literal);
      p.arg = rp.arg;
      if (!rp.spec.empty()) {
        p.format.reserve(rp.spec.size() + 3);
        p.format.append("{:").append(rp.spec).push_back('}');
      }
      owned->pieces.push_back(std::move(p));
    }
    owned->tail = std::move(v.pending);
    bool seq = !owned->whole && owned->pieces.size() == site.arg_count &&
               site.type_count == site.arg_count;
    for (std::size_t k = 0; seq && k < owned->pieces.size(); ++k) {
      const piece& pc = owned->pieces[k];
      seq = pc.arg == k && pc.format.empty() && is_scalar(site.types[k].tag) &&
            (site.names == nullptr || k >= site.format_args || site.names[k].empty());
    }
    owned->sequential = seq;
  }
  s = {&site, owned.get()};
  return *owned;
}

bool record_decoder::walk_args(const call_site& site, std::span<const std::byte> bytes) {
  reader r(bytes.data(), bytes.data() + bytes.size());
  value_decoder vd(values_, scratch_, text_fixups_);
  std::size_t ni = 0;
  std::size_t format_arg = 0;
  std::vector<pending_field>& kv = kv_pending_;
  kv.clear();
  for (std::uint8_t a = 0; a < site.arg_count; ++a) {
    if (ni >= site.type_count) return false;
    const type_node& n = site.types[ni];
    if (n.tag == arg_type::field) {
      std::uint16_t klen = 0;
      const std::byte* key = nullptr;
      if (!r.read(klen) || !r.read_bytes(klen, key)) return false;
      ++ni;
      const std::size_t at = values_.size();
      if (!vd.decode(site.types, site.type_count, ni, r)) return false;
      kv.push_back(
          {std::string_view(reinterpret_cast<const char*>(key), klen), at, field_origin::call});
      continue;
    }
    args_.push_back({site.types, ni, site.type_count, r.pos(), r.end()});
    const std::string_view name = format_arg < site.format_args && site.names != nullptr
                                      ? site.names[format_arg]
                                      : std::string_view();
    ++format_arg;
    if (!name.empty() || !is_scalar(n.tag)) {
      // Named: a field. Compound: decoded now to skip its bytes (and kept
      // for the message's text).
      const std::size_t at = values_.size();
      if (!vd.decode(site.types, site.type_count, ni, r)) return false;
      args_.back().value = at;
      if (!name.empty()) pending_.push_back({name, at, field_origin::call});
    } else {
      if (!visit_scalar(n.tag, r, [](auto) {})) return false;
      ++ni;
    }
  }
  for (const auto& f : kv) pending_.push_back(f);
  // The arguments end where the record does, but for its padding to a
  // multiple of 8.
  return r.end() - r.pos() < 8;
}

bool record_decoder::walk_context(std::span<const std::byte> bytes, field_origin origin) {
  reader r(bytes.data(), bytes.data() + bytes.size());
  value_decoder vd(values_, scratch_, text_fixups_);
  bool ok = true;
  while (!r.done()) {
    std::uint16_t klen = 0;
    const std::byte* key = nullptr;
    std::uint8_t count = 0;
    const std::byte* raw = nullptr;
    if (!r.read(klen) || !r.read_bytes(klen, key) || !r.read(count) || count == 0 ||
        !r.read_bytes(std::size_t{count} * 2, raw)) {
      ok = false;
      break;
    }
    context_nodes_.assign(count, type_node{});
    for (std::size_t k = 0; k < count; ++k) {
      const auto tag = static_cast<std::uint8_t>(raw[2 * k]);
      // Self-describing fields hold no user types (no function pointers)
      // and no nested fields.
      if (tag > static_cast<std::uint8_t>(arg_type::tuple)) {
        ok = false;
        break;
      }
      context_nodes_[k].tag = static_cast<arg_type>(tag);
      context_nodes_[k].aux = static_cast<std::uint8_t>(raw[2 * k + 1]);
    }
    if (!ok) break;
    std::size_t ni = 0;
    const std::size_t at = values_.size();
    if (!vd.decode(context_nodes_.data(), count, ni, r) || ni != count) {
      ok = false;
      break;
    }
    pending_.push_back({std::string_view(reinterpret_cast<const char*>(key), klen), at, origin});
  }
  return ok;
}

void record_decoder::finish_fields() {
  apply_fixups(values_, scratch_, text_fixups_);
  fields_.clear();
  for (const pending_field& p : pending_) {
    fields_.push_back({p.key, &values_[p.value], p.origin});
  }
}

void record_decoder::render_arg(const arg_ref& a, const std::string& format,
                                fmt::memory_buffer& out) {
  const type_node& n = a.nodes[a.node];
  reader r(a.data, a.end);
  const fmt::string_view f(format.data(), format.size());
  if (is_scalar(n.tag)) {
    if (format.empty() || n.tag == arg_type::text) {
      visit_scalar(n.tag, r, plain_writer{out});
    } else {
      visit_scalar(n.tag, r, [&](auto v) {
        fmt::vformat_to(fmt::appender(out), f, fmt::make_format_args(v));
      });
    }
    return;
  }
  switch (n.tag) {
    case arg_type::duration:
      visit_duration(n.aux, r, [&](auto d) {
        fmt::vformat_to(fmt::appender(out), format.empty() ? fmt::string_view("{}") : f,
                        fmt::make_format_args(d));
      });
      return;
    case arg_type::time:
      visit_duration(n.aux & period_mask, r, [&](auto d) {
        const std::chrono::time_point<std::chrono::system_clock> tp(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::nanoseconds(saturated_ns(d))));
        fmt::vformat_to(fmt::appender(out), format.empty() ? fmt::string_view("{}") : f,
                        fmt::make_format_args(tp));
      });
      return;
    case arg_type::user: {
      const std::byte* bytes = nullptr;
      if (!r.read_bytes(n.size, bytes) || n.format == nullptr) return;
      text_.clear();
      n.format(bytes, format.empty() ? std::string_view("{}") : std::string_view(format), text_);
      out.append(text_.data(), text_.data() + text_.size());
      return;
    }
    case arg_type::optional: {
      std::uint8_t present = 0;
      if (!r.read(present)) return;
      if (present == 0) {
        const std::string_view none = "none";
        out.append(none.data(), none.data() + none.size());
        return;
      }
      // A present optional's value tree is its value's.
      render_arg({a.nodes, a.node + 1, a.node_count, r.pos(), a.end, a.value}, format, out);
      return;
    }
    default: {
      // Containers: their text, as fmt's ranges print them, from the tree
      // walk_args() decoded; a spec applies to that text as to a string.
      if (a.value >= values_.size()) return;
      text_.clear();
      const value* v = &values_[a.value];
      append_fmt_text(text_, a.nodes, a.node_count, a.node, v, false);
      if (format.empty()) {
        out.append(text_.data(), text_.data() + text_.size());
      } else {
        const std::string_view t = text_;
        fmt::vformat_to(fmt::appender(out), f, fmt::make_format_args(t));
      }
      return;
    }
  }
}

bool record_decoder::render_sequential(const call_site& site, const plan& p,
                                       std::span<const std::byte> args, fmt::memory_buffer& out) {
  reader r(args.data(), args.data() + args.size());
  const plain_writer w{out};
  for (std::size_t k = 0; k < p.pieces.size(); ++k) {
    w(std::string_view(p.pieces[k].literal));
    if (!visit_scalar(site.types[k].tag, r, w)) return false;
  }
  w(std::string_view(p.tail));
  return r.end() - r.pos() < 8;
}

bool record_decoder::render(const call_site& site, const plan& p, fmt::memory_buffer& out) {
  const plain_writer w{out};
  for (const piece& pc : p.pieces) {
    w(std::string_view(pc.literal));
    if (pc.arg >= args_.size()) return false;
    render_arg(args_[pc.arg], pc.format, out);
  }
  w(std::string_view(p.tail));
  (void)site;
  return true;
}

bool record_decoder::render_whole(const call_site& site, fmt::memory_buffer& out) {
  // Rare: a width or precision taken from an argument. Scalars go to fmt
  // with their types. Anything else is text: made with its placeholder's
  // spec and then written as it is, or, if that spec takes a width from
  // another argument, made plain and given the spec as a string.
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (std::size_t k = 0; k < args_.size(); ++k) {
    const arg_ref& a = args_[k];
    const type_node& n = a.nodes[a.node];
    reader r(a.data, a.end);
    if (is_scalar(n.tag) && n.tag != arg_type::text) {
      if (!visit_scalar(n.tag, r, [&](auto v) { store.push_back(v); })) return false;
      continue;
    }
    const std::string_view spec =
        k < site.format_args && site.specs != nullptr ? site.specs[k] : std::string_view();
    const bool dynamic = spec.find('{') != std::string_view::npos;
    std::string format;
    if (!spec.empty() && !dynamic && n.tag != arg_type::text) {
      format.append("{:").append(spec).push_back('}');
    }
    fmt::memory_buffer text;
    render_arg(a, format, text);
    if (dynamic) {
      store.push_back(fmt::to_string(text));
    } else {
      store.push_back(preformatted{fmt::to_string(text)});
    }
  }
  fmt::vformat_to(fmt::appender(out), fmt::string_view(site.format.data(), site.format.size()),
                  store);
  return true;
}

void record_decoder::reset() noexcept {
  args_.clear();
  values_.clear();
  pending_.clear();
  fields_.clear();
  scratch_.clear();
  text_fixups_.clear();
}

bool record_decoder::decode(const call_site& site, std::span<const std::byte> bound,
                            std::span<const std::byte> scope, std::span<const std::byte> args,
                            fmt::memory_buffer& message) noexcept {
  const std::size_t start = message.size();
  reset();
  try {
    if (bound.empty() && scope.empty()) {
      const plan& p = plan_for(site);
      if (p.sequential) {
        if (render_sequential(site, p, args, message)) return true;
        append_fallback(message, start, site, " [jot: record bytes do not match the call site]");
        return false;
      }
    }
    bool ok = walk_context(bound, field_origin::bound);
    ok = walk_context(scope, field_origin::scope) && ok;
    if (walk_args(site, args) && args_.size() >= site.format_args) {
      // The fields first: a spec that fmt rejects on the writer (one on a
      // container or a duration, which only the writer checks) costs the
      // message, not the fields.
      finish_fields();
      const plan& p = plan_for(site);
      if (p.whole ? render_whole(site, message) : render(site, p, message)) {
        if (ok) return true;
        const std::string_view note = " [jot: bound or scope fields are damaged]";
        message.append(note.data(), note.data() + note.size());
        return false;
      }
    }
    finish_fields();
    append_fallback(message, start, site, " [jot: record bytes do not match the call site]");
  } catch (const std::exception& e) {
    try {
      append_fallback(message, start, site, " [jot: format error: ");
      const std::string_view what = e.what();
      message.append(what.data(), what.data() + what.size());
      message.push_back(']');
    } catch (...) {
    }
  } catch (...) {
    fields_.clear();
  }
  return false;
}

bool record_decoder::decode(const record_header& rec, fmt::memory_buffer& message) noexcept {
  const auto* p = reinterpret_cast<const std::byte*>(&rec + 1);
  const auto* end = reinterpret_cast<const std::byte*>(&rec) + rec.size;
  std::span<const std::byte> bound;
  std::span<const std::byte> scope;
  if ((rec.flags & record_has_context) != 0) {
    std::uint32_t b = 0;
    std::uint32_t s = 0;
    if (end - p >= 8) {
      std::memcpy(&b, p, 4);
      std::memcpy(&s, p + 4, 4);
      p += 8;
    }
    if (static_cast<std::size_t>(end - p) >= std::size_t{b} + s) {
      bound = {p, b};
      scope = {p + b, s};
      p += std::size_t{b} + s;
    }
  }
  if ((rec.flags & record_preformatted) != 0) {
    return decode_preformatted(rec, bound, scope, {p, static_cast<std::size_t>(end - p)}, message);
  }
  return decode(*rec.site, bound, scope, {p, static_cast<std::size_t>(end - p)}, message);
}

bool record_decoder::decode_preformatted(const record_header& rec, std::span<const std::byte> bound,
                                         std::span<const std::byte> scope,
                                         std::span<const std::byte> rest,
                                         fmt::memory_buffer& message) noexcept {
  const call_site& site = *rec.site;
  const std::size_t start = message.size();
  reset();
  try {
    std::uint32_t len = 0;
    std::uint32_t args_len = 0;
    if (rest.size() >= 8) {
      std::memcpy(&len, rest.data(), 4);
      std::memcpy(&args_len, rest.data() + 4, 4);
    }
    if (rest.size() < 8 || rest.size() - 8 < std::size_t{len} + args_len) {
      append_fallback(message, start, site, " [jot: record bytes do not match the call site]");
      return false;
    }
    const auto* text = reinterpret_cast<const char*>(rest.data() + 8);
    message.append(text, text + len);
    const std::span<const std::byte> args = rest.subspan(8 + std::size_t{len}, args_len);
    bool ok = walk_context(bound, field_origin::bound);
    ok = walk_context(scope, field_origin::scope) && ok;
    if ((rec.flags & record_message_only) == 0) ok = walk_args(site, args) && ok;
    finish_fields();
    if (ok) return true;
    const std::string_view note = " [jot: fields are damaged]";
    message.append(note.data(), note.data() + note.size());
  } catch (...) {
    fields_.clear();
  }
  return false;
}

}  // namespace jot::detail
