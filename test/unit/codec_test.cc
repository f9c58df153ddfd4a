// Every argument type survives encoding on the caller and decoding on the
// writer, and renders exactly as fmt renders the original value.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "backend/decoder.h"
#include "jot/setup.h"

namespace {

using jot::detail::record_decoder;

template <class... Args>
std::string round_trip(const jot::detail::call_site& site, const Args&... args) {
  std::size_t lens[sizeof...(Args) + 1];
  const std::size_t n = jot::detail::args_size(lens, args...);
  std::vector<std::byte> buf(n + 1);
  const std::byte* end = jot::detail::encode_args(buf.data(), lens, args...);
  EXPECT_EQ(static_cast<std::size_t>(end - buf.data()), n);
  // Twice through one decoder: the second time the call site's parsed
  // format comes from the cache.
  record_decoder decoder;
  fmt::memory_buffer first;
  fmt::memory_buffer second;
  const std::span<const std::byte> bytes(buf.data(), n);
  EXPECT_TRUE(decoder.decode(site, {}, {}, bytes, first));
  EXPECT_TRUE(decoder.decode(site, {}, {}, bytes, second));
  EXPECT_EQ(fmt::to_string(first), fmt::to_string(second));
  return fmt::to_string(first);
}

#define SITE_FOR(name, fmt_str, ...) \
  JOT_DETAIL_SITE_(name, ::jot::level::info, fmt_str __VA_OPT__(, ) __VA_ARGS__)

#define EXPECT_ROUND_TRIP(fmt_str, ...)                                           \
  do {                                                                            \
    SITE_FOR(site_, fmt_str, __VA_ARGS__);                                        \
    EXPECT_EQ(round_trip(site_, __VA_ARGS__), fmt::format(fmt_str, __VA_ARGS__)); \
  } while (false)

enum plain_enum { plain_a = 3, plain_b = -7 };
enum class scoped_enum : std::uint8_t { x = 200 };
enum class wide_enum : std::int64_t { big = std::numeric_limits<std::int64_t>::min() };

TEST(codec, integers_at_their_limits) {
  EXPECT_ROUND_TRIP("{} {}", std::numeric_limits<signed char>::min(),
                    std::numeric_limits<signed char>::max());
  EXPECT_ROUND_TRIP("{} {}", std::numeric_limits<unsigned char>::min(),
                    std::numeric_limits<unsigned char>::max());
  EXPECT_ROUND_TRIP("{} {}", std::numeric_limits<short>::min(), std::numeric_limits<short>::max());
  EXPECT_ROUND_TRIP("{}", std::numeric_limits<unsigned short>::max());
  EXPECT_ROUND_TRIP("{} {}", std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  EXPECT_ROUND_TRIP("{}", std::numeric_limits<unsigned>::max());
  EXPECT_ROUND_TRIP("{} {}", std::numeric_limits<long>::min(), std::numeric_limits<long>::max());
  EXPECT_ROUND_TRIP("{}", std::numeric_limits<unsigned long>::max());
  EXPECT_ROUND_TRIP("{} {}", std::numeric_limits<long long>::min(),
                    std::numeric_limits<long long>::max());
  EXPECT_ROUND_TRIP("{}", std::numeric_limits<unsigned long long>::max());
  EXPECT_ROUND_TRIP("{:#x} {:08b} {:+d}", 255, 5u, 42L);
}

TEST(codec, floating_point_keeps_its_own_width) {
  // A float must print as a float (0.1), not as the double it widens to.
  EXPECT_ROUND_TRIP("{}", 0.1f);
  EXPECT_ROUND_TRIP("{} {}", 0.1, -2.5e-300);
  EXPECT_ROUND_TRIP("{}", 1.0L / 3.0L);
  EXPECT_ROUND_TRIP("{:.3f} {:e}", 3.14159, 6.02e23f);
  EXPECT_ROUND_TRIP("{} {} {}", std::numeric_limits<double>::infinity(),
                    -std::numeric_limits<float>::infinity(),
                    std::numeric_limits<double>::quiet_NaN());
}

TEST(codec, plain_and_general_formats_agree_with_fmt) {
  // Plain: text and {} only. General: anything else goes through fmt.
  EXPECT_ROUND_TRIP("a{}b{}c{{}}d}}{}", 1, std::string("s"), 2.5);
  EXPECT_ROUND_TRIP("{0} {0} {1}", 7, 8);
  EXPECT_ROUND_TRIP("{:>{}}", 42, 6);
  EXPECT_ROUND_TRIP("{} only the first", 1, 2);
}

TEST(codec, bool_char_pointer) {
  EXPECT_ROUND_TRIP("{} {}", true, false);
  EXPECT_ROUND_TRIP("{}{}{}", 'a', '\0', '~');
  int x = 0;
  const void* p = &x;
  void* q = nullptr;
  EXPECT_ROUND_TRIP("{} {}", p, q);
  EXPECT_ROUND_TRIP("{}", nullptr);
}

TEST(codec, enums_print_their_underlying_value) {
  SITE_FOR(s0, "{} {}", plain_a, plain_b);
  EXPECT_EQ(round_trip(s0, plain_a, plain_b), "3 -7");
  SITE_FOR(s1, "{}", scoped_enum::x);
  EXPECT_EQ(round_trip(s1, scoped_enum::x), "200");
  SITE_FOR(s2, "{}", wide_enum::big);
  EXPECT_EQ(round_trip(s2, wide_enum::big), "-9223372036854775808");
}

TEST(codec, strings_of_every_kind) {
  const char* c = "c string";
  char buf[16] = "array";
  const std::string s = "std::string";
  const std::string_view sv = "view";
  EXPECT_ROUND_TRIP("{} {} {} {} {}", c, buf, s, sv, "literal");
  EXPECT_ROUND_TRIP("[{}] [{:>6}] [{:.2}]", std::string(), std::string("ab"), std::string("xyz"));
  const std::string with_nul("a\0b", 3);
  EXPECT_ROUND_TRIP("{}", with_nul);
  const std::string big(100'000, 'q');
  EXPECT_ROUND_TRIP("{}", big);
}

TEST(codec, strings_of_every_short_length) {
  // Lengths 0 to 40 take every branch of the inline copy.
  std::string all;
  for (int i = 0; i < 40; ++i) all.push_back(static_cast<char>('A' + i));
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::string s = all.substr(0, n);
    const std::string_view v = s;
    SITE_FOR(site, "[{}|{}]", s, v);
    EXPECT_EQ(round_trip(site, s, v), "[" + s + "|" + s + "]") << "length " << n;
  }
}

TEST(codec, null_c_string_prints_null) {
  const char* null_str = nullptr;
  SITE_FOR(site, "name={} next={}", null_str, 1);
  EXPECT_EQ(round_trip(site, null_str, 1), "name=(null) next=1");
}

struct point {
  int x, y;
};

}  // namespace

template <>
struct fmt::formatter<point> : fmt::formatter<std::string_view> {
  auto format(const point& p, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "({}, {})", p.x, p.y);
  }
};

