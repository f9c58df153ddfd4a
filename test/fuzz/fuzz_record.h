// Records built from fuzz input, for the formatter and encoder fuzzers:
// a reader of the input and a builder of value trees.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "jot/record.h"

namespace jot::fuzz {

// Reads the input front to back; past the end, zeros.
class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  std::uint8_t byte() { return pos_ < in_.size() ? static_cast<std::uint8_t>(in_[pos_++]) : 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | byte();
    return v;
  }
  // Up to 40 bytes of the input, as they are.
  std::string_view text() {
    const std::size_t n = std::min<std::size_t>(byte() % 41, in_.size() - pos_);
    const std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

// Appends one value and its subtree (at most `depth` levels of containers).
inline void build(reader& r, std::vector<jot::value>& out, int depth) {
  const std::size_t at = out.size();
  jot::value v;
  v.type = static_cast<jot::value_type>(r.byte() % 10);
  if ((v.type == jot::value_type::array || v.type == jot::value_type::object) && depth == 0) {
    v.type = jot::value_type::string;
  }
  switch (v.type) {
    case jot::value_type::boolean:
      v.boolean = (r.byte() & 1) != 0;
      break;
    case jot::value_type::uint64:
      v.uint64 = r.u64();
      break;
    case jot::value_type::float64: {
      const std::uint64_t bits = r.u64();
      std::memcpy(&v.float64, &bits, sizeof bits);
      break;
    }
    case jot::value_type::string:
      v.converted = (r.byte() & 1) != 0;
      v.text = r.text();
      break;
    case jot::value_type::duration:
      v.int64 = static_cast<std::int64_t>(r.u64());
      v.text = r.text();
      break;
    case jot::value_type::int64:
    case jot::value_type::time:
      v.int64 = static_cast<std::int64_t>(r.u64());
      break;
    default:
      break;
  }
  out.push_back(v);
  if (v.type == jot::value_type::array || v.type == jot::value_type::object) {
    const std::uint32_t count = r.byte() % 4;
    out[at].count = count;
    const std::uint32_t children = v.type == jot::value_type::object ? 2 * count : count;
    for (std::uint32_t i = 0; i < children; ++i) build(r, out, depth - 1);
  }
  out[at].span = static_cast<std::uint32_t>(out.size() - at);
}

}  // namespace jot::fuzz
