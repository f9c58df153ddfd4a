// The JSON lines formatter: every line parses as JSON, members keep their
// types, standard names can be changed, fields nest or move aside as
// documented.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "jot/formatter.h"
#include "support/values.h"

namespace {

using namespace jot::test;
using nlohmann::json;

const std::string fffd = "\xEF\xBF\xBD";

jot::record_view base() {
  jot::record_view r;
  r.time_ns = 1795332366LL * 1'000'000'000 + 123'456'789;  // 2026-11-22T07:26:06.123456789Z
  r.lvl = jot::level::info;
  r.logger_name = "orders";
  r.message = "order 17 paid 9.50";
  r.format = "order {id} paid {amount:.2f}";
  r.file = "src/orders.cc";
  r.function = "pay";
  r.line = 12;
  r.thread_id = 4242;
  return r;
}

std::string render(const jot::record_view& r, jot::json_options o = {}) {
  std::string out;
  jot::json_formatter(o)->format(r, out);
  return out;
}

json parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
  return json::parse(line);
}

TEST(json_formatter, the_documented_example) {
  record_builder b(base());
  b.add("id", int_v(17)).add("amount", float_v(9.5));
  EXPECT_EQ(render(b.view()),
            "{\"timestamp\":\"2026-11-22T07:26:06.123456789Z\",\"level\":\"info\","
            "\"severity_number\":9,\"logger\":\"orders\",\"message\":\"order 17 paid 9.50\","
            "\"message_template\":\"order {id} paid {amount:.2f}\",\"thread.id\":4242,"
            "\"code.file.path\":\"src/orders.cc\",\"code.line.number\":12,"
            "\"code.function.name\":\"pay\",\"id\":17,\"amount\":9.5}\n");
}

TEST(json_formatter, levels_and_severity_numbers) {
  const std::pair<jot::level, std::pair<const char*, int>> expected[] = {
      {jot::level::trace, {"trace", 1}},  {jot::level::debug, {"debug", 5}},
      {jot::level::info, {"info", 9}},    {jot::level::warn, {"warn", 13}},
      {jot::level::error, {"error", 17}}, {jot::level::critical, {"critical", 21}},
  };
  for (const auto& [lvl, names] : expected) {
    jot::record_view r = base();
    r.lvl = lvl;
    const json j = parse_line(render(r));
    EXPECT_EQ(j["level"], names.first);
    EXPECT_EQ(j["severity_number"], names.second);
  }
}

TEST(json_formatter, thread_name_only_when_there_is_one) {
  jot::record_view r = base();
  EXPECT_FALSE(parse_line(render(r)).contains("thread.name"));
  r.thread_name = "worker-1";
  EXPECT_EQ(parse_line(render(r))["thread.name"], "worker-1");
}