namespace {

TEST(codec, user_types_are_formatted_on_the_caller) {
  const point p{1, 2};
  SITE_FOR(site, "at {}", p);
  EXPECT_EQ(site.arg_count, 1);
  EXPECT_EQ(site.types[0].tag, jot::detail::arg_type::text);
}

TEST(codec, truncated_bytes_never_crash_and_say_so) {
  SITE_FOR(site, "{} {}", 1, std::string("abc"));
  std::size_t lens[3];
  const std::string s = "abc";
  const std::size_t n = jot::detail::args_size(lens, 1, s);
  std::vector<std::byte> buf(n);
  jot::detail::encode_args(buf.data(), lens, 1, s);
  record_decoder decoder;
  for (std::size_t cut = 0; cut < n; ++cut) {
    fmt::memory_buffer out;
    EXPECT_FALSE(decoder.decode(site, {}, {}, {buf.data(), cut}, out));
    EXPECT_EQ(fmt::to_string(out), "{} {} [jot: record bytes do not match the call site]");
  }
}

TEST(codec, encoded_sizes_are_compact) {
  std::size_t lens[4];
  EXPECT_EQ(jot::detail::args_size(lens, 1, 2.0, "abc"), 4u + 8u + 4u + 3u);
  EXPECT_EQ(lens[2], 3u);
  EXPECT_EQ(jot::detail::args_size(lens, true, 'x', static_cast<short>(1)), 1u + 1u + 4u);
}

}  // namespace
