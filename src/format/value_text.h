// Rendering field values: the pieces the formatters share. The public
// entry points (append_value_text, append_value_json, append_json_string)
// are declared in jot/formatter.h.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "jot/record.h"

namespace jot::detail {

template <typename Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// As fmt's "{}" writes a double: the shortest text that reads back to the
// same value ("9.5", "1", "1e+20"), and "nan", "inf", "-inf".
void append_float_text(std::string& out, double d);

// As a JSON value: the shortest round-trip number, always with a '.' or an
// exponent so that it reads back as a floating-point number ("1.0", not
// "1"); NaN and the infinities as the strings "NaN", "Infinity", "-Infinity".
void append_float_json(std::string& out, double d);
// The same at p, which has room for 40 bytes; returns the end.
char* write_float_json(char* p, double d);

// A string inside a container, quoted and escaped as fmt's ranges write it.
void append_quoted_text(std::string& out, std::string_view s);

// `v` as a logfmt value: its text (append_value_text), quoted and escaped as
// append_logfmt_value does. `scratch` is used for containers' text.
void append_value_logfmt(std::string& out, const value& v, std::string& scratch);

}  // namespace jot::detail
