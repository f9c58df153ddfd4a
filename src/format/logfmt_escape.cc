#include "format/logfmt_escape.h"

#include <array>

#include "format/escape.h"
#include "format/scan.h"
#include "format/utf8.h"

namespace jot::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

constexpr std::array<bool, 256> key_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (const char c : {'_', '.', '-', '/', '@'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// A byte that forces quotes: C0 controls, space, '=', '"', '\\', DEL, and
// the lead bytes of NEL (C2 85) and LS/PS (E2 80 A8/A9).
std::size_t next_unsafe(const char* s, std::size_t i, std::size_t n) noexcept {
  return find_special<false, ' ', '=', '"', '\\', '\x7f', '\xc2', '\xe2'>(s, i, n);
}

// A byte that needs escaping inside quotes.
std::size_t next_escape(const char* s, std::size_t i, std::size_t n) noexcept {
  return find_special<false, '"', '\\', '\x7f', '\xc2', '\xe2'>(s, i, n);
}

// The length of the sequence at s[i] (lead byte C2 or E2) that is escaped:
// a C1 control (C2 80..C2 9F, NEL among them: 2) or LS/PS (3); else 0.
std::size_t escaped_sequence(const unsigned char* s, std::size_t i, std::size_t n) noexcept {
  if (s[i] == 0xC2) return i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F ? 2 : 0;
  return unicode_line_break(s, i, n);
}

bool needs_quotes(std::string_view s) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = next_unsafe(s.data(), 0, n); i < n; i = next_unsafe(s.data(), i + 1, n)) {
    if (u[i] < 0x80 || escaped_sequence(u, i, n) != 0) return true;
  }
  return s.empty();
}

}  // namespace

void append_logfmt_key(std::string& out, std::string_view key) {
  if (key.empty()) {
    out.push_back('_');
    return;
  }
  std::size_t i = 0;
  while (i < key.size() && key_chars[static_cast<unsigned char>(key[i])]) ++i;
  if (i == key.size()) {
    out.append(key);
    return;
  }
  const std::size_t start = out.size();
  out.append(key);
  for (std::size_t k = start + i; k < out.size(); ++k) {
    if (!key_chars[static_cast<unsigned char>(out[k])]) out[k] = '_';
  }
}

void append_logfmt_value(std::string& out, std::string_view s) {
  if (!needs_quotes(s)) {
    out.append(s);
    return;
  }
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  out.push_back('"');
  std::size_t done = 0;  // bytes of s already appended
  for (std::size_t i = next_escape(s.data(), 0, n); i < n; i = next_escape(s.data(), i, n)) {
    const unsigned char c = u[i];
    if (c >= 0x80) {
      const std::size_t len = escaped_sequence(u, i, n);
      if (len == 0) {
        ++i;  // any other byte is copied with the run around it
        continue;
      }
      out.append(s.data() + done, i - done);
      if (len == 2) {
        const unsigned char cp = u[i + 1];
        const char esc[6] = {'\\', 'u', '0', '0', hex_digits[cp >> 4], hex_digits[cp & 0xF]};
        out.append(esc, 6);
      } else {
        out.append(u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
      }
      i += len;
      done = i;
      continue;
    }
    out.append(s.data() + done, i - done);
    if (!append_short_escape(out, c)) {
      const char esc[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
      out.append(esc, 6);
    }
    ++i;
    done = i;
  }
  out.append(s.data() + done, n - done);
  out.push_back('"');
}

}  // namespace jot::detail