TEST(json_formatter, members_keep_their_types) {
  record_builder b(base());
  b.add("none", null_v())
      .add("yes", bool_v(true))
      .add("neg", int_v(-5))
      .add("big", uint_v(std::numeric_limits<std::uint64_t>::max()))
      .add("one", float_v(1.0))
      .add("nan", float_v(std::nan("")))
      .add("inf", float_v(HUGE_VAL))
      .add("ninf", float_v(-HUGE_VAL))
      .add("s", str_v("caf\xc3\xa9"))
      .add("bad", str_v("a\xff"
                        "b\xe2\x82"))
      .add("ctl", str_v(std::string("\0\x1b\n", 3)))
      .add("d", duration_v(250'000'000, "250ms"))
      .add("t", time_v(0))
      .add("arr", array_v({int_v(1), array_v({str_v("x")})}))
      .add("obj", object_v({{str_v("k"), int_v(1)}, {int_v(2), str_v("two")}}));
  const json j = parse_line(render(b.view()));
  EXPECT_TRUE(j["none"].is_null());
  EXPECT_EQ(j["yes"], true);
  EXPECT_TRUE(j["neg"].is_number_integer());
  EXPECT_EQ(j["neg"].get<std::int64_t>(), -5);
  EXPECT_TRUE(j["big"].is_number_unsigned());
  EXPECT_EQ(j["big"].get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(j["one"].is_number_float());
  EXPECT_EQ(j["nan"], "NaN");
  EXPECT_EQ(j["inf"], "Infinity");
  EXPECT_EQ(j["ninf"], "-Infinity");
  EXPECT_EQ(j["s"], "caf\xc3\xa9");
  EXPECT_EQ(j["bad"], "a" + fffd + "b" + fffd);
  EXPECT_EQ(j["ctl"], std::string("\0\x1b\n", 3));
  EXPECT_EQ(j["d"], "250ms");
  EXPECT_EQ(j["t"], "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(j["arr"], json::parse(R"([1, ["x"]])"));
  EXPECT_EQ(j["obj"], json::parse(R"({"k": 1, "2": "two"})"));
  EXPECT_EQ(j["timestamp"], "2026-11-22T07:26:06.123456789Z");
  EXPECT_EQ(j["thread.id"], 4242);
  EXPECT_EQ(j["code.line.number"], 12);
}

TEST(json_formatter, record_text_is_escaped_and_made_valid_utf8) {
  jot::record_view r = base();
  r.logger_name = "lo\"g";
  r.message = "line1\nline2 \xc0\xaf \xe2\x80\xa8";
  r.format = "{}\\";
  r.file = "dir\\file\x01.cc";
  r.function = "\xff";
  r.thread_name = "t\tn";
  const std::string line = render(r);
  const json j = parse_line(line);
  EXPECT_EQ(j["logger"], "lo\"g");
  EXPECT_EQ(j["message"], "line1\nline2 " + fffd + fffd + " \xe2\x80\xa8");
  EXPECT_EQ(j["message_template"], "{}\\");
  EXPECT_EQ(j["code.file.path"], "dir\\file\x01.cc");
  EXPECT_EQ(j["code.function.name"], fffd);
  EXPECT_EQ(j["thread.name"], "t\tn");
  EXPECT_EQ(line.find("\xe2\x80\xa8"), std::string::npos) << "LS is written as \\u2028";
}

TEST(json_formatter, keys_are_escaped) {
  record_builder b(base());
  b.add("we\"ird\nkey\xff", int_v(1));
  const json j = parse_line(render(b.view()));
  EXPECT_EQ(j["we\"ird\nkey" + fffd], 1);
}

TEST(json_formatter, ecs_names) {
  record_builder b(base());
  b.add("id", int_v(17));
  jot::record_view r = b.view();
  r.thread_name = "main";
  const std::string line = render(r, {jot::ecs_keys, {}});
  EXPECT_EQ(line,
            "{\"@timestamp\":\"2026-11-22T07:26:06.123456789Z\",\"log.level\":\"info\","
            "\"log.logger\":\"orders\",\"message\":\"order 17 paid 9.50\","
            "\"process.thread.id\":4242,\"process.thread.name\":\"main\","
            "\"log.origin.file.name\":\"src/orders.cc\",\"log.origin.file.line\":12,"
            "\"log.origin.function\":\"pay\",\"id\":17}\n");
  const json j = parse_line(line);
  EXPECT_FALSE(j.contains("severity_number"));
  EXPECT_FALSE(j.contains("message_template"));
}

TEST(json_formatter, any_standard_member_can_be_left_out) {
  jot::json_options o;
  o.keys = jot::json_keys{"", "", "", "", "", "", "", "", "", "", ""};
  EXPECT_EQ(render(base(), o), "{}\n");
  record_builder b(base());
  b.add("id", int_v(1));
  EXPECT_EQ(render(b.view(), o), "{\"id\":1}\n");
  o.keys.message = "msg";
  EXPECT_EQ(render(b.view(), o), "{\"msg\":\"order 17 paid 9.50\",\"id\":1}\n");
  o.keys.message = "";
  o.keys.thread_name = "tn";  // the first member, and left out: no thread name
  EXPECT_EQ(render(b.view(), o), "{\"id\":1}\n");
}

TEST(json_formatter, fields_key_nests_the_fields) {
  record_builder b(base());
  b.add("id", int_v(17)).add("message", str_v("mine"));
  jot::json_options o;
  o.fields_key = "attributes";
  const json j = parse_line(render(b.view(), o));
  EXPECT_EQ(j["attributes"], json::parse(R"({"id": 17, "message": "mine"})"))
      << "no clash inside the nested object";
  EXPECT_EQ(j["message"], "order 17 paid 9.50");
  EXPECT_FALSE(j.contains("id"));
  // No fields: an empty object.
  EXPECT_EQ(parse_line(render(base(), o))["attributes"], json::object());
}

TEST(json_formatter, the_last_of_duplicate_keys_wins) {
  record_builder b(base());
  b.add("request", str_v("bound"), jot::field_origin::bound)
      .add("user", int_v(1), jot::field_origin::bound)
      .add("request", str_v("scope"), jot::field_origin::scope)
      .add("request", str_v("call"), jot::field_origin::call);
  const std::string line = render(b.view());
  EXPECT_NE(line.find(",\"user\":1,\"request\":\"call\"}"), std::string::npos) << line;
  EXPECT_EQ(line.find("bound"), std::string::npos);
  EXPECT_EQ(line.find("scope"), std::string::npos);
  jot::json_options o;
  o.fields_key = "f";
  EXPECT_EQ(parse_line(render(b.view(), o))["f"], json::parse(R"({"user":1,"request":"call"})"));
}

TEST(json_formatter, many_fields_with_duplicates) {
  // More fields than the pairwise comparison handles.
  record_builder b(base());
  for (int i = 0; i < 40; ++i) b.add("k" + std::to_string(i % 13), int_v(i));
  b.add("level", int_v(100)).add("fields.level", int_v(101));
  const std::string line = render(b.view());
  const json j = parse_line(line);
  for (int k = 0; k < 13; ++k) {
    const int last = 39 - (39 - k) % 13;
    EXPECT_EQ(j["k" + std::to_string(k)], last) << k;
  }
  EXPECT_EQ(j["fields.level"], 101);
  EXPECT_EQ(j["level"], "info");
  // Every key once: nlohmann keeps the last of duplicates, so count them.
  std::size_t members = 0;
  for (std::size_t pos = line.find("\"k"); pos != std::string::npos;
       pos = line.find("\"k", pos + 1)) {
    ++members;
  }
  EXPECT_EQ(members, 13u);
}

TEST(json_formatter, a_field_named_like_a_standard_member_moves_aside) {
  record_builder b(base());
  b.add("level", str_v("debug")).add("message", str_v("forged")).add("timestamp", int_v(0));
  const std::string line = render(b.view());
  const json j = parse_line(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["message"], "order 17 paid 9.50");
  EXPECT_EQ(j["fields.level"], "debug");
  EXPECT_EQ(j["fields.message"], "forged");
  EXPECT_EQ(j["fields.timestamp"], 0);
  // Only names in use clash: with ECS names, "level" is a plain field.
  const json e = parse_line(render(b.view(), {jot::ecs_keys, {}}));
  EXPECT_EQ(e["level"], "debug");
  EXPECT_EQ(e["fields.message"], "forged");
  EXPECT_EQ(e["timestamp"], 0);
  // A moved field and a field already named "fields.<key>": the last wins.
  record_builder c(base());
  c.add("fields.level", int_v(1)).add("level", int_v(2));
  const std::string twice = render(c.view());
  EXPECT_EQ(twice.find("\"fields.level\":1"), std::string::npos) << twice;
  EXPECT_EQ(parse_line(twice)["fields.level"], 2);
}

TEST(json_formatter, setup_errors) {
  jot::json_options o;
  o.fields_key = "message";
  EXPECT_THROW(jot::json_formatter(o), jot::config_error);
  o = {};
  o.keys.logger = "level";
  EXPECT_THROW(jot::json_formatter(o), jot::config_error);
  o = {};
  o.fields_key = "severity_number";
  o.keys.severity_number = "";
  EXPECT_NO_THROW(jot::json_formatter(o));
}

TEST(json_formatter, appends_to_what_is_there) {
  std::string out = "previous\n";
  jot::json_formatter()->format(base(), out);
  EXPECT_EQ(out.rfind("previous\n{\"timestamp\":", 0), 0u);
  EXPECT_TRUE(json::accept(out.substr(9)));
}

TEST(json_formatter, long_strings_and_many_fields) {
  // Strings past the formatter's line buffer, and past the size it escapes
  // straight into the output; containers between other fields.
  std::string big;
  for (int i = 0; i < 5000; ++i) big += "ab\"\n\xff\xc3\xa9";
  const std::string function = big.substr(0, 3000);
  jot::record_view r = base();
  r.message = big;
  r.thread_name = big;
  r.function = function;
  record_builder b(r);
  b.add(big, str_v(big))
      .add("arr", array_v({str_v(big), int_v(1)}))
      .add("after", int_v(2))
      .add("mid", str_v(big.substr(0, 2000)))
      .add("level", str_v(big.substr(0, 20000)));
  for (int i = 0; i < 70; ++i) b.add("f" + std::to_string(i), str_v(big.substr(0, 300)));
  // What the parser gives back: \xff and a cut-off \xc3 are U+FFFD.
  auto decoded = [](std::string_view in) {
    std::string e;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const auto c = static_cast<unsigned char>(in[i]);
      if (c == 0xff || (c == 0xc3 && i + 1 == in.size())) {
        e += fffd;
      } else {
        e += in[i];
      }
    }
    return e;
  };
  std::string out = "x";
  jot::json_formatter()->format(b.view(), out);
  ASSERT_EQ(out[0], 'x');
  const json j = parse_line(out.substr(1));
  // (EXPECT_TRUE: a failure would print megabytes.)
  EXPECT_TRUE(j["message"] == decoded(big));
  EXPECT_TRUE(j["thread.name"] == decoded(big));
  EXPECT_TRUE(j["code.function.name"] == decoded(function));
  EXPECT_TRUE(j[decoded(big)] == decoded(big));
  EXPECT_TRUE(j["arr"][0] == decoded(big));
  EXPECT_EQ(j["arr"][1], 1);
  EXPECT_EQ(j["after"], 2);
  EXPECT_TRUE(j["mid"] == decoded(big.substr(0, 2000)));
  EXPECT_TRUE(j["fields.level"] == decoded(big.substr(0, 20000)));
  for (int i = 0; i < 70; ++i) {
    EXPECT_TRUE(j["f" + std::to_string(i)] == decoded(big.substr(0, 300))) << i;
  }
  // The same formatter, a small record after a large one.
  out.clear();
  jot::json_formatter()->format(base(), out);
  EXPECT_EQ(parse_line(out)["message"], "order 17 paid 9.50");
}

}  // namespace
