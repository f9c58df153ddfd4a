// Fuzzes the record decoder: argument bytes that do not match their call
// site, truncated or garbage, and format strings fmt may reject, must never
// crash, hang or read out of bounds; the renderer always produces text.
//
// Input layout: [n][n type tags][format length][format][argument bytes...]
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "backend/decoder.h"

namespace {

constexpr auto tag_count = static_cast<std::uint8_t>(jot::detail::arg_type::custom) + 1;

// Widths and precisions make fmt allocate as much as they say, which is the
// caller's business (real formats are checked at compile time): skip
// formats with a number of five digits or more, or a nested field
// (a width taken from an argument).
bool asks_for_huge_output(std::string_view f) {
  int depth = 0;
  int digits = 0;
  for (const char c : f) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits >= 5) return true;
    if (c == '{') {
      if (++depth > 1) return true;
    } else if (c == '}' && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t pos = 0;
  auto take = [&](std::size_t n) -> const std::uint8_t* {
    if (size - pos < n) return nullptr;
    const std::uint8_t* p = data + pos;
    pos += n;
    return p;
  };
  const std::uint8_t* count = take(1);
  if (count == nullptr) return 0;
  const std::uint8_t n = *count % 16;
  std::vector<jot::detail::arg_type> types;
  for (std::uint8_t i = 0; i < n; ++i) {
    const std::uint8_t* t = take(1);
    if (t == nullptr) return 0;
    types.push_back(static_cast<jot::detail::arg_type>(*t % tag_count));
  }
  types.push_back(jot::detail::arg_type::custom);
  const std::uint8_t* flen = take(1);
  if (flen == nullptr) return 0;
  const std::uint8_t* fmt_bytes = take(*flen);
  if (fmt_bytes == nullptr) return 0;
  const std::string_view format(reinterpret_cast<const char*>(fmt_bytes), *flen);
  if (asks_for_huge_output(format)) return 0;

  const jot::detail::call_site site{
      jot::level::info,
      (*count & 0x80) != 0,  // eager: the message was formatted on the caller
      n,
      1,
      format,
      "fuzz.cc",
      "fuzz",
      types.data()};
  // The arguments get a buffer of their own, so reads past it are caught.
  const std::vector<std::byte> args(reinterpret_cast<const std::byte*>(data + pos),
                                    reinterpret_cast<const std::byte*>(data + size));
  // A fresh renderer: it caches by call-site address, and real call sites
  // never change.
  jot::detail::message_renderer renderer;
  fmt::memory_buffer out;
  const bool ok = renderer.render(site, args.data(), args.data() + args.size(), out);
  if (!ok && out.size() < site.format.size()) __builtin_trap();  // the fallback keeps the format
  return 0;
}
