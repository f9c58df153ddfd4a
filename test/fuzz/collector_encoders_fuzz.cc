// Fuzzes the collector encoders on records built from the input, any bytes
// in every string. RFC 5424: the message is valid UTF-8, at most the size
// limit, parses back by the RFC's grammar (header fields printable ASCII,
// SD-NAMEs valid, escapes undone), and unless shortened gives back every
// field value and the message (as valid UTF-8). RFC 3164: within the
// limit, valid UTF-8, one line. Journal: the entry parses back into valid
// names and exactly the values, in order.
//
// Input layout: [options byte][limit byte][strings and value trees...]
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/journal_encoder.h"
#include "format/syslog_encoder.h"
#include "format/utf8.h"
#include "fuzz_record.h"
#include "jot/formatter.h"

namespace {

using jot::fuzz::build;
using jot::fuzz::reader;

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    std::size_t bad = 0;
    const std::size_t len = jot::detail::utf8_sequence(p, i, s.size(), bad);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool printable(unsigned char c) { return c >= 33 && c <= 126; }

// Parses an RFC 5424 message; traps where it breaks the grammar. Returns
// the SD params (id, name, value) and the message after the BOM.
struct parsed {
  std::vector<std::pair<std::string, std::string>> params;  // (name, value), any element
  std::string msg;
  bool has_msg = false;
};

parsed parse_5424(std::string_view s) {
  parsed out;
  std::size_t i = 0;
  auto need = [&](bool ok) {
    if (!ok) __builtin_trap();
  };
  need(i < s.size() && s[i] == '<');
  ++i;
  while (i < s.size() && s[i] != '>') need(s[i++] >= '0' && s[i - 1] <= '9');
  need(i < s.size());
  ++i;
  need(s.substr(i, 2) == "1 ");
  i += 2;
  for (int field = 0; field < 5; ++field) {  // timestamp, host, app, procid, msgid
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') need(printable(static_cast<unsigned char>(s[i++])));
    need(i > start && i < s.size());
    ++i;
  }
  need(i < s.size());
  if (s[i] == '-') {
    ++i;
  } else {
    need(s[i] == '[');
    while (i < s.size() && s[i] == '[') {
      ++i;
      const std::size_t id_start = i;
      while (i < s.size() && s[i] != ' ' && s[i] != ']') {
        const auto c = static_cast<unsigned char>(s[i++]);
        need(printable(c) && c != '=' && c != '"');
      }
      need(i - id_start >= 1 && i - id_start <= 32 && i < s.size());
      while (s[i] == ' ') {
        ++i;
        const std::size_t name_start = i;
        while (i < s.size() && s[i] != '=') {
          const auto c = static_cast<unsigned char>(s[i++]);
          need(printable(c) && c != ']' && c != '"');
        }
        need(i - name_start >= 1 && i - name_start <= 32 && s.substr(i, 2) == "=\"");
        std::string name(s.substr(name_start, i - name_start));
        i += 2;
        std::string value;
        for (;;) {
          need(i < s.size());
          if (s[i] == '\\' && i + 1 < s.size() &&
              (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == ']')) {
            value.push_back(s[i + 1]);
            i += 2;
            continue;
          }
          need(s[i] != ']');  // unescaped ']' in a value
          if (s[i] == '"') break;
          value.push_back(s[i++]);
        }
        ++i;
        need(i < s.size());
        out.params.emplace_back(std::move(name), std::move(value));
      }
      need(s[i] == ']');
      ++i;
    }
  }
  if (i == s.size()) return out;
  need(s.substr(i, 4) == " \xEF\xBB\xBF");
  out.has_msg = true;
  out.msg = std::string(s.substr(i + 4));
  return out;
}

std::string valid(std::string_view s) {
  std::string out;
  jot::detail::append_valid_utf8(out, s);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reader r(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::uint8_t options = r.byte();
  const std::size_t limit = jot::detail::min_syslog_bytes + std::size_t{r.byte()} * 8;

  jot::record_view rec;
  rec.time_ns = static_cast<std::int64_t>(r.u64());
  rec.lvl = static_cast<jot::level>(r.byte() % 7);
  rec.logger_name = r.text();
  // A message long enough to be shortened, now and then.
  std::string message(r.text());
  for (std::uint8_t k = r.byte() % 64; k > 0 && !message.empty(); --k)
    message += message.substr(0, 40);
  rec.message = message;
  rec.file = r.text();
  rec.function = r.text();
  rec.line = r.byte();
  rec.thread_id = r.u64();
  rec.thread_name = r.text();
  const std::size_t n = r.byte() % 9;
  std::vector<std::string_view> keys;
  std::vector<std::vector<jot::value>> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t k = r.byte();
    keys.push_back(k % 4 == 0 ? std::string_view("trace_id") : k % 4 == 1 ? "message" : r.text());
    build(r, values[i], 3);
  }
  std::vector<jot::field> fields;
  for (std::size_t i = 0; i < n; ++i) fields.push_back({keys[i], values[i].data(), {}});
  rec.fields = fields;

  jot::detail::syslog_encoding e;
  e.hostname = r.text();
  e.app_name = r.text();
  e.sd_id = (options & 2) != 0 ? r.text() : std::string_view("jot@32473");
  e.facility = options >> 3;
  e.max_bytes = limit;

  // RFC 5424.
  std::string out;
  const bool shortened = jot::detail::encode_syslog(out, rec, e, 4242);
  if (out.size() > limit || !valid_utf8(out)) __builtin_trap();
  const parsed p = parse_5424(out);
  if (!shortened) {
    if (p.params.size() != n) __builtin_trap();
    // The fields in the order written: the user's element, then trace ones.
    std::vector<std::string> expected;
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < n; ++i) {
        const bool trace =
            keys[i] == "trace_id" || keys[i] == "span_id" || keys[i] == "trace_flags";
        if (trace != (pass == 1)) continue;
        std::string text;
        jot::append_value_text(text, values[i][0]);
        expected.push_back(valid(text));
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (p.params[i].second != expected[i]) __builtin_trap();
    }
    if (p.has_msg != !message.empty() || (p.has_msg && p.msg != valid(message))) __builtin_trap();
  } else if (p.has_msg && !p.msg.ends_with(jot::detail::syslog_cut_marker)) {
    __builtin_trap();
  }

