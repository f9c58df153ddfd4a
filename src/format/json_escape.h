// Escaping for JSON string values (RFC 8259).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "format/scan.h"
#include "format/utf8.h"

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

// The most bytes append_json_escaped writes for `n` bytes of input: a
// control character becomes six.
constexpr std::size_t json_escaped_max(std::size_t n) noexcept { return 6 * n; }

// Copies n bytes, inline: the pieces of a rendered line are short, and a
// call to memcpy for each costs more than the copy itself. Reads and writes
// only [src, src + n) and [dst, dst + n), in fixed-size (possibly
// overlapping) moves.
inline void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
  if (n >= 16) {
    if (n > 256) {
      std::memcpy(dst, src, n);
      return;
    }
    for (std::size_t i = 0; i + 16 < n; i += 16) std::memcpy(dst + i, src + i, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

// Output through a pointer into a buffer the caller has made large enough.
struct raw_output {
  char* p;
  void append(const char* s, std::size_t n) noexcept {
    copy_bytes(p, s, n);
    p += n;
  }
};

// The escaping of append_json_escaped, for any output with
// append(const char*, std::size_t): a std::string, or a raw_output with room
// for json_escaped_max(s.size()) bytes.
template <typename Output>
void escape_json(Output& out, std::string_view s) {
  constexpr char hex_digits[] = "0123456789abcdef";
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  // Plain printable ASCII other than '"' and '\\' is copied in runs.
  auto next_special = [&](std::size_t i) {
    return find_special<true, '"', '\\', '\x7f'>(s.data(), i, n);
  };
  std::size_t done = 0;  // bytes of s already appended
  for (std::size_t i = next_special(0); i < n; i = next_special(i)) {
    const unsigned char c = u[i];
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t len = utf8_sequence(u, i, n, bad);
      if (len == 3 && c == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
        out.append(s.data() + done, i - done);
        out.append(u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
        i += 3;
        done = i;
      } else if (len == 2 && c == 0xC2 && u[i + 1] < 0xA0) {
        // A C1 control (U+0080..U+009F), NEL among them.
        const unsigned char cp = u[i + 1];
        const char esc[6] = {'\\', 'u', '0', '0', hex_digits[cp >> 4], hex_digits[cp & 0xF]};
        out.append(s.data() + done, i - done);
        out.append(esc, 6);
        i += 2;
        done = i;
      } else if (len != 0) {
        i += len;  // well-formed: copied with the run around it
      } else {
        out.append(s.data() + done, i - done);
        out.append("\xEF\xBF\xBD", 3);  // U+FFFD
        i += bad;
        done = i;
      }
      continue;
    }
    out.append(s.data() + done, i - done);
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    std::size_t esc_len = 2;
    switch (c) {
      case '"':
      case '\\':
        esc[1] = static_cast<char>(c);
        break;
      case '\b':
        esc[1] = 'b';
        break;
      case '\f':
        esc[1] = 'f';
        break;
      case '\n':
        esc[1] = 'n';
        break;
      case '\r':
        esc[1] = 'r';
        break;
      case '\t':
        esc[1] = 't';
        break;
      default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex_digits[c >> 4];
        esc[5] = hex_digits[c & 0xF];
        esc_len = 6;
    }
    out.append(esc, esc_len);
    ++i;
    done = i;
  }
  out.append(s.data() + done, n - done);
}

}  // namespace jot::detail
