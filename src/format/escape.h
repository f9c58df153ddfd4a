// Escaping for text output.
#pragma once

#include <string>
#include <string_view>

namespace jot::detail {

// Appends `s` with every control character escaped, so that nothing in it
// can start a new line or drive a terminal: \n \r \t as such, other C0
// controls and DEL as \xHH, and the Unicode line breaks NEL, LS and PS
// (U+0085, U+2028, U+2029) as \u0085, \u2028, \u2029. All other bytes,
// including invalid UTF-8, pass unchanged.
void append_escaped_text(std::string& out, std::string_view s);

// Appends the backslash escape of `"`, `\`, newline, carriage return or
// tab, as JSON, logfmt and fmt's quoted strings all write them, and returns
// true; false (appending nothing) for any other byte.
inline bool append_short_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return true;
    case '\\':
      out.append("\\\\");
      return true;
    case '\n':
      out.append("\\n");
      return true;
    case '\r':
      out.append("\\r");
      return true;
    case '\t':
      out.append("\\t");
      return true;
    default:
      return false;
  }
}

}  // namespace jot::detail
