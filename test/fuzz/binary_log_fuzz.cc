// Fuzzes the binary log's reader: any bytes, fed in two pieces, must decode
// to records or clear errors, never crash, hang or read out of bounds, and
// every record must render through the text and JSON formatters.
//
// The first input byte says where the input is split in two; the rest is
// the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <jot/binary_log.h>
#include <jot/formatter.h>

namespace {

// A width or precision taken from an argument makes fmt allocate what the
// argument says, which a real writer's arguments decide: leave such
// formats out (":{" anywhere in the input).
bool has_dynamic_spec(std::string_view s) { return s.find(":{") != std::string_view::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (has_dynamic_spec(all)) return 0;
  const std::size_t split = all.size() * data[0] / 255;
  static auto text = jot::pattern_formatter();
  static auto json = jot::json_formatter();
  jot::binary_log_reader reader;
  std::string out;
  jot::record_view rec;
  auto drain = [&] {
    for (int guard = 0; guard < 1'000'000; ++guard) {
      const auto s = reader.next(rec);
      if (s == jot::binary_log_reader::status::record) {
        out.clear();
        text->format(rec, out);
        json->format(rec, out);
      } else if (s == jot::binary_log_reader::status::failed) {
        if (reader.error().rfind("offset ", 0) != 0) __builtin_trap();
        if (reader.fatal()) return;
      } else {
        return;
      }
    }
    __builtin_trap();  // next() must make progress
  };
  reader.feed(all.substr(0, split));
  drain();
  reader.feed(all.substr(split));
  reader.close_input();
  drain();
  static_cast<void>(reader.finish());
  return 0;
}
