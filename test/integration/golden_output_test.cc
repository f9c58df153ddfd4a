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

#include "support/log_everything.h"
#include "support/test_support.h"

namespace {

using jot::test::log_everything;

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