  // RFC 3164.
  e.style = jot::detail::syslog_style::rfc3164;
  out.clear();
  jot::detail::encode_syslog(out, rec, e, 4242);
  if (out.size() > limit || !valid_utf8(out) || out.find('\n') != std::string::npos)
    __builtin_trap();

  // Journal: parse the entry back.
  out.clear();
  jot::detail::encode_journal(out, rec, e.app_name);
  std::vector<std::pair<std::string, std::string>> entry;
  for (std::size_t i = 0; i < out.size();) {
    std::size_t j = i;
    while (j < out.size() && out[j] != '=' && out[j] != '\n') ++j;
    if (j == out.size() || j == i || j - i > 64) __builtin_trap();
    std::string name = out.substr(i, j - i);
    if (name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) __builtin_trap();
    for (const char c : name) {
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) __builtin_trap();
    }
    if (out[j] == '=') {
      const std::size_t nl = out.find('\n', j);
      if (nl == std::string::npos) __builtin_trap();
      entry.emplace_back(std::move(name), out.substr(j + 1, nl - j - 1));
      i = nl + 1;
    } else {
      if (j + 9 > out.size()) __builtin_trap();
      std::uint64_t len = 0;
      for (int b = 7; b >= 0; --b)
        len = len << 8 | static_cast<unsigned char>(out[j + 1 + static_cast<std::size_t>(b)]);
      if (j + 9 + len + 1 > out.size() || out[j + 9 + len] != '\n') __builtin_trap();
      entry.emplace_back(std::move(name), out.substr(j + 9, len));
      i = j + 9 + len + 1;
    }
  }
  if (entry.empty() || entry[0].first != "MESSAGE" || entry[0].second != message) __builtin_trap();
  if (entry.size() < n) __builtin_trap();
  for (std::size_t i = 0; i < n; ++i) {
    std::string text;
    jot::append_value_text(text, values[i][0]);
    if (entry[entry.size() - n + i].second != text) __builtin_trap();
  }
  return 0;
}
