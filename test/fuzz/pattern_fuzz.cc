// Fuzzes the pattern parser and formatter: any pattern is either refused
// with config_error or renders a record without letting the record's text
// add a line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "jot/formatter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  // The first half is the pattern; the second feeds the record's text.
  const std::string_view pattern = in.substr(0, size / 2);
  const std::string_view text = in.substr(size / 2);
  std::shared_ptr<jot::formatter> f;
  try {
    f = jot::pattern_formatter(pattern,
                               (size & 1) != 0 ? jot::time_zone::local : jot::time_zone::utc);
  } catch (const jot::config_error&) {
    return 0;
  }
  // The same record twice: with harmless text, and with the fuzzer's text
  // in every field a user controls (message, logger and thread names). File
  // and function come from the compiler. Escaping must keep the line count
  // equal: no input adds a line.
  auto render = [&](std::string_view field) {
    jot::record_view r;
    r.time_ns = static_cast<std::int64_t>(size) * 1'000'000'007LL - 5'000'000'000LL;
    r.lvl = static_cast<jot::level>(size % 7);
    r.logger_name = field;
    r.message = field;
    r.format = "fmt";
    r.file = "dir/file.cc";
    r.function = "fn";
    r.line = static_cast<std::uint32_t>(size);
    r.thread_id = size;
    r.thread_name = field;
    std::string out;
    f->format(r, out);
    return out;
  };
  const std::string plain = render("x");
  const std::string hostile = render(text);
  if (hostile.empty() || hostile.back() != '\n') __builtin_trap();
  if (std::count(plain.begin(), plain.end(), '\n') !=
      std::count(hostile.begin(), hostile.end(), '\n')) {
    __builtin_trap();
  }
  return 0;
}
