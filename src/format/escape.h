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

}  // namespace jot::detail
