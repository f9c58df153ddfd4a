// What the text pattern formatter writes for each token.
#include <string>

#include <gtest/gtest.h>

#include "jot/formatter.h"
#include "support/values.h"

namespace {

jot::record_view sample() {
  jot::record_view r;
  // 2026-11-22 07:26:06.012345678 UTC
  r.time_ns = 1795332366LL * 1'000'000'000 + 12'345'678;
  r.lvl = jot::level::warn;
  r.logger_name = "orders";
  r.message = "paid";
  r.format = "paid";
  r.file = "/src/app/main.cc";
  r.function = "run";
  r.line = 42;
  r.thread_id = 1234;
  r.thread_name = "worker-1";
  return r;
}

std::string render(std::string_view pattern, const jot::record_view& r = sample()) {
  std::string out;
  jot::pattern_formatter(pattern)->format(r, out);
  return out;
}

TEST(pattern, default_pattern) {
  EXPECT_EQ(render(jot::default_pattern),
            "2026-11-22 07:26:06.012345678 WARN  [1234] orders: paid (main.cc:42)\n");
}

TEST(pattern, every_token) {
  EXPECT_EQ(render("{iso8601}"), "2026-11-22T07:26:06.012345678Z\n");
  EXPECT_EQ(render("{date}|{time}"), "2026-11-22|07:26:06.012345678\n");
  EXPECT_EQ(render("{epoch_ns}"), "1795332366012345678\n");
  EXPECT_EQ(render("{level} {level_lower}"), "WARN warn\n");
  EXPECT_EQ(render("{logger}|{thread_id}|{thread_name}"), "orders|1234|worker-1\n");
  EXPECT_EQ(render("{file}|{path}|{line}|{source}|{function}"),
            "main.cc|/src/app/main.cc|42|main.cc:42|run\n");
  EXPECT_EQ(render("{message}"), "paid\n");
}

TEST(pattern, width_and_alignment) {
  EXPECT_EQ(render("[{level:<7}]"), "[WARN   ]\n");
  EXPECT_EQ(render("[{level:>7}]"), "[   WARN]\n");
  EXPECT_EQ(render("[{line:5}]"), "[42   ]\n");
  EXPECT_EQ(render("[{logger:2}]"), "[orders]\n") << "a width never truncates";
}

TEST(pattern, literal_braces) { EXPECT_EQ(render("{{{message}}}"), "{paid}\n"); }

TEST(pattern, times_before_the_second_and_epoch) {
  jot::record_view r = sample();
  r.time_ns = 999'999'999;
  EXPECT_EQ(render("{timestamp}", r), "1970-01-01 00:00:00.999999999\n");
  r.time_ns = -1;
  EXPECT_EQ(render("{timestamp}", r), "1969-12-31 23:59:59.999999999\n");
}

TEST(pattern, the_message_cannot_forge_a_line) {
  jot::record_view r = sample();
  r.message = "ok\n2026-11-22 00:00:00.000000000 INFO  [1] admin: granted";
  const std::string out = render("{level} {message}", r);
  EXPECT_EQ(out, "WARN ok\\n2026-11-22 00:00:00.000000000 INFO  [1] admin: granted\n");
}

TEST(pattern, fields_follow_the_message_as_logfmt_pairs) {
  jot::test::record_builder b(sample());
  b.add("id", jot::test::int_v(17)).add("amount", jot::test::float_v(9.5));
  jot::record_view r = b.view();
  r.message = "order 17 paid 9.50";
  EXPECT_EQ(render("{message}{fields}", r), "order 17 paid 9.50 id=17 amount=9.5\n");
  EXPECT_EQ(render(jot::default_pattern, r),
            "2026-11-22 07:26:06.012345678 WARN  [1234] orders: order 17 paid 9.50 id=17 "
            "amount=9.5 (main.cc:42)\n");
  EXPECT_EQ(render("{message}{fields}"), "paid\n") << "nothing when there are no fields";
  EXPECT_EQ(render("[{fields:>8}]", r), "[ id=17 amount=9.5]\n");
}

TEST(pattern, field_values_cannot_forge_a_line) {
  jot::test::record_builder b(sample());
  b.add("note", jot::test::str_v("ok\n2026-11-22 00:00:00.000000000 INFO  [1] admin: granted"))
      .add("bad key\n", jot::test::str_v(""))
      .add("list", jot::test::array_v({jot::test::str_v("a b"), jot::test::str_v("c\rd")}));
  EXPECT_EQ(render("{fields}", b.view()),
            " note=\"ok\\n2026-11-22 00:00:00.000000000 INFO  [1] admin: granted\""
            " bad_key_=\"\" list=\"[\\\"a b\\\", \\\"c\\\\rd\\\"]\"\n");
}

TEST(pattern, errors_are_reported_at_setup) {
  EXPECT_THROW(jot::pattern_formatter("{nope}"), jot::config_error);
  EXPECT_THROW(jot::pattern_formatter("{message"), jot::config_error);
  EXPECT_THROW(jot::pattern_formatter("message}"), jot::config_error);
  EXPECT_THROW(jot::pattern_formatter("{level:x}"), jot::config_error);
  EXPECT_THROW(jot::pattern_formatter("{level:<}"), jot::config_error);
  EXPECT_NO_THROW(jot::pattern_formatter("no tokens at all"));
}

}  // namespace
