// rotating_file_sink(): what lands in which file, what retention keeps,
// what compression makes, and what a start does with an earlier run's
// files (a crash's leftovers included).
#include <sys/stat.h>
#include <sys/time.h>
#include <zlib.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/rotation_support.h"

namespace {

using jot::test::list_dir;
using jot::test::read_maybe_gz;
using jot::test::split_lines;
using jot::test::temp_dir;

jot::test::error_log& errors() { return jot::test::program_errors(); }

void start_once() { ASSERT_TRUE(jot::test::start_once_with_program_errors()); }

std::vector<std::string> numbered(int from, int to, std::string_view prefix = "record ") {
  std::vector<std::string> v;
  for (int i = from; i < to; ++i) v.push_back(fmt::format("{}{}", prefix, i));
  return v;
}

// A rotated file of `base` (no regex characters but '.'), by the sink's
// naming: sequence or timestamp, maybe compressed.
bool is_rotated(const std::string& name, const std::string& base) {
  std::string escaped;
  for (const char c : base) escaped += c == '.' ? std::string("\\.") : std::string(1, c);
  const std::regex form(escaped + R"(\.(\d{6,}|\d{8}-\d{6}\.\d{3})(\.gz)?)");
  return std::regex_match(name, form);
}

// Rotated files in name order, then the active file: all the lines.
std::vector<std::string> all_lines(const temp_dir& d, const std::string& base) {
  std::vector<std::string> lines;
  for (const auto& name : list_dir(d.path())) {
    if (!is_rotated(name, base)) continue;
    const auto part = split_lines(read_maybe_gz(d / name));
    lines.insert(lines.end(), part.begin(), part.end());
  }
  const auto active = split_lines(jot::test::read_file(d / base));
  lines.insert(lines.end(), active.begin(), active.end());
  return lines;
}

std::vector<std::string> rotated_names(const temp_dir& d, const std::string& base) {
  std::vector<std::string> v;
  for (const auto& name : list_dir(d.path())) {
    if (is_rotated(name, base)) v.push_back(name);
  }
  return v;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void write_gz(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

auto message_only() { return jot::pattern_formatter("{message}"); }

TEST(rotating_file_sink, size_rotation_keeps_every_record_once_in_order) {
  start_once();
  const temp_dir d("rotate-size");
  auto& log = jot::make_logger(
      "size",
      {jot::rotating_file_sink(d / "app.log", {.max_bytes = 4096, .format = message_only()})});
  for (int i = 0; i < 3000; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  EXPECT_EQ(all_lines(d, "app.log"), numbered(0, 3000));
  const auto names = rotated_names(d, "app.log");
  ASSERT_GE(names.size(), 7u);
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(names[i], fmt::format("app.log.{:06}", i + 1));
    struct stat st {};
    ASSERT_EQ(::stat((d / names[i]).c_str(), &st), 0);
    EXPECT_LE(st.st_size, 4096);
    EXPECT_GT(st.st_size, 4096 - 16);  // rotated only when the next record would not fit
  }
}

TEST(rotating_file_sink, retention_counts_earlier_runs_and_touches_no_other_file) {
  start_once();
  const temp_dir d("rotate-keep");
  for (int i = 1; i <= 4; ++i) write_file(d / fmt::format("app.log.{:06}", i), "old\n");
  const std::vector<std::string> others = {"app.log.1", "app.log.000002.bak", "app.log.old",
                                           "other.log.000001"};
  for (const auto& o : others) write_file(d / o, "not ours\n");
  auto& log = jot::make_logger(
      "keep", {jot::rotating_file_sink(
                  d / "app.log", {.max_bytes = 64, .max_files = 3, .format = message_only()})});
  // 7 records fill the first 64 bytes, then 6 each: 3 rotations, to keys 5, 6, 7.
  for (int i = 0; i < 20; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  std::vector<std::string> expected = {"app.log", "app.log.000005", "app.log.000006",
                                       "app.log.000007"};
  expected.insert(expected.end(), others.begin(), others.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_TRUE(jot::test::wait_until([&] { return list_dir(d.path()) == expected; }));
  EXPECT_EQ(list_dir(d.path()), expected);
  for (const auto& o : others) EXPECT_EQ(jot::test::read_file(d / o), "not ours\n");
  EXPECT_EQ(all_lines(d, "app.log"), numbered(0, 20));
}

TEST(rotating_file_sink, retention_by_total_bytes_and_by_age) {
  start_once();
  const temp_dir d("rotate-bytes");
  write_file(d / "app.log.000001", std::string(50, 'x') + "\n");
  // Two days old: past max_age.
  const struct timeval old[2] = {{::time(nullptr) - 2 * 86400, 0},
                                 {::time(nullptr) - 2 * 86400, 0}};
  ASSERT_EQ(::utimes((d / "app.log.000001").c_str(), old), 0);
  auto& log = jot::make_logger(
      "bytes", {jot::rotating_file_sink(d / "app.log", {.max_bytes = 100,
                                                        .max_total_bytes = 250,
                                                        .max_age = std::chrono::hours(24),
                                                        .format = message_only()})});
  for (int i = 0; i < 100; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  // At most 250 bytes of rotated files: two files of up to 100 bytes.
  EXPECT_TRUE(jot::test::wait_until([&] { return rotated_names(d, "app.log").size() == 2; }));
  const auto names = rotated_names(d, "app.log");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_NE(names[0], "app.log.000001");
  // What is kept is the newest records, without a gap.
  const auto lines = all_lines(d, "app.log");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "record 99");
  const int first = std::stoi(lines.front().substr(7));
  EXPECT_EQ(lines, numbered(first, 100));
}

TEST(rotating_file_sink, timestamp_names_sort_in_time_order_and_never_collide) {
  start_once();
  const temp_dir d("rotate-stamp");
  auto& log = jot::make_logger(
      "stamp", {jot::rotating_file_sink(d / "app.log", {.max_bytes = 64,
                                                        .names = jot::rotated_names::timestamp,
                                                        .format = message_only()})});
  // Many rotations within one millisecond: each gets a name of its own.
  for (int i = 0; i < 200; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  const auto names = rotated_names(d, "app.log");
  ASSERT_GE(names.size(), 25u);
  const std::regex form(R"(app\.log\.\d{8}-\d{6}\.\d{3})");
  for (const auto& n : names) EXPECT_TRUE(std::regex_match(n, form)) << n;
  EXPECT_EQ(all_lines(d, "app.log"), numbered(0, 200));
}

TEST(rotating_file_sink, gzip_replaces_rotated_files_with_complete_copies) {
  start_once();
  const temp_dir d("rotate-gzip");
  auto& log = jot::make_logger(
      "gzip", {jot::rotating_file_sink(d / "app.log", {.max_bytes = 4096,
                                                       .compress = jot::compression::gzip,
                                                       .format = message_only()})});
  for (int i = 0; i < 3000; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  const auto all_gz = [&] {
    const auto names = rotated_names(d, "app.log");
    return !names.empty() && std::all_of(names.begin(), names.end(), [](const std::string& n) {
      return jot::test::ends_with(n, ".gz");
    });
  };
  EXPECT_TRUE(jot::test::wait_until(all_gz));
  EXPECT_GE(rotated_names(d, "app.log").size(), 7u);
  EXPECT_EQ(all_lines(d, "app.log"), numbered(0, 3000));
}

TEST(rotating_file_sink, retention_and_gzip_together_report_nothing) {
  // Rotations faster than compression: by the time the worker comes to a
  // rotated file, retention may have removed it already. That is normal
  // operation, not a failure to compress.
  start_once();
  const temp_dir d("rotate-gzip-retain");
  const std::size_t reports_before = errors().snapshot().size();
  auto& log = jot::make_logger(
      "gzip_retain", {jot::rotating_file_sink(d / "app.log", {.max_bytes = 1024,
                                                              .max_files = 2,
                                                              .compress = jot::compression::gzip,
                                                              .format = message_only()})});
  for (int i = 0; i < 20000; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  const auto settled = [&] {
    const auto names = rotated_names(d, "app.log");
    return names.size() <= 2 && std::all_of(names.begin(), names.end(), [](const std::string& n) {
             return jot::test::ends_with(n, ".gz");
           });
  };
  EXPECT_TRUE(jot::test::wait_until(settled));
  const auto reports = errors().snapshot();
  for (std::size_t i = reports_before; i < reports.size(); ++i) {
    ADD_FAILURE() << "a report in normal operation: " << reports[i];
  }
}

TEST(rotating_file_sink, start_finishes_or_undoes_what_a_crash_left) {
  start_once();
  const temp_dir d("rotate-crash");
  // Crashed while compressing 1: a partial .gz.tmp beside the original.
  write_file(d / "app.log.000001", "first\n");
  write_file(d / "app.log.000001.gz.tmp", "\x1f\x8b partial");
  // Crashed after finishing 2's copy, before removing the original.
  write_file(d / "app.log.000002", "second\n");
  write_gz(d / "app.log.000002.gz", "second\n");
  // Never compressed (an earlier run without compression).
  write_file(d / "app.log.000003", "third\n");
  auto& log = jot::make_logger(
      "crash", {jot::rotating_file_sink(
                   d / "app.log", {.compress = jot::compression::gzip, .format = message_only()})});
  JOT_INFO(log, "fourth");
  jot::flush();
  const std::vector<std::string> expected = {"app.log", "app.log.000001.gz", "app.log.000002.gz",
                                             "app.log.000003.gz"};
  EXPECT_TRUE(jot::test::wait_until([&] { return list_dir(d.path()) == expected; }));
  EXPECT_EQ(list_dir(d.path()), expected);
  EXPECT_EQ(all_lines(d, "app.log"),
            (std::vector<std::string>{"first", "second", "third", "fourth"}));
}

TEST(rotating_file_sink, on_start_rotates_what_an_earlier_run_left) {
  start_once();
  const temp_dir d("rotate-start");
  write_file(d / "app.log", "earlier run\n");
  auto& log = jot::make_logger(
      "start",
      {jot::rotating_file_sink(
          d / "app.log", {.on_start = true, .sync_rotated = false, .format = message_only()})});
  JOT_INFO(log, "this run");
  jot::flush();
  EXPECT_EQ(jot::test::read_file(d / "app.log.000001"), "earlier run\n");
  EXPECT_EQ(jot::test::read_file(d / "app.log"), "this run\n");
}

TEST(rotating_file_sink, record_larger_than_max_bytes_is_kept_whole_in_a_file_of_its_own) {
  start_once();
  const temp_dir d("rotate-large");
  auto& log = jot::make_logger(
      "large",
      {jot::rotating_file_sink(d / "app.log", {.max_bytes = 16, .format = message_only()})});
  std::vector<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    expected.push_back(fmt::format("record {} {}", i, std::string(40, 'x')));
    JOT_INFO(log, "{}", expected.back());
  }
  jot::flush();
  EXPECT_EQ(all_lines(d, "app.log"), expected);
  const auto names = rotated_names(d, "app.log");
  ASSERT_EQ(names.size(), 4u);
  for (const auto& n : names) EXPECT_EQ(split_lines(jot::test::read_file(d / n)).size(), 1u);
  EXPECT_EQ(errors().count("is larger than max_bytes (16)"), 1u);
}

TEST(rotating_file_sink, path_with_spaces_and_non_ascii_characters) {
  start_once();
  const temp_dir d("rotate-names");
  ASSERT_EQ(::mkdir((d / "journaux d'été").c_str(), 0755), 0);
  const std::string dir = d / "journaux d'été";
  const std::string base = "mon appli ✓.log";
  auto& log = jot::make_logger(
      "names", {jot::rotating_file_sink(dir + "/" + base, {.max_bytes = 256,
                                                           .compress = jot::compression::gzip,
                                                           .format = message_only()})});
  for (int i = 0; i < 100; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  EXPECT_TRUE(jot::test::wait_until([&] {
    for (const auto& n : list_dir(dir)) {
      if (n != base && !jot::test::ends_with(n, ".gz")) return false;
    }
    return true;
  }));
  std::vector<std::string> lines;
  for (const auto& n : list_dir(dir)) {
    if (n == base) continue;
    EXPECT_EQ(n.substr(0, base.size() + 1), base + ".") << n;
    const auto part = split_lines(read_maybe_gz(dir + "/" + n));
    lines.insert(lines.end(), part.begin(), part.end());
  }
  const auto active = split_lines(jot::test::read_file(dir + "/" + base));
  lines.insert(lines.end(), active.begin(), active.end());
  EXPECT_EQ(lines, numbered(0, 100));
}

TEST(rotating_file_sink, time_rotation_at_each_boundary) {
  start_once();
  const temp_dir d("rotate-time");
  auto& log = jot::make_logger(
      "time", {jot::rotating_file_sink(d / "app.log", {.every = std::chrono::seconds(1),
                                                       .sync_rotated = false,
                                                       .format = message_only()})});
  // 2.3 s of records: two or three boundaries crossed.
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(2300);
  int n = 0;
  while (std::chrono::steady_clock::now() < end) {
    JOT_INFO(log, "record {}", n++);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  jot::flush();
  const auto names = rotated_names(d, "app.log");
  EXPECT_GE(names.size(), 2u);
  EXPECT_LE(names.size(), 3u);
  for (const auto& name : names) EXPECT_FALSE(jot::test::read_file(d / name).empty()) << name;
  EXPECT_EQ(all_lines(d, "app.log"), numbered(0, n));
}

}  // namespace
