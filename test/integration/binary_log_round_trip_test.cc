// The binary log decodes, through the library call and through jot-cat, to
// the very bytes the text, JSON and logfmt sinks wrote for the same
// records: every argument type and field kind, hostile bytes, several
// loggers, threads and delivery modes. jot-cat's merge and filters too.
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/binary_log_support.h"
#include "support/log_everything.h"
#include "support/test_support.h"

namespace {

using jot::test::quoted;
using jot::test::read_file;
using jot::test::render_binary_log;
using jot::test::run_jot_cat;
using jot::test::temp_path;

constexpr std::string_view all_tokens =
    "{iso8601}|{date}|{time}|{epoch_ns}|{level}|{level_lower}|{logger}|{thread_id}|"
    "{thread_name}|{file}|{path}|{line}|{source}|{function}|{message}|{fields}";

// Strings no sink may trip over: every byte value, ill-formed UTF-8, line
// and paragraph separators, C1 controls, escapes, quotes, nothing at all.
std::vector<std::string> nasty_bytes() {
  std::vector<std::string> v;
  std::string every;
  for (int b = 0; b < 256; ++b) every.push_back(static_cast<char>(b));
  v.push_back(every);
  v.emplace_back("");
  v.emplace_back("=");
  v.emplace_back("\"\\\"\\");
  v.emplace_back("\xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82 \xf0\x9f\x98");
  v.emplace_back("line\xe2\x80\xa8sep para\xe2\x80\xa9sep nel\xc2\x85 del\x7f");
  v.emplace_back("\x1b[31mred\x1b[0m\r\nforged=1 level=error");
  v.emplace_back(std::string(70'000, 'x') + "\n");
  v.emplace_back("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  return v;
}

void log_nasty(const jot::logger& log) {
  for (const std::string& s : nasty_bytes()) {
    JOT_INFO(log, "nasty {v} [{}]", s, std::string_view(s), jot::kv(s, s),
             jot::kv("list", std::vector<std::string>{s, s}));
    const jot::scope sc(jot::kv(s, s));
    JOT_DEBUG(log.with(jot::kv("bound " + s, s)), "{}", s.c_str());
  }
}

struct files {
  std::string text = temp_path("rt.txt");
  std::string tokens = temp_path("rt-tokens.txt");
  std::string json = temp_path("rt.jsonl");
  std::string ecs = temp_path("rt-ecs.jsonl");
  std::string logfmt = temp_path("rt.logfmt");
  std::string bin = temp_path("rt.jotlog");
  std::string bin_a = temp_path("rt-a.jotlog");  // logger "a" only
  std::string bin_b = temp_path("rt-b.jotlog");  // logger "b" only
  std::string text_ab = temp_path("rt-ab.txt");  // both
};

// Logs everything once, into every sink, with jot started and shut down
// here: the files are whole when it returns.
const files& written() {
  static const files f = [] {
    files fs;
    // fmt prints time points in local time: make that UTC for jot-cat too.
    setenv("TZ", "UTC", 1);
    tzset();
    auto text = jot::file_sink(fs.text, {.truncate = true, .format = jot::pattern_formatter()});
    auto tokens =
        jot::file_sink(fs.tokens, {.truncate = true, .format = jot::pattern_formatter(all_tokens)});
    auto json = jot::file_sink(fs.json, {.truncate = true, .format = jot::json_formatter()});
    auto ecs = jot::file_sink(
        fs.ecs, {.truncate = true,
                 .format = jot::json_formatter({.keys = jot::ecs_keys, .fields_key = "attrs"})});
    auto logfmt = jot::file_sink(fs.logfmt,
                                 {.truncate = true, .format = jot::logfmt_formatter({true, true})});
    auto bin = jot::binary_file_sink(fs.bin, {.truncate = true});
    const std::vector<std::shared_ptr<jot::sink>> all{text, tokens, json, ecs, logfmt, bin};
    const jot::logger& log = jot::make_logger("rt", all, jot::level::trace);
    jot::logger& eager = jot::make_logger("rt eager", all, jot::level::trace);
    eager.set_delivery(jot::delivery::async_eager);
    jot::logger& sync = jot::make_logger("rt \"sync\"\n", all, jot::level::trace);
    sync.set_delivery(jot::delivery::sync);

    jot::test::log_everything(log);
    log_nasty(log);
    std::thread t([&] {
      pthread_setname_np(pthread_self(), "rt w\xc3\xb6rker");
      jot::test::log_everything(eager);
      jot::test::log_everything(log);
    });
    t.join();
    // Written by the writer before the caller writes synchronously: the
    // sinks then see the records in one order.
    jot::flush();
    jot::test::log_everything(sync);

    auto text_ab =
        jot::file_sink(fs.text_ab, {.truncate = true, .format = jot::pattern_formatter()});
    const jot::logger& a =
        jot::make_logger("a", {jot::binary_file_sink(fs.bin_a, {.truncate = true}), text_ab});
    const jot::logger& b =
        jot::make_logger("b", {jot::binary_file_sink(fs.bin_b, {.truncate = true}), text_ab});
    for (int i = 0; i < 300; ++i) {
      const jot::logger& which = (i * 7) % 3 == 0 ? a : b;
      if (i % 5 == 0) {
        JOT_WARN(which, "step {i} of {n}", i, 300);
      } else {
        JOT_INFO(which, "step {i} of {n}", i, 300);
      }
      if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    jot::shutdown();
    return fs;
  }();
  return f;
}

TEST(binary_log_round_trip, library_decode_gives_the_text_sinks_bytes) {
  const files& f = written();
  const std::string text = read_file(f.text);
  ASSERT_GT(text.size(), 10'000u);
  std::string problems;
  EXPECT_EQ(render_binary_log(f.bin, *jot::pattern_formatter(), &problems), text);
  EXPECT_EQ(problems, "");
  EXPECT_EQ(render_binary_log(f.bin, *jot::pattern_formatter(all_tokens)), read_file(f.tokens));
  EXPECT_EQ(render_binary_log(f.bin, *jot::json_formatter()), read_file(f.json));
  EXPECT_EQ(render_binary_log(f.bin,
                              *jot::json_formatter({.keys = jot::ecs_keys, .fields_key = "attrs"})),
            read_file(f.ecs));
  EXPECT_EQ(render_binary_log(f.bin, *jot::logfmt_formatter({true, true})), read_file(f.logfmt));
}

TEST(binary_log_round_trip, jot_cat_prints_the_text_sinks_bytes) {
  const files& f = written();
  const std::string bin = quoted(f.bin);
  const auto text = run_jot_cat(bin);
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(text.out, read_file(f.text));
  EXPECT_EQ(run_jot_cat("-p " + quoted(std::string(all_tokens)) + " " + bin).out,
            read_file(f.tokens));
  EXPECT_EQ(run_jot_cat("-o json " + bin).out, read_file(f.json));
  EXPECT_EQ(run_jot_cat("--output=json --ecs --fields-key attrs " + bin).out, read_file(f.ecs));
  EXPECT_EQ(run_jot_cat("-o logfmt --thread --source " + bin).out, read_file(f.logfmt));
}

TEST(binary_log_round_trip, file_is_several_times_smaller_than_the_text) {
  const files& f = written();
  // Records of one short call: the suite measures the ratio on its own
  // message; here it only has to be smaller at all, hostile bytes included.
  EXPECT_LT(read_file(f.bin).size(), read_file(f.text).size());
  EXPECT_LT((read_file(f.bin_a).size() + read_file(f.bin_b).size()) * 2,
            read_file(f.text_ab).size());
}

TEST(binary_log_round_trip, jot_cat_merges_files_in_time_order) {
  const files& f = written();
  const auto merged = run_jot_cat(quoted(f.bin_a) + " " + quoted(f.bin_b));
  EXPECT_EQ(merged.status, 0) << merged.err;
  const std::string want = read_file(f.text_ab);
  ASSERT_EQ(std::count(want.begin(), want.end(), '\n'), 300);
  EXPECT_EQ(merged.out, want);
  // The order of the arguments does not matter.
  EXPECT_EQ(run_jot_cat(quoted(f.bin_b) + " " + quoted(f.bin_a)).out, want);
}

// The lines of `text` that `keep` accepts, with the record each came from.
std::string lines_where(const std::string& bin,
                        const std::function<bool(const jot::record_view&)>& keep) {
  std::string out;
  auto fmt = jot::pattern_formatter();
  jot::read_binary_log(bin, [&](const jot::record_view& r) {
    if (keep(r)) fmt->format(r, out);
  });
  return out;
}

TEST(binary_log_round_trip, jot_cat_filters_by_level_logger_and_time) {
  const files& f = written();
  const std::string both = quoted(f.bin_a) + " " + quoted(f.bin_b);
  const auto warn = run_jot_cat("-l warn " + both);
  std::size_t warn_lines = 0;
  for (std::size_t p = 0; (p = warn.out.find(" WARN ", p)) != std::string::npos; ++p) ++warn_lines;
  EXPECT_EQ(warn_lines, 60u) << warn.out;  // every fifth of 300
  EXPECT_EQ(warn.out.find(" INFO "), std::string::npos);

  const auto only_b = run_jot_cat("-L b " + both);
  EXPECT_EQ(only_b.out, lines_where(f.bin_b, [](const auto&) { return true; }));
  EXPECT_EQ(run_jot_cat("--logger=a " + both).out,
            lines_where(f.bin_a, [](const auto&) { return true; }));

  // A window in the middle of logger a's records, by nanoseconds and by
  // RFC 3339 with an offset.
  std::vector<std::int64_t> times;
  jot::read_binary_log(f.bin_a, [&](const jot::record_view& r) { times.push_back(r.time_ns); });
  ASSERT_GT(times.size(), 20u);
  const std::int64_t since = times[5];
  const std::int64_t until = times[15];
  const std::string window =
      lines_where(f.bin_a, [&](const auto& r) { return r.time_ns >= since && r.time_ns < until; });
  EXPECT_EQ(run_jot_cat(fmt::format("-L a --since {} --until {} {}", since, until, both)).out,
            window);
  const auto rfc3339 = [](std::int64_t ns) {
    const std::time_t s = static_cast<std::time_t>(ns / 1'000'000'000) + 3600;
    std::tm tm{};
    gmtime_r(&s, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}+01:00", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                       ns % 1'000'000'000);
  };
  EXPECT_EQ(run_jot_cat(fmt::format("--since={} --until={} {}", rfc3339(since), rfc3339(until),
                                    quoted(f.bin_a)))
                .out,
            window);
}

TEST(binary_log_round_trip, jot_cat_says_what_is_wrong_with_its_arguments) {
  const auto none = run_jot_cat("");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("no file given"), std::string::npos) << none.err;
  const auto level = run_jot_cat("-l loud x");
  EXPECT_EQ(level.status, 2);
  EXPECT_NE(level.err.find("unknown level 'loud'"), std::string::npos) << level.err;
  const auto pattern = run_jot_cat("-p '{nope}' x");
  EXPECT_EQ(pattern.status, 2);
  EXPECT_NE(pattern.err.find("nope"), std::string::npos) << pattern.err;
  const auto missing = run_jot_cat(quoted(temp_path("missing.jotlog")));
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos) << missing.err;
  EXPECT_EQ(run_jot_cat("--help").status, 0);
}

}  // namespace
