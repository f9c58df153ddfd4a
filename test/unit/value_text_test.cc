// append_value_text, append_value_json and append_json_string: each value
// type on its own.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "jot/formatter.h"
#include "support/values.h"

namespace {

using namespace jot::test;

std::string text(node n) {
  record_builder b;
  b.add("k", std::move(n));
  std::string out;
  jot::append_value_text(out, b.value(0));
  return out;
}

std::string json(node n) {
  record_builder b;
  b.add("k", std::move(n));
  std::string out;
  jot::append_value_json(out, b.value(0));
  return out;
}

// 2026-11-22T07:26:06.000000001Z
constexpr std::int64_t some_time = 1795332366LL * 1'000'000'000 + 1;

TEST(value_text, scalars) {
  EXPECT_EQ(text(null_v()), "none");
  EXPECT_EQ(text(bool_v(true)), "true");
  EXPECT_EQ(text(bool_v(false)), "false");
  EXPECT_EQ(text(int_v(-42)), "-42");
  EXPECT_EQ(text(int_v(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(text(uint_v(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(text(str_v("raw \"text\"\n")), "raw \"text\"\n") << "strings are not escaped here";
  EXPECT_EQ(text(duration_v(250'000'000, "250ms")), "250ms");
  EXPECT_EQ(text(time_v(some_time)), "2026-11-22T07:26:06.000000001Z");
}

TEST(value_text, floats_as_fmt_writes_them) {
  for (const double d : {9.5, 1.0, -0.0, 0.1, 1e20, 1e16, 5e-324, 1.7976931348623157e308,
                         0.30000000000000004, std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    EXPECT_EQ(text(float_v(d)), fmt::format("{}", d)) << d;
  }
  EXPECT_EQ(text(float_v(9.5)), "9.5");
  EXPECT_EQ(text(float_v(-HUGE_VAL)), "-inf");
}

TEST(value_text, times_before_the_epoch_and_at_the_ends_of_the_range) {
  EXPECT_EQ(text(time_v(0)), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(text(time_v(-1)), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(text(time_v(951782400LL * 1'000'000'000)), "2000-02-29T00:00:00.000000000Z");
  EXPECT_EQ(text(time_v(std::numeric_limits<std::int64_t>::max())),
            "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(text(time_v(std::numeric_limits<std::int64_t>::min())),
            "1677-09-21T00:12:43.145224192Z");
}

TEST(value_text, containers_as_fmt_ranges_write_them) {
  EXPECT_EQ(text(array_v({int_v(1), int_v(2)})), "[1, 2]");
  EXPECT_EQ(text(array_v({})), "[]");
  EXPECT_EQ(text(array_v({array_v({int_v(1)}), array_v({})})), "[[1], []]");
  EXPECT_EQ(text(object_v({{str_v("k"), int_v(1)}, {str_v("b"), float_v(2.5)}})),
            "{\"k\": 1, \"b\": 2.5}");
  EXPECT_EQ(text(object_v({{int_v(1), str_v("x")}})), "{1: \"x\"}");
  EXPECT_EQ(text(array_v({null_v(), bool_v(true), duration_v(1, "1ns"), time_v(0)})),
            "[none, true, 1ns, 1970-01-01T00:00:00.000000000Z]");
  // Converted text (a char, a pointer, a user type) is not quoted.
  EXPECT_EQ(text(array_v({str_v("x", true), str_v("0x1234", true)})), "[x, 0x1234]");
}

TEST(value_text, strings_in_containers_are_escaped_as_fmt_escapes_them) {
  const std::vector<std::string> strings = {
      "a",
      "say \"hi\"",
      "back\\slash",
      "nl\n cr\r tab\t",
      "\x01\x1f\x7f",
      "\xff",
      "\xc2\x85",
      "\xc2\x9b",
      "caf\xc3\xa9",
      "\xe2\x80\xa8",
      "\xf0\x9f\x98\x80",
      std::string("nul\0", 4),
      "it's",
      "\xe2\x82",
      "",
  };
  std::vector<node> nodes;
  for (const auto& s : strings) nodes.push_back(str_v(s));
  EXPECT_EQ(text(array_v(nodes)), fmt::format("{}", strings));
  std::map<std::string, int> m{{"a\"b", 1}, {"c\nd", 2}};
  EXPECT_EQ(text(object_v({{str_v("a\"b"), int_v(1)}, {str_v("c\nd"), int_v(2)}})),
            fmt::format("{}", m));
}

TEST(value_json, scalars) {
  EXPECT_EQ(json(null_v()), "null");
  EXPECT_EQ(json(bool_v(true)), "true");
  EXPECT_EQ(json(int_v(-42)), "-42");
  EXPECT_EQ(json(uint_v(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(json(str_v("a\"b\n")), "\"a\\\"b\\n\"");
  EXPECT_EQ(json(duration_v(250'000'000, "250ms")), "\"250ms\"");
  EXPECT_EQ(json(time_v(some_time)), "\"2026-11-22T07:26:06.000000001Z\"");
}

TEST(value_json, floats_stay_floats) {
  EXPECT_EQ(json(float_v(9.5)), "9.5");
  EXPECT_EQ(json(float_v(1.0)), "1.0");
  EXPECT_EQ(json(float_v(-0.0)), "-0.0");
  EXPECT_EQ(json(float_v(1e20)), "1e+20");
  EXPECT_EQ(json(float_v(std::nan(""))), "\"NaN\"");
  EXPECT_EQ(json(float_v(HUGE_VAL)), "\"Infinity\"");
  EXPECT_EQ(json(float_v(-HUGE_VAL)), "\"-Infinity\"");
  for (const double d : {9.5, 1.0, 1e20, 5e-324, 0.1, -123456.789, 1.7976931348623157e308}) {
    const auto j = nlohmann::json::parse(json(float_v(d)));
    EXPECT_TRUE(j.is_number_float()) << d;
    EXPECT_EQ(j.get<double>(), d);
  }
}

TEST(value_json, containers) {
  EXPECT_EQ(json(array_v({int_v(1), str_v("a"), array_v({})})), "[1,\"a\",[]]");
  EXPECT_EQ(json(object_v({{str_v("k"), int_v(1)}, {int_v(2), bool_v(false)}})),
            "{\"k\":1,\"2\":false}");
  // A key that is not a string is written as its text, quoted as JSON.
  EXPECT_EQ(json(object_v({{array_v({str_v("a"), int_v(1)}), null_v()}})),
            "{\"[\\\"a\\\", 1]\":null}");
  EXPECT_EQ(json(object_v({})), "{}");
}

TEST(value_json, json_string) {
  std::string out;
  jot::append_json_string(out, "a\xff\n");
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD\\n\"");
}

}  // namespace
