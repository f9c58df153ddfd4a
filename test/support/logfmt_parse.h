// A strict logfmt reader for checking what jot writes: a line is
// `key=value` pairs separated by one space; a key is one or more of
// [A-Za-z0-9_.-/@]; a value is either bare (one or more bytes other than
// space, '=', '"', '\', controls) or quoted, with \" \\ \n \r \t and \uXXXX
// escapes. Anything else is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jot::test {

using logfmt_pairs = std::vector<std::pair<std::string, std::string>>;

namespace logfmt_detail {

inline bool key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '/' || c == '@';
}

inline bool bare_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u != 0x7f && c != ' ' && c != '=' && c != '"' && c != '\\';
}

inline void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace logfmt_detail

// Reads one value starting at s[i]; on success, i is just past it.
inline std::optional<std::string> parse_logfmt_value(std::string_view s, std::size_t& i) {
  using namespace logfmt_detail;
  std::string v;
  if (i < s.size() && s[i] != '"') {
    while (i < s.size() && bare_char(s[i])) v.push_back(s[i++]);
    if (v.empty()) return std::nullopt;
    return v;
  }
  if (i >= s.size()) return std::nullopt;
  ++i;  // the opening quote
  for (;;) {
    if (i >= s.size()) return std::nullopt;  // unterminated
    const char c = s[i++];
    if (c == '"') return v;
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    if (c != '\\') {
      v.push_back(c);
      continue;
    }
    if (i >= s.size()) return std::nullopt;
    const char e = s[i++];
    switch (e) {
      case '"':
      case '\\':
        v.push_back(e);
        break;
      case 'n':
        v.push_back('\n');
        break;
      case 'r':
        v.push_back('\r');
        break;
      case 't':
        v.push_back('\t');
        break;
      case 'u': {
        if (i + 4 > s.size()) return std::nullopt;
        std::uint32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
          const int h = hex_value(s[i++]);
          if (h < 0) return std::nullopt;
          cp = cp * 16 + static_cast<std::uint32_t>(h);
        }
        put_utf8(v, cp);
        break;
      }
      default:
        return std::nullopt;
    }
  }
}

// The pairs of a line (without its '\n'), in order; nullopt if it is not
// well-formed logfmt.
inline std::optional<logfmt_pairs> parse_logfmt(std::string_view line) {
  using namespace logfmt_detail;
  logfmt_pairs pairs;
  std::size_t i = 0;
  while (i < line.size()) {
    if (!pairs.empty()) {
      if (line[i] != ' ') return std::nullopt;
      ++i;
    }
    std::string key;
    while (i < line.size() && key_char(line[i])) key.push_back(line[i++]);
    if (key.empty() || i >= line.size() || line[i] != '=') return std::nullopt;
    ++i;
    auto value = parse_logfmt_value(line, i);
    if (!value) return std::nullopt;
    pairs.emplace_back(std::move(key), std::move(*value));
  }
  return pairs;
}

}  // namespace jot::test
