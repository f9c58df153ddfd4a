// Message templates: format strings whose placeholders may carry names,
// parsed at compile time, once per call site.
//
//     "order {id} paid {amount:.2f}"
//
// Each placeholder takes the next argument, as `{}` does in fmt; a name
// makes that argument a field of the record as well. The name is removed
// for fmt, which sees "order {} paid {:.2f}" and checks it against the
// argument types as usual. A name used twice refers to the same argument
// ("{id} ... {id}"). Numbered placeholders ("{0}") follow fmt's rules and
// cannot be mixed with names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jot/export.h"

namespace jot::detail {

// Not constexpr: reaching it during constant evaluation stops compilation
// with this function's name and the message in the diagnostic. At run time
// (the writer parses formats that compiled) it does nothing, and the walk
// stops or goes on safely.
JOT_API void invalid_message_template(const char* why);

struct template_shape {
  std::size_t text_size = 0;  // the format as fmt sees it
  std::size_t args = 0;       // arguments the format refers to
  bool named = false;         // any {name}
  constexpr bool operator==(const template_shape&) const = default;
};

constexpr bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '.';
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::size_t digits_of(std::size_t n) {
  std::size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// One pass over a template, reporting what it finds to `on`. Shared by the
// shape and the build passes so that both agree by construction.
//   on.literal(text)             text to copy as is ("{{" and "}}" included)
//   on.field(id, spec, nested)   a replacement field; id is "", digits or a
//                                name; spec excludes the ':'; nested is true
//                                for a field inside another's spec
template <class Visitor>
constexpr void walk_template(std::string_view s, Visitor& on) {
  std::size_t i = 0;
  std::size_t lit = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '}') {
      if (i + 1 < s.size() && s[i + 1] == '}') {
        i += 2;
        continue;
      }
      invalid_message_template("unmatched '}' in the format string");
      return;
    }
    if (c != '{') {
      ++i;
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '{') {
      i += 2;
      continue;
    }
    on.literal(s.substr(lit, i - lit));
    // {id[:spec]}, where spec may hold {id} fields of its own (fmt's
    // dynamic width and precision).
    std::size_t j = i + 1;
    while (j < s.size() && s[j] != ':' && s[j] != '}') ++j;
    if (j >= s.size()) {
      invalid_message_template("'{' is not closed in the format string");
      return;
    }
    const std::string_view id = s.substr(i + 1, j - i - 1);
    std::size_t spec_begin = j;
    std::size_t spec_end = j;
    if (s[j] == ':') {
      spec_begin = j + 1;
      std::size_t k = spec_begin;
      while (k < s.size() && s[k] != '}') {
        if (s[k] == '{') {
          std::size_t m = k + 1;
          while (m < s.size() && s[m] != '}') ++m;
          if (m >= s.size()) {
            invalid_message_template("'{' is not closed in the format string");
            return;
          }
          k = m + 1;
        } else {
          ++k;
        }
      }
      if (k >= s.size()) {
        invalid_message_template("'{' is not closed in the format string");
        return;
      }
      spec_end = k;
    }
    on.field(id, s.substr(spec_begin, spec_end - spec_begin), false);
    // Nested fields, in order, after their owner (fmt numbers them so).
    for (std::size_t k = spec_begin; k < spec_end; ++k) {
      if (s[k] == '{') {
        std::size_t m = k + 1;
        while (s[m] != '}') ++m;
        on.field(s.substr(k + 1, m - k - 1), std::string_view(), true);
        k = m;
      }
    }
    on.spec_end(s.substr(spec_begin, spec_end - spec_begin));
    i = spec_end + 1;
    lit = i;
  }
  on.literal(s.substr(lit));
}

// Assigns argument numbers the way fmt does, and names on top.
struct template_numbering {
  static constexpr std::size_t max_names = 64;
  std::string_view names[max_names] = {};
  std::size_t name_args[max_names] = {};
  std::size_t name_count = 0;
  std::size_t next_auto = 0;
  std::size_t args = 0;
  bool named = false;
  bool numbered = false;

