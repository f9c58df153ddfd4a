// The logfmt formatter: every line splits back, with a strict logfmt
// reader, into exactly the fields that were logged; no value can add a
// line.
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "format/logfmt_escape.h"
#include "jot/formatter.h"
#include "support/logfmt_parse.h"
#include "support/values.h"

namespace {

using namespace jot::test;

jot::record_view base() {
  jot::record_view r;
  r.time_ns = 1795332366LL * 1'000'000'000 + 123'456'789;
  r.lvl = jot::level::info;
  r.logger_name = "orders";
  r.message = "order 17 paid 9.50";
  r.format = "order {id} paid {amount:.2f}";
  r.file = "/src/app/orders.cc";
  r.function = "pay";
  r.line = 12;
  r.thread_id = 4242;
  return r;
}

std::string render(const jot::record_view& r, jot::logfmt_options o = {}) {
  std::string out;
  jot::logfmt_formatter(o)->format(r, out);
  return out;
}

logfmt_pairs split(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record: " << line;
  auto pairs = parse_logfmt(std::string_view(line).substr(0, line.size() - 1));
  EXPECT_TRUE(pairs.has_value()) << "not logfmt: " << line;
  return pairs.value_or(logfmt_pairs{});
}

std::string value(std::string_view s) {
  std::string out;
  jot::detail::append_logfmt_value(out, s);
  return out;
}

std::string key(std::string_view s) {
  std::string out;
  jot::detail::append_logfmt_key(out, s);
  return out;
}

TEST(logfmt, the_documented_example) {
  record_builder b(base());
  b.add("id", int_v(17)).add("amount", float_v(9.5));
  EXPECT_EQ(render(b.view()),
            "time=2026-11-22T07:26:06.123456789Z level=info logger=orders "
            "msg=\"order 17 paid 9.50\" id=17 amount=9.5\n");
  EXPECT_EQ(render(b.view(), {true, true}),
            "time=2026-11-22T07:26:06.123456789Z level=info logger=orders "
            "msg=\"order 17 paid 9.50\" thread_id=4242 source=orders.cc:12 id=17 amount=9.5\n");
}

TEST(logfmt, values_are_bare_or_quoted) {
  EXPECT_EQ(value("plain"), "plain");
  EXPECT_EQ(value("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(value(""), "\"\"");
  EXPECT_EQ(value("two words"), "\"two words\"");
  EXPECT_EQ(value("a=b"), "\"a=b\"");
  EXPECT_EQ(value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(value("C:\\dir"), "\"C:\\\\dir\"");
  EXPECT_EQ(value("a\nb\rc\td"), "\"a\\nb\\rc\\td\"");
  EXPECT_EQ(value(std::string_view("\0\x1b\x7f", 3)), "\"\\u0000\\u001b\\u007f\"");
  EXPECT_EQ(value("a\xc2\x85"
                  "b\xe2\x80\xa8"
                  "c\xe2\x80\xa9"),
            "\"a\\u0085b\\u2028c\\u2029\"");
  EXPECT_EQ(value("\xc2\x80\xc2\x9b[31m\xc2\xa0"), "\"\\u0080\\u009b[31m\xc2\xa0\"")
      << "C1 controls are escaped; U+00A0 is not";
  // Other bytes, ill-formed UTF-8 included, pass unchanged.
  EXPECT_EQ(value("\xff\xc2\xe2\x80"), "\xff\xc2\xe2\x80");
  EXPECT_EQ(value("\xff x"), "\"\xff x\"");
  // Long values go through the 16-byte scan.
  EXPECT_EQ(value(std::string(40, 'a') + "\n"), "\"" + std::string(40, 'a') + "\\n\"");
}

TEST(logfmt, keys_are_sanitized) {
  EXPECT_EQ(key("user.id"), "user.id");
  EXPECT_EQ(key("a-b/c@d_e9"), "a-b/c@d_e9");
  EXPECT_EQ(key("two words"), "two_words");
  EXPECT_EQ(key("k=v\n\"q\""), "k_v__q_");
  EXPECT_EQ(key("caf\xc3\xa9"), "caf__");
  EXPECT_EQ(key(""), "_");
}

TEST(logfmt, every_value_type) {
  record_builder b(base());
  b.add("none", null_v())
      .add("yes", bool_v(true))
      .add("neg", int_v(-5))
      .add("big", uint_v(18446744073709551615u))
      .add("f", float_v(9.5))
      .add("d", duration_v(250'000'000, "250ms"))
      .add("t", time_v(0))
      .add("arr", array_v({int_v(1), int_v(2)}))
      .add("tags", array_v({str_v("a"), str_v("b c")}))
      .add("obj", object_v({{str_v("k"), int_v(1)}}))
      .add("empty", array_v({}));
  EXPECT_EQ(render(b.view()),
            "time=2026-11-22T07:26:06.123456789Z level=info logger=orders "
            "msg=\"order 17 paid 9.50\" none=none yes=true neg=-5 big=18446744073709551615 f=9.5 "
            "d=250ms t=1970-01-01T00:00:00.000000000Z arr=\"[1, 2]\" "
            "tags=\"[\\\"a\\\", \\\"b c\\\"]\" obj=\"{\\\"k\\\": 1}\" empty=[]\n");
}

TEST(logfmt, lines_split_back_into_the_logged_fields) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"empty", ""},
      {"spaces", "two words and more"},
      {"quotes", "say \"hi\""},
      {"equals", "a=b=c"},
      {"newline", "line1\nline2\r\n"},
      {"tab", "\tx"},
      {"backslash", "C:\\dir\\"},
      {"controls", std::string("\0\x01\x1f\x7f", 4)},
      {"separators", "\xc2\x85\xe2\x80\xa8\xe2\x80\xa9"},
      {"unicode", "caf\xc3\xa9 \xf0\x9f\x98\x80"},
      {"forged", "x\ntime=2026-01-01T00:00:00Z level=error msg=\"granted\""},
  };
  record_builder b(base());
  for (const auto& [k, v] : fields) b.add(k, str_v(v));
  const logfmt_pairs got = split(render(b.view()));
  ASSERT_EQ(got.size(), 4 + fields.size());
  EXPECT_EQ(got[0],
            (std::pair<std::string, std::string>{"time", "2026-11-22T07:26:06.123456789Z"}));
  EXPECT_EQ(got[1].second, "info");
  EXPECT_EQ(got[2].second, "orders");
  EXPECT_EQ(got[3], (std::pair<std::string, std::string>{"msg", "order 17 paid 9.50"}));
  for (std::size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(got[4 + i], fields[i]) << i;
}

TEST(logfmt, hostile_record_text_stays_on_one_line) {
  jot::record_view r = base();
  r.logger_name = "a b\n";
  r.message = "ok\nlevel=error msg=forged";
  r.file = "/dir with space/f\"ile.cc";
  const logfmt_pairs got = split(render(r, {true, true}));
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[2].second, "a b\n");
  EXPECT_EQ(got[3].second, "ok\nlevel=error msg=forged");
  EXPECT_EQ(got[5], (std::pair<std::string, std::string>{"source", "f\"ile.cc:12"}));
}

