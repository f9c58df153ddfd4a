// Fuzzes the JSON, logfmt and text formatters on records built from the
// input: message, names and fields of every value type, nested containers
// included, with any bytes in every string. Each output is one line; a JSON
// line parses as a JSON object; a logfmt line splits back into its
// standard keys and one pair per field.
//
// Input layout: [options byte][strings and value trees, read as needed]
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_record.h"
#include "jot/formatter.h"
#include "support/logfmt_parse.h"

namespace {

using jot::fuzz::build;
using jot::fuzz::reader;

std::size_t count_lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reader r(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::uint8_t options = r.byte();

  jot::record_view rec;
  rec.time_ns = static_cast<std::int64_t>(r.u64());
  rec.lvl = static_cast<jot::level>(r.byte() % 7);
  rec.logger_name = r.text();
  rec.message = r.text();
  rec.format = r.text();
  rec.file = r.text();
  rec.function = r.text();
  rec.line = r.byte();
  rec.thread_id = r.u64();
  rec.thread_name = r.text();

  // Up to 8 fields; the values are built first, as their vectors must not
  // move once fields point into them.
  const std::size_t n = r.byte() % 9;
  std::vector<std::string_view> keys;
  std::vector<std::vector<jot::value>> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Keys repeat and clash with standard names often.
    const std::uint8_t k = r.byte();
    keys.push_back(k % 4 == 0 ? std::string_view("level") : k % 4 == 1 ? "id" : r.text());
    build(r, values[i], 3);
  }
  std::vector<jot::field> fields;
  for (std::size_t i = 0; i < n; ++i) fields.push_back({keys[i], values[i].data(), {}});
  rec.fields = fields;

  // JSON, with one of three key sets.
  jot::json_options jo;
  if ((options & 3) == 1) jo.keys = jot::ecs_keys;
  if ((options & 3) == 2) jo.fields_key = "attributes";
  std::string json;
  jot::json_formatter(jo)->format(rec, json);
  if (json.empty() || json.back() != '\n' || count_lines(json) != 1) __builtin_trap();
  for (const char c : json) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') __builtin_trap();
  }
  try {
    if (!nlohmann::json::parse(json).is_object()) __builtin_trap();
  } catch (...) {
    __builtin_trap();  // not valid JSON, or not valid UTF-8
  }

  // logfmt: the standard pairs, then one per field.
  const jot::logfmt_options lo{(options & 4) != 0, (options & 8) != 0};
  std::string logfmt;
  jot::logfmt_formatter(lo)->format(rec, logfmt);
  if (logfmt.empty() || logfmt.back() != '\n' || count_lines(logfmt) != 1) __builtin_trap();
  const auto pairs = jot::test::parse_logfmt(std::string_view(logfmt).substr(0, logfmt.size() - 1));
  const std::size_t standard = 4 + (lo.with_thread ? 1 : 0) + (lo.with_source ? 1 : 0);
  if (!pairs || pairs->size() != standard + n) __builtin_trap();
  if ((*pairs)[3].first != "msg" || (*pairs)[3].second != rec.message) __builtin_trap();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& [key, text] = (*pairs)[standard + i];
    if (key.empty()) __builtin_trap();
    std::string expected;
    jot::append_value_text(expected, *fields[i].val);
    if (text != expected) __builtin_trap();
  }

  // The text pattern with {fields}: one line.
  std::string line;
  jot::pattern_formatter("{message}{fields}")->format(rec, line);
  if (count_lines(line) != 1 || line.back() != '\n') __builtin_trap();
  return 0;
}
