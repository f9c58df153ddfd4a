// Golden files: each formatter renders the same records, carrying every
// value type and hostile text, and the output must match test/golden/
// byte for byte. After an intended change, rewrite the files with
//
//     JOT_UPDATE_GOLDEN=1 build/dev/test/jot_unit_tests --gtest_filter='golden.*'
//
// and review the difference before committing it.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jot/formatter.h"
#include "support/logfmt_parse.h"
#include "support/values.h"

namespace {

using namespace jot::test;
using namespace std::string_literals;

// Every byte from 0x00 to 0x1F, and DEL.
std::string all_controls() {
  std::string s;
  for (int c = 0; c < 0x20; ++c) s.push_back(static_cast<char>(c));
  s.push_back('\x7f');
  return s;
}

// The records every golden file holds, one line each.
struct golden_records {
  record_builder everything;
  record_builder hostile;
  record_builder bare;

  golden_records() : everything(base()), hostile(base()), bare(base()) {
    everything.add("request_id", str_v("r-1"), jot::field_origin::bound)
        .add("nothing", null_v())
        .add("yes", bool_v(true))
        .add("no", bool_v(false))
        .add("neg", int_v(-42))
        .add("int_min", int_v(std::numeric_limits<std::int64_t>::min()))
        .add("umax", uint_v(std::numeric_limits<std::uint64_t>::max()))
        .add("amount", float_v(9.5))
        .add("one", float_v(1.0))
        .add("tiny", float_v(5e-324))
        .add("nan", float_v(std::nan("")))
        .add("inf", float_v(HUGE_VAL))
        .add("ninf", float_v(-HUGE_VAL))
        .add("text", str_v("say \"hi\" \\ x\ny\tz \xff\xfe end\0nul caf\xc3\xa9"s))
        .add("controls", str_v(all_controls()))
        .add("separators", str_v("a\xc2\x85"
                                 "b\xe2\x80\xa8"
                                 "c\xe2\x80\xa9"
                                 "d\xc2\x9b"
                                 "e"))
        .add("empty", str_v(""))
        .add("ch", str_v("x", true))
        .add("elapsed", duration_v(250'000'000, "250ms"))
        .add("at", time_v(1795332366LL * 1'000'000'000 + 1))
        .add("nested",
             array_v({array_v({int_v(1), int_v(2)}), array_v({}), array_v({float_v(3.5)})}))
        .add("map", object_v({{str_v("k"), int_v(1)}, {str_v("quo\"te\n"), str_v("v w")}}))
        .add("by_id", object_v({{int_v(1), str_v("one")}, {int_v(-2), str_v("minus two")}}))
        .add("tags",
             array_v({str_v("a"), str_v("b c"), str_v("d\"e"), str_v("f\ng"), str_v("\xff")}))
        .add("weird key=\"x\"\n", int_v(7))
        .add("level", str_v("forged"));
    hostile.add("id", int_v(17));
  }

  static jot::record_view base() {
    jot::record_view r;
    r.time_ns = 1795332366LL * 1'000'000'000 + 123'456'789;  // 2026-11-22T07:26:06.123456789Z
    r.lvl = jot::level::info;
    r.logger_name = "orders";
    r.message = "order 17 paid 9.50";
    r.format = "order {id} paid {amount:.2f}";
    r.file = "/src/app/orders.cc";
    r.function = "pay";
    r.line = 12;
    r.thread_id = 4242;
    r.thread_name = "worker-1";
    return r;
  }

  std::vector<jot::record_view> views() const {
    jot::record_view h = hostile.view();
    h.lvl = jot::level::error;
    h.logger_name = "a b=\"c\"";
    h.message = "line1\nline2\r\x1b[31mred\x7f \xc0\xaf \xe2\x80\xa8 tab\t";
    h.format = "{}\n";
    h.file = "C:\\src\\weird \"file\".cc";
    h.function = "op\xff";
    h.thread_name = "";
    jot::record_view z = bare.view();
    z.lvl = jot::level::trace;
    z.message = "";
    z.format = "";
    z.time_ns = -1;
    return {everything.view(), h, z};
  }
};

std::string golden_path(std::string_view name) {
  return std::string(JOT_GOLDEN_DIR) + "/" + std::string(name);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

enum class syntax { text, json, logfmt };

// Every line must also be valid in its format, whatever the golden file says.
void check_syntax(const std::string& out, syntax kind) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (kind == syntax::json) {
      EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    } else if (kind == syntax::logfmt) {
      EXPECT_TRUE(parse_logfmt(line).has_value()) << line;
    }
  }
}

void check_golden(std::string_view name, jot::formatter& f, syntax kind) {
  const golden_records records;
  std::string out;
  for (const jot::record_view& r : records.views()) f.format(r, out);
  check_syntax(out, kind);
  const std::string path = golden_path(name);
  const char* update = std::getenv("JOT_UPDATE_GOLDEN");
  if (update != nullptr && std::string_view(update) == "1") {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
    GTEST_SKIP() << "rewrote " << path;
  }
  const std::string expected = read_all(path);
  ASSERT_FALSE(expected.empty()) << "missing " << path;
  // Line by line, for a readable difference.
  std::istringstream got_lines(out);
  std::istringstream want_lines(expected);
  std::string got;
  std::string want;
  int n = 0;
  while (std::getline(want_lines, want)) {
    ++n;
    ASSERT_TRUE(std::getline(got_lines, got)) << name << ": line " << n << " missing";
    EXPECT_EQ(got, want) << name << ": line " << n;
  }
  EXPECT_FALSE(std::getline(got_lines, got)) << name << ": extra line " << got;
  EXPECT_TRUE(out == expected) << name << ": differs (line ends?)";
}

TEST(golden, pattern) { check_golden("pattern.txt", *jot::pattern_formatter(), syntax::text); }

TEST(golden, json) { check_golden("json.jsonl", *jot::json_formatter(), syntax::json); }

TEST(golden, json_ecs) {
  check_golden("json_ecs.jsonl", *jot::json_formatter({jot::ecs_keys, {}}), syntax::json);
}

TEST(golden, json_fields_key) {
  jot::json_options o;
  o.fields_key = "attributes";
  check_golden("json_fields_key.jsonl", *jot::json_formatter(o), syntax::json);
}

TEST(golden, logfmt) {
  check_golden("logfmt.txt", *jot::logfmt_formatter({true, true}), syntax::logfmt);
}

}  // namespace
