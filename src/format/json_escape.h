// Escaping for JSON string values (RFC 8259).
#pragma once

#include <string>
#include <string_view>

namespace jot::detail {

// Appends `s` as the inside of a JSON string (without the quotes), so that
// the result is always valid JSON and valid UTF-8, whatever bytes `s` held:
// - `"` and `\` are escaped; control characters become \b \f \n \r \t or
//   \u00XX, DEL becomes \u007f, and the C1 controls U+0080..U+009F (NEL, a
//   line break to some readers, among them) become \u0080..\u009f;
// - U+2028 and U+2029 become \u2028 and \u2029 (valid JSON, but line
//   breaks to JavaScript and to some log viewers);
// - every ill-formed UTF-8 sequence (a stray continuation byte, a truncated
//   sequence, an overlong form, a surrogate, a value above U+10FFFF) is
//   replaced by U+FFFD, one per maximal ill-formed subpart, as Unicode
//   recommends (section 3.9, "U+FFFD Substitution of Maximal Subparts").
// Well-formed UTF-8 passes unchanged.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace jot::detail
