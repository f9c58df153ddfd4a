#include "format/journal_encoder.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "format/syslog_encoder.h"
#include "format/value_text.h"
#include "jot/formatter.h"

namespace jot::detail {

namespace {

constexpr std::size_t max_name = 64;

// The names an entry writes itself; a field of the record named so moves
// to F_<name>.
constexpr std::array<std::string_view, 9> own_names = {
    "MESSAGE",   "PRIORITY", "SYSLOG_IDENTIFIER", "LOGGER", "CODE_FILE", "CODE_LINE",
    "CODE_FUNC", "TID",      "THREAD_NAME"};

char name_char(char c) noexcept {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return c;
  return '_';
}

}  // namespace

void append_journal_name(std::string& out, std::string_view key) {
  const std::size_t start = out.size();
  const bool prefix = key.empty() || name_char(key[0]) == '_' || (key[0] >= '0' && key[0] <= '9');
  if (prefix) out.append("F_");
  const std::size_t n = std::min(key.size(), max_name - (out.size() - start));
  for (std::size_t i = 0; i < n; ++i) out.push_back(name_char(key[i]));
  const std::string_view name(out.data() + start, out.size() - start);
  if (!prefix && std::find(own_names.begin(), own_names.end(), name) != own_names.end()) {
    out.insert(start, "F_");
  }
}

void append_journal_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  if (value.find('\n') == std::string_view::npos) {
    out.push_back('=');
    out.append(value);
    out.push_back('\n');
    return;
  }
  out.push_back('\n');
  auto len = static_cast<std::uint64_t>(value.size());
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>(len & 0xFF));
    len >>= 8;
  }
  out.append(value);
  out.push_back('\n');
}

void encode_journal(std::string& out, const record_view& r, std::string_view identifier) {
  std::string num;
  append_journal_field(out, "MESSAGE", r.message);
  num.clear();
  append_integer(num, syslog_severity(r.lvl));
  append_journal_field(out, "PRIORITY", num);
  if (!identifier.empty()) append_journal_field(out, "SYSLOG_IDENTIFIER", identifier);
  if (!r.logger_name.empty()) append_journal_field(out, "LOGGER", r.logger_name);
  if (!r.file.empty()) append_journal_field(out, "CODE_FILE", r.file);
  if (r.line != 0) {
    num.clear();
    append_integer(num, r.line);
    append_journal_field(out, "CODE_LINE", num);
  }
  if (!r.function.empty()) append_journal_field(out, "CODE_FUNC", r.function);
  num.clear();
  append_integer(num, r.thread_id);
  append_journal_field(out, "TID", num);
  if (!r.thread_name.empty()) append_journal_field(out, "THREAD_NAME", r.thread_name);
  std::string name;
  std::string text;
  for (const field& f : r.fields) {
    name.clear();
    append_journal_name(name, f.key);
    text.clear();
    append_value_text(text, *f.val);
    append_journal_field(out, name, text);
  }
}

}  // namespace jot::detail
