#include "format/json_escape.h"

#include "format/scan.h"
#include "format/utf8.h"

namespace jot::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// Plain printable ASCII other than '"' and '\\' is copied in runs.
std::size_t next_special(const char* s, std::size_t i, std::size_t n) noexcept {
  return find_special<true, '"', '\\', '\x7f'>(s, i, n);
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t done = 0;  // bytes of s already appended
  for (std::size_t i = next_special(s.data(), 0, n); i < n; i = next_special(s.data(), i, n)) {
    const unsigned char c = u[i];
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t len = utf8_sequence(u, i, n, bad);
      if (len == 3 && c == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
        out.append(s.data() + done, i - done);
        out.append(u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
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
        out.append(replacement);
        i += bad;
        done = i;
      }
      continue;
    }
    out.append(s.data() + done, i - done);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
        out.append(esc, 6);
      }
    }
    ++i;
    done = i;
  }
  out.append(s.data() + done, n - done);
}

}  // namespace jot::detail