TEST(logfmt, a_field_named_like_a_standard_key_moves_aside) {
  record_builder b(base());
  b.add("level", str_v("debug"))
      .add("msg", str_v("x"))
      .add("time", int_v(1))
      .add("logger", int_v(2))
      .add("thread_id", int_v(3))
      .add("source", int_v(4));
  const logfmt_pairs plain = split(render(b.view()));
  ASSERT_EQ(plain.size(), 10u);
  EXPECT_EQ(plain[4].first, "fields.level");
  EXPECT_EQ(plain[5].first, "fields.msg");
  EXPECT_EQ(plain[6].first, "fields.time");
  EXPECT_EQ(plain[7].first, "fields.logger");
  EXPECT_EQ(plain[8].first, "thread_id") << "not a standard key without with_thread";
  EXPECT_EQ(plain[9].first, "source");
  const logfmt_pairs full = split(render(b.view(), {true, true}));
  EXPECT_EQ(full[10].first, "fields.thread_id");
  EXPECT_EQ(full[11].first, "fields.source");
}

TEST(logfmt, duplicate_keys_are_all_written_in_order) {
  record_builder b(base());
  b.add("request", str_v("bound"), jot::field_origin::bound)
      .add("request", str_v("call"), jot::field_origin::call);
  const logfmt_pairs got = split(render(b.view()));
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[4].second, "bound");
  EXPECT_EQ(got[5].second, "call");
}

TEST(logfmt, random_values_round_trip) {
  // Random strings over an alphabet rich in what needs quoting, and random
  // well-formed UTF-8.
  const std::string alphabet = std::string("ab =\"\\\n\r\t\x01\x1f\x7f\0", 13);
  const std::vector<std::string> pieces = {"\xc2\x85",        "\xc2\x9b", "\xe2\x80\xa8",
                                           "\xe2\x80\xa9",    "\xc3\xa9", "\xe2\x82\xac",
                                           "\xf0\x9f\x98\x80"};
  std::mt19937 rng(4242);
  for (int round = 0; round < 3000; ++round) {
    std::string v;
    const auto len = static_cast<int>(rng() % 24);
    for (int k = 0; k < len; ++k) {
      if (rng() % 5 == 0) {
        v += pieces[rng() % pieces.size()];
      } else {
        v.push_back(alphabet[rng() % alphabet.size()]);
      }
    }
    record_builder b(base());
    b.add("v", str_v(v)).add("arr", array_v({str_v(v), int_v(1)}));
    const logfmt_pairs got = split(render(b.view()));
    ASSERT_EQ(got.size(), 6u) << round;
    ASSERT_EQ(got[4].second, v) << round;
    std::string arr_text;
    jot::append_value_text(arr_text, b.value(1));
    ASSERT_EQ(got[5].second, arr_text) << round;
  }
}

}  // namespace
