// What a JSON lines sink writes from real log calls: one object per line,
// every line valid JSON and UTF-8 whatever the bytes, members typed.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace {

using json = nlohmann::json;

std::vector<json> parse_lines(const std::string& path) {
  std::vector<json> out;
  for (const std::string& line : jot::test::read_lines(path)) {
    EXPECT_NO_THROW(out.push_back(json::parse(line))) << line;
  }
  return out;
}

TEST(json_lines, standard_members_and_typed_fields) {
  const std::string path = jot::test::temp_path("typed.jsonl");
  jot::logger& log =
      jot::make_logger("orders", {jot::file_sink(path, {.format = jot::json_formatter()})});
  const int id = 17;
  const double amount = 9.5;
  const std::vector<int> items{1, 2};
  const std::map<std::string, bool> flags{{"gift", true}};
  const std::optional<int> coupon;
  const jot::bound_logger req = log.with(jot::kv("request_id", std::uint64_t{42}));
  {
    const jot::scope s(jot::kv("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
    JOT_INFO(req, "order {id} paid {amount:.2f}", id, amount, jot::kv("items", items),
             jot::kv("flags", flags), jot::kv("coupon", coupon),
             jot::kv("took", std::chrono::milliseconds(250)),
             jot::kv("at", std::chrono::system_clock::time_point(std::chrono::seconds(0))),
             jot::kv("ok", true), jot::kv("neg", -5));
  }
  jot::flush();
  const std::vector<json> lines = parse_lines(path);
  ASSERT_EQ(lines.size(), 1u);
  const json& j = lines[0];
  EXPECT_TRUE(std::regex_match(j.at("timestamp").get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)")))
      << j.at("timestamp");
  EXPECT_EQ(j.at("level"), "info");
  EXPECT_EQ(j.at("severity_number"), 9);
  EXPECT_EQ(j.at("logger"), "orders");
  EXPECT_EQ(j.at("message"), "order 17 paid 9.50");
  EXPECT_EQ(j.at("message_template"), "order {id} paid {amount:.2f}");
  EXPECT_TRUE(j.at("thread.id").is_number_unsigned());
  EXPECT_NE(j.at("code.file.path").get<std::string>().find("json_lines_test.cc"),
            std::string::npos);
  EXPECT_TRUE(j.at("code.line.number").is_number_integer());
  EXPECT_FALSE(j.at("code.function.name").get<std::string>().empty());
  EXPECT_EQ(j.at("request_id"), 42u);
  EXPECT_EQ(j.at("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(j.at("id").is_number_integer());
  EXPECT_EQ(j.at("id"), 17);
  EXPECT_TRUE(j.at("amount").is_number_float());
  EXPECT_EQ(j.at("amount"), 9.5);
  EXPECT_EQ(j.at("items"), json::array({1, 2}));
  EXPECT_EQ(j.at("flags"), json({{"gift", true}}));
  EXPECT_TRUE(j.at("coupon").is_null());
  EXPECT_EQ(j.at("took"), "250ms");
  EXPECT_EQ(j.at("at"), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(j.at("ok"), true);
  EXPECT_EQ(j.at("neg"), -5);
  // Bound, then scope, then the call's fields, after the standard members.
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  (void)keys;  // nlohmann sorts keys; the order is checked on the raw line
  const std::string raw = jot::test::read_lines(path)[0];
  EXPECT_LT(raw.find("\"code.function.name\""), raw.find("\"request_id\""));
  EXPECT_LT(raw.find("\"request_id\""), raw.find("\"trace_id\""));
  EXPECT_LT(raw.find("\"trace_id\""), raw.find("\"id\""));
  EXPECT_LT(raw.find("\"amount\""), raw.find("\"items\""));
}

TEST(json_lines, every_byte_in_messages_keys_and_values_gives_valid_json) {
  const std::string path = jot::test::temp_path("bytes.jsonl");
  jot::logger& log =
      jot::make_logger("bytes", {jot::file_sink(path, {.format = jot::json_formatter()})});
  std::vector<std::string> inputs;
  for (int b = 0; b < 256; ++b) inputs.emplace_back(1, static_cast<char>(b));
  inputs.emplace_back("a\0b", 3);  // embedded NUL
  inputs.emplace_back("quote \" backslash \\ end");
  inputs.emplace_back("line one\nline two\r\n");
  inputs.emplace_back("\xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc");  // invalid UTF-8
  inputs.emplace_back("\xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80");  // surrogate, overlong, > U+10FFFF
  inputs.emplace_back("\xe2\x80\xa8 \xe2\x80\xa9 caf\xc3\xa9 \xf0\x9f\x98\x80");  // valid
  std::string all_controls;
  for (int b = 0; b < 0x20; ++b) all_controls.push_back(static_cast<char>(b));
  inputs.push_back(all_controls);
  for (const std::string& s : inputs) {
    JOT_INFO(log, "{text}", s, jot::kv(s, s));
  }
  const jot::bound_logger bound = log.with(jot::kv(all_controls, all_controls));
  JOT_WARN(bound, "bound");
  jot::flush();
  const std::vector<std::string> raw = jot::test::read_lines(path);
  ASSERT_EQ(raw.size(), inputs.size() + 1);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    for (const char c : raw[i]) {
      ASSERT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte in line " << i;
    }
    json j;
    ASSERT_NO_THROW(j = json::parse(raw[i])) << raw[i];
    if (i == inputs.size()) break;
    const std::string& in = inputs[i];
    // Single bytes 0x80-0xFF and the lines of ill-formed sequences are
    // not UTF-8: each ill-formed part reads back as U+FFFD. Every other
    // input reads back byte for byte, in the message, the key and the value.
    const bool ill_formed = (i >= 0x80 && i < 256) || i == 259 || i == 260;
    const std::string message = j.at("message").get<std::string>();
    if (ill_formed) {
      EXPECT_NE(message.find("\xef\xbf\xbd"), std::string::npos) << "input " << i;
    } else {
      EXPECT_EQ(message, in) << "input " << i;
      EXPECT_EQ(j.at("text"), in) << "input " << i;
      EXPECT_EQ(j.at(in), in) << "input " << i;
    }
  }
  const json last = json::parse(raw.back());
  EXPECT_EQ(last.at(all_controls), all_controls);
}

TEST(json_lines, ecs_names) {
  const std::string path = jot::test::temp_path("ecs.jsonl");
  jot::logger& log = jot::make_logger(
      "ecs", {jot::file_sink(path, {.format = jot::json_formatter({.keys = jot::ecs_keys})})});
  JOT_ERROR(log, "disk {pct}% full", 91);
  jot::flush();
  const std::vector<json> lines = parse_lines(path);
  ASSERT_EQ(lines.size(), 1u);
  const json& j = lines[0];
  EXPECT_TRUE(j.contains("@timestamp"));
  EXPECT_EQ(j.at("log.level"), "error");
  EXPECT_EQ(j.at("log.logger"), "ecs");
  EXPECT_EQ(j.at("message"), "disk 91% full");
  EXPECT_TRUE(j.at("process.thread.id").is_number());
  EXPECT_TRUE(j.at("log.origin.file.line").is_number());
  EXPECT_FALSE(j.contains("severity_number"));
  EXPECT_FALSE(j.contains("timestamp"));
  EXPECT_EQ(j.at("pct"), 91);
}

}  // namespace
