// Real log calls with every type jot encodes, written by the text, JSON and
// logfmt formatters and compared with files checked in under test/golden/.
// What changes from run to run (time, thread id, line numbers) is left out
// of the output. To rewrite the files after a deliberate change:
//
//     JOT_UPDATE_GOLDEN=1 build/dev/test/golden_output_test
//
// and read the diff before committing it.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "support/user_types.h"

namespace {

using jot::test::label;
using jot::test::money;

enum class state : std::uint8_t { off = 0, on = 1 };

}  // namespace

namespace {

// Every call the golden files show.
void log_everything(const jot::logger& log) {
  using namespace std::chrono;
  const jot::bound_logger req =
      log.with(jot::kv("request_id", "r-1"), jot::kv("attempt", std::uint8_t{2}));
  JOT_INFO(log, "order {id} paid {amount:.2f}", 17, 9.5);
  JOT_INFO(log, "plain {} {:>5}|", 1, "x");
  JOT_INFO(log, "ints {i8} {u8} {i16} {u16} {i32} {u32} {i64} {u64}", std::int8_t{-8},
           std::uint8_t{8}, std::int16_t{-16}, std::uint16_t{16},
           std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::uint32_t>::max(),
           std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::uint64_t>::max());
  JOT_INFO(log, "floats {f} {d} {ld} {nan} {inf}", 0.1f, 2.5, 1.25L,
           std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity());
  const char* null_str = nullptr;
  JOT_INFO(log, "text {b} {ch} {cs} {s} {null} {e}", true, 'q', "literal", std::string("std"),
           null_str, state::on);
  static constexpr char hostile[] = "quote\" back\\ nl\n tab\t nul\0 bell\a end";
  JOT_INFO(log, "hostile {v}", std::string(hostile, sizeof hostile - 1));
  JOT_INFO(log, "bad utf-8 {v}", std::string("\xc3\x28 \xff ok \xe2\x82\xac"));
  JOT_INFO(log, "chrono {ms} {s} {dbl} {at}", milliseconds(250), seconds(3), duration<double>(1.5),
           system_clock::time_point(seconds(1'700'000'000) + nanoseconds(5)));
  JOT_INFO(log, "optional {some} {none}", std::optional<int>(5), std::optional<int>());
  JOT_INFO(log, "containers {v} {a} {l} {set}", std::vector<int>{1, 2, 3},
           std::array<double, 2>{0.5, 1.5}, std::list<std::string>{"x", "y z"},
           std::set<int>{3, 1});
  JOT_INFO(log, "maps {m} {mi}", std::map<std::string, int>{{"a", 1}, {"b", 2}},
           std::map<int, std::string>{{1, "one"}, {-2, "minus two"}});
  JOT_INFO(log, "tuples {p} {t}", std::pair<int, std::string>{1, "one"},
           std::tuple<int, bool, double>{1, true, 2.5});
  JOT_INFO(log, "nested {n} {mv}", std::vector<std::vector<int>>{{1}, {}, {2, 3}},
           std::map<std::string, std::vector<int>>{{"k", {4, 5}}});
  JOT_INFO(log, "user {price} {item:>6}", money{950}, label{"tea"});
  JOT_WARN(log, "retrying", jot::kv("attempt", 3), jot::kv("backoff", milliseconds(250)),
           jot::kv("key with space=\"x\"", "v"), jot::kv("who", label{"ann"}));
  JOT_INFO(req, "bound {path}", "/orders");
  {
    const jot::scope s(jot::kv("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
                       jot::kv("span_id", "00f067aa0ba902b7"));
    JOT_ERROR(req, "in scope", jot::kv("status", 503));
  }
  JOT_INFO(log, "{message} collides", "forged", jot::kv("level", "forged too"));
}

std::string golden_path(const char* name) { return std::string(JOT_GOLDEN_DIR) + "/" + name; }

void compare_or_update(const std::string& got_path, const char* golden) {
  const std::string got = jot::test::read_file(got_path);
  if (std::getenv("JOT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path(golden), std::ios::binary) << got;
    return;
  }
  const std::string want = jot::test::read_file(golden_path(golden));
  EXPECT_EQ(got, want) << "output of " << got_path << " differs from test/golden/" << golden;
}

TEST(golden_output, text_json_and_logfmt_of_every_type) {
  // fmt prints time points in local time: make that UTC everywhere.
  setenv("TZ", "UTC", 1);
  tzset();
  const std::string text = jot::test::temp_path("e2e.txt");
  const std::string json = jot::test::temp_path("e2e.jsonl");
  const std::string logfmt = jot::test::temp_path("e2e.logfmt");
  jot::json_keys stable;  // leave out what changes from run to run
  stable.timestamp = "";
  stable.thread_id = "";
  stable.thread_name = "";
  stable.line = "";
  stable.file = "";
  stable.function = "";
  const jot::logger& log = jot::make_logger(
      "e2e",
      {jot::file_sink(text,
                      {.format = jot::pattern_formatter("{level} {logger}: {message}{fields}")}),
       jot::file_sink(json, {.format = jot::json_formatter({.keys = stable})}),
       jot::file_sink(logfmt, {.format = jot::logfmt_formatter()})},
      jot::level::trace);
  log_everything(log);
  jot::flush();

  // logfmt always starts with the time: cut it.
  std::string cut;
  for (const std::string& line : jot::test::read_lines(logfmt)) {
    ASSERT_EQ(line.rfind("time=", 0), 0u) << line;
    cut += line.substr(line.find(' ') + 1) + "\n";
  }
  const std::string logfmt_cut = jot::test::temp_path("e2e-cut.logfmt");
  std::ofstream(logfmt_cut, std::ios::binary) << cut;

  compare_or_update(text, "e2e_text.txt");
  compare_or_update(json, "e2e_json.jsonl");
  compare_or_update(logfmt_cut, "e2e_logfmt.txt");
}

}  // namespace
