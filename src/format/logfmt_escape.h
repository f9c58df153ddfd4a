// Escaping for logfmt keys and values, also used by the text pattern's
// {fields}.
#pragma once

#include <string>
#include <string_view>

namespace jot::detail {

// Appends `key` with every byte other than an ASCII letter, a digit or one of
// `_ . - / @` replaced by `_` (per byte, so a multi-byte character becomes
// several); an empty key is written as `_`. A key never needs quoting and
// never holds `=`, a space or a control character.
void append_logfmt_key(std::string& out, std::string_view key);

// Appends `s` as a logfmt value. Bare if it is not empty and holds no space,
// `=`, `"`, `\`, control character (C0, DEL, C1 such as NEL) or Unicode
// line separator (LS, PS); otherwise between double quotes, with `"` and `\`
// backslash-escaped, \n \r \t as such, other controls as \u00XX (\u001b,
// \u0085) and the separators as \u2028 and \u2029. Other bytes pass
// unchanged, including ill-formed UTF-8: logfmt has no escape for a raw
// byte, and since every byte that can end a line is ASCII or one of the
// sequences above, no input can start a new line.
void append_logfmt_value(std::string& out, std::string_view s);

}  // namespace jot::detail