  constexpr std::size_t number(std::string_view id) {
    std::size_t n = 0;
    if (id.empty()) {
      n = next_auto++;
    } else if (is_digit(id[0])) {
      numbered = true;
      for (char c : id) {
        if (!is_digit(c)) {
          invalid_message_template("bad argument number in the format string");
          return 0;
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
        if (n > 255) {
          invalid_message_template("argument number above 255 in the format string");
          return 0;
        }
      }
    } else {
      if (!is_name_start(id[0])) invalid_message_template("bad placeholder in the format string");
      for (char c : id) {
        if (!is_name_char(c)) {
          invalid_message_template("a placeholder name holds a character other than [A-Za-z0-9_.]");
        }
      }
      named = true;
      for (std::size_t k = 0; k < name_count; ++k) {
        if (names[k] == id) return name_args[k];
      }
      if (name_count == max_names) {
        invalid_message_template("more than 64 names in one format");
        return 0;
      }
      n = next_auto++;
      names[name_count] = id;
      name_args[name_count++] = n;
    }
    if (named && numbered) {
      invalid_message_template("named and numbered placeholders cannot be mixed");
    }
    if (n + 1 > args) args = n + 1;
    return n;
  }
};

struct shape_visitor {
  template_numbering num;
  std::size_t text = 0;
  constexpr void literal(std::string_view s) { text += s.size(); }
  constexpr void field(std::string_view id, std::string_view, bool) {
    // Named templates are rewritten with explicit numbers: "{3}".
    text += 2 + digits_of(num.number(id));
  }
  constexpr void spec_end(std::string_view spec) {
    if (spec.empty()) return;
    // ':' and the spec's own characters; nested fields are counted apart.
    text += 1;
    for (std::size_t k = 0; k < spec.size(); ++k) {
      if (spec[k] == '{') {
        while (spec[k] != '}') ++k;
      } else {
        ++text;
      }
    }
  }
};

consteval template_shape shape_of(std::string_view s) {
  shape_visitor v;
  walk_template(s, v);
  if (!v.num.named) return {s.size(), v.num.args, false};
  return {v.text, v.num.args, true};
}

// The compiled form of one template.
template <template_shape Shape>
struct parsed_template {
  // The format fmt sees: the original, or with names replaced by numbers.
  char text[Shape.text_size + 1] = {};
  // Per argument: its name ("" for an unnamed one) and the spec of its
  // first placeholder (used to format a user type on the caller).
  std::string_view names[Shape.args + 1] = {};
  std::string_view specs[Shape.args + 1] = {};

  constexpr std::string_view format() const { return {text, Shape.text_size}; }
};

template <template_shape Shape>
struct build_visitor {
  explicit constexpr build_visitor(parsed_template<Shape>& t) : out(t) {}
  parsed_template<Shape>& out;
  template_numbering num;
  bool seen[Shape.args + 1] = {};
  std::size_t pos = 0;
  std::string_view pending_spec;  // the spec of the field being written
  std::size_t spec_pos = 0;

  constexpr void put(std::string_view s) {
    for (char c : s) out.text[pos++] = c;
  }
  constexpr void put_number(std::size_t n) {
    char digits[4] = {};
    std::size_t d = digits_of(n);
    for (std::size_t k = d; k-- > 0; n /= 10) digits[k] = static_cast<char>('0' + n % 10);
    put(std::string_view(digits, d));
  }
  constexpr void literal(std::string_view s) {
    if (Shape.named) put(s);
  }
  constexpr void field(std::string_view id, std::string_view spec, bool nested) {
    const std::size_t n = num.number(id);
    if (!seen[n]) {
      seen[n] = true;
      out.specs[n] = spec;
      if (!id.empty() && !is_digit(id[0])) out.names[n] = id;
    }
    if (!Shape.named) return;
    // The spec's literal characters and nested fields are written in
    // order: the owner first opens "{n:", then each nested field.
    if (!nested) {
      put("{");
      put_number(n);
      if (!spec.empty()) put(":");
      pending_spec = spec;
      spec_pos = 0;
    } else {
      flush_spec_until_brace();
      put("{");
      put_number(n);
      put("}");
      skip_nested();
    }
  }
  constexpr void flush_spec_until_brace() {
    while (spec_pos < pending_spec.size() && pending_spec[spec_pos] != '{') {
      out.text[pos++] = pending_spec[spec_pos++];
    }
  }
  constexpr void skip_nested() {
    while (spec_pos < pending_spec.size() && pending_spec[spec_pos] != '}') ++spec_pos;
    ++spec_pos;
  }
  constexpr void spec_end(std::string_view) {
    if (!Shape.named) return;
    flush_spec_until_brace();
    put("}");
  }
};

template <template_shape Shape>
consteval parsed_template<Shape> parse_template(std::string_view s) {
  parsed_template<Shape> t;
  build_visitor<Shape> v(t);
  walk_template(s, v);
  if (!Shape.named) {
    for (std::size_t k = 0; k < s.size(); ++k) t.text[k] = s[k];
  }
  return t;
}

}  // namespace jot::detail
