// Field values as text and as JSON.
#include "format/value_text.h"
#include "format/escape.h"

#include <cmath>
#include <cstring>
#include <string_view>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "format/json_escape.h"
#include "format/logfmt_escape.h"
#include "format/scan.h"
#include "format/timestamp.h"
#include "format/utf8.h"
#include "jot/formatter.h"

namespace jot {

namespace detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char c) {
  const char esc[4] = {'\\', 'x', hex_digits[c >> 4], hex_digits[c & 0xF]};
  out.append(esc, 4);
}

}  // namespace

// A string inside a container, quoted and escaped as fmt's ranges write it
// ("{:?}"): `"` and `\` backslash-escaped, \n \r \t as such, other C0 and C1
// controls and DEL as \xHH, U+2028 and U+2029 as \u2028 and \u2029, and each
// byte of ill-formed UTF-8 as \xHH. (fmt also escapes code points its tables
// call unprintable, such as unassigned ones; those pass unchanged here.)
void append_quoted_text(std::string& out, std::string_view s) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  out.push_back('"');
  std::size_t done = 0;
  for (std::size_t i = find_special<true, '"', '\\', '\x7f'>(s.data(), 0, n); i < n;
       i = find_special<true, '"', '\\', '\x7f'>(s.data(), i, n)) {
    const unsigned char c = u[i];
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t len = utf8_sequence(u, i, n, bad);
      const bool c1 = len == 2 && c == 0xC2 && u[i + 1] < 0xA0;
      const bool line_break =
          len == 3 && c == 0xE2 && u[i + 1] == 0x80 && u[i + 2] >= 0xA8 && u[i + 2] <= 0xA9;
      if (len != 0 && !c1 && !line_break) {
        i += len;  // copied with the run around it
        continue;
      }
      out.append(s.data() + done, i - done);
      if (c1) {
        append_hex_byte(out, u[i + 1]);
      } else if (line_break) {
        out.append(u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
      } else {
        for (std::size_t k = 0; k < bad; ++k) append_hex_byte(out, u[i + k]);
      }
      i += len != 0 ? len : bad;
      done = i;
      continue;
    }
    out.append(s.data() + done, i - done);
    if (!append_short_escape(out, c)) append_hex_byte(out, c);
    ++i;
    done = i;
  }
  out.append(s.data() + done, n - done);
  out.push_back('"');
}

namespace {

void append_text(std::string& out, const value& v, bool nested) {
  switch (v.type) {
    case value_type::null:
      out.append("none");
      break;
    case value_type::boolean:
      out.append(v.boolean ? std::string_view("true") : std::string_view("false"));
      break;
    case value_type::int64:
      append_integer(out, v.int64);
      break;
    case value_type::uint64:
      append_integer(out, v.uint64);
      break;
    case value_type::float64:
      append_float_text(out, v.float64);
      break;
    case value_type::string:
      // Inside a container a string is quoted, as fmt quotes strings in
      // ranges; text jot converted (a char, a pointer, a user type) is not.
      if (nested && !v.converted) {
        append_quoted_text(out, v.text);
      } else {
        out.append(v.text);
      }
      break;
    case value_type::duration:
      out.append(v.text);
      break;
    case value_type::time:
      append_rfc3339_utc(out, v.int64);
      break;
    case value_type::array: {
      out.push_back('[');
      const value* e = v.first_child();
      for (std::uint32_t i = 0; i < v.count; ++i, e = e->next()) {
        if (i != 0) out.append(", ");
        append_text(out, *e, true);
      }
      out.push_back(']');
      break;
    }
    case value_type::object: {
      out.push_back('{');
      const value* k = v.first_child();
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (i != 0) out.append(", ");
        const value* val = k->next();
        append_text(out, *k, true);
        out.append(": ");
        append_text(out, *val, true);
        k = val->next();
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

void append_float_text(std::string& out, double d) {
  char buf[32];
  const char* end = fmt::format_to(buf, FMT_COMPILE("{}"), d);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

char* write_float_json(char* p, double d) {
  if (!std::isfinite(d)) {
    const std::string_view text = std::isnan(d) ? std::string_view("\"NaN\"")
                                  : d > 0       ? std::string_view("\"Infinity\"")
                                                : std::string_view("\"-Infinity\"");
    std::memcpy(p, text.data(), text.size());
    return p + text.size();
  }
  char* const begin = p;
  char* end = fmt::format_to(p, FMT_COMPILE("{}"), d);  // at most 24 characters
  bool integral = true;
  for (const char* c = begin; c != end; ++c) {
    if (*c == '.' || *c == 'e') {
      integral = false;
      break;
    }
  }
  if (integral) {
    *end++ = '.';
    *end++ = '0';
  }
  return end;
}

void append_float_json(std::string& out, double d) {
  char buf[40];
  out.append(buf, static_cast<std::size_t>(write_float_json(buf, d) - buf));
}

void append_value_logfmt(std::string& out, const value& v, std::string& scratch) {
  switch (v.type) {
    case value_type::string:
    case value_type::duration:
      append_logfmt_value(out, v.text);
      break;
    case value_type::array:
    case value_type::object:
      scratch.clear();
      append_text(scratch, v, false);
      append_logfmt_value(out, scratch);
      break;
    default:
      // Numbers, booleans, "none" and times never need quotes.
      append_text(out, v, false);
  }
}

}  // namespace detail

void append_value_text(std::string& out, const value& v) { detail::append_text(out, v, false); }

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  detail::append_json_escaped(out, s);
  out.push_back('"');
}

void append_value_json(std::string& out, const value& v) {
  switch (v.type) {
    case value_type::null:
      out.append("null");
      break;
    case value_type::boolean:
      out.append(v.boolean ? std::string_view("true") : std::string_view("false"));
      break;
    case value_type::int64:
      detail::append_integer(out, v.int64);
      break;
    case value_type::uint64:
      detail::append_integer(out, v.uint64);
      break;
    case value_type::float64:
      detail::append_float_json(out, v.float64);
      break;
    case value_type::string:
    case value_type::duration:
      append_json_string(out, v.text);
      break;
    case value_type::time:
      out.push_back('"');
      detail::append_rfc3339_utc(out, v.int64);
      out.push_back('"');
      break;
    case value_type::array: {
      out.push_back('[');
      const value* e = v.first_child();
      for (std::uint32_t i = 0; i < v.count; ++i, e = e->next()) {
        if (i != 0) out.push_back(',');
        append_value_json(out, *e);
      }
      out.push_back(']');
      break;
    }
    case value_type::object: {
      out.push_back('{');
      const value* k = v.first_child();
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (i != 0) out.push_back(',');
        const value* val = k->next();
        if (k->type == value_type::string) {
          append_json_string(out, k->text);
        } else {
          // JSON keys are strings: any other key is written as its text.
          std::string text;
          append_value_text(text, *k);
          append_json_string(out, text);
        }
        out.push_back(':');
        append_value_json(out, *val);
        k = val->next();
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace jot
