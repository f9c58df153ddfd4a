#include "format/escape.h"

#include "format/scan.h"

namespace jot::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// C0 controls, DEL, and the lead bytes of NEL (C2 85) and LS/PS (E2 80 A8/A9).
std::size_t next_candidate(const char* s, std::size_t i, std::size_t n) noexcept {
  return find_special<false, '\x7f', '\xc2', '\xe2'>(s, i, n);
}

}  // namespace

void append_escaped_text(std::string& out, std::string_view s) {
  const std::size_t n = s.size();
  std::size_t done = 0;  // bytes of s already appended
  for (std::size_t i = next_candidate(s.data(), 0, n); i < n;
       i = next_candidate(s.data(), i + 1, n)) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::string_view replacement;
    std::size_t consumed = 1;
    char hex[4] = {'\\', 'x', hex_digits[c >> 4], hex_digits[c & 0xF]};
    if (c == 0xC2) {
      if (i + 1 >= n || static_cast<unsigned char>(s[i + 1]) != 0x85) continue;
      replacement = "\\u0085";
      consumed = 2;
    } else if (c == 0xE2) {
      if (i + 2 >= n || static_cast<unsigned char>(s[i + 1]) != 0x80) continue;
      const auto third = static_cast<unsigned char>(s[i + 2]);
      if (third != 0xA8 && third != 0xA9) continue;
      replacement = third == 0xA8 ? "\\u2028" : "\\u2029";
      consumed = 3;
    } else if (c == '\n') {
      replacement = "\\n";
    } else if (c == '\r') {
      replacement = "\\r";
    } else if (c == '\t') {
      replacement = "\\t";
    } else {
      replacement = std::string_view(hex, 4);
    }
    out.append(s.data() + done, i - done);
    out.append(replacement);
    i += consumed - 1;
    done = i + 1;
  }
  out.append(s.data() + done, n - done);
}

}  // namespace jot::detail
