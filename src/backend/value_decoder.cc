#include "backend/value_decoder.h"

#include <charconv>
#include <chrono>
#include <iterator>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "format/value_text.h"
#include "jot/formatter.h"

namespace jot::detail {

// The index after the subtree at nodes[i], or count if the tree is cut off.
std::size_t skip_nodes(const type_node* nodes, std::size_t count, std::size_t i,
                       std::size_t depth) {
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

namespace {

// A float as the double nearest its shortest decimal form, so that 0.1f
// is 0.1 in JSON and text rather than 0.10000000149011612.
double widen(float f) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, f);
  auto d = static_cast<double>(f);
  std::from_chars(buf, r.ptr, d);
  return d;
}

}  // namespace

// Decodes the value whose tree starts at nodes[i]; i moves past it.
bool value_decoder::decode(const type_node* nodes, std::size_t count, std::size_t& i, reader& r,
                           std::size_t depth) {
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

template <class T>
void value_decoder::set_scalar(std::size_t at, arg_type tag, T v) {
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
                     const value*& v, bool nested, std::size_t depth) {
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

}  // namespace jot::detail
