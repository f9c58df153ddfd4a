// The binary log's files: a file removed or renamed underneath, a path
// that cannot be opened, and rotation. Whatever happens, every file
// decodes on its own (it starts with what its records need), and records
// are neither lost without a report nor repeated.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/binary_log_support.h"
#include "support/rotation_support.h"

namespace {

using jot::test::quoted;
using jot::test::run_jot_cat;

jot::test::error_log& errors() { return jot::test::program_errors(); }

void start_once() { ASSERT_TRUE(jot::test::start_once_with_program_errors()); }

// The messages of a binary log given as bytes, decoded alone; `problems`
// gets what the reader said (empty: the bytes decoded whole).
std::vector<std::string> messages_of_bytes(const std::string& bytes, std::string& problems) {
  auto f = jot::pattern_formatter("{message}");
  jot::binary_log_reader reader;
  reader.feed(bytes);
  reader.close_input();
  std::vector<std::string> out;
  jot::record_view rec;
  std::string line;
  problems.clear();
  for (;;) {
    const auto st = reader.next(rec);
    if (st == jot::binary_log_reader::status::record) {
      line.clear();
      f->format(rec, line);
      out.push_back(line.substr(0, line.size() - 1));
    } else if (st == jot::binary_log_reader::status::failed) {
      problems += reader.error() + "\n";
      if (reader.fatal()) break;
    } else {
      break;
    }
  }
  problems += reader.finish();
  return out;
}

std::vector<std::string> messages_of(const std::string& path, std::string& problems) {
  return messages_of_bytes(jot::test::read_maybe_gz(path), problems);
}

std::uint64_t written() { return jot::stats().written; }

// Waits until the writer has handed `n` more records than `from` to the sinks.
void wait_written(std::uint64_t from, std::uint64_t n) {
  ASSERT_TRUE(jot::test::wait_until([&] { return written() >= from + n; }));
}

// Records the sink holds in its buffer until jot::flush(): what a file
// replaced underneath then gets is records encoded for the old one.
void flush_only_when_asked(jot::sink& s) {
  jot::flush_policy p;
  p.on_idle = false;
  p.every = std::chrono::milliseconds(0);
  s.set_flush_policy(p);
}

// Records that were waiting in the sink's buffer when its file was renamed
// or removed go to the new file, which decodes on its own, with the call
// sites, logger and threads of the old file's segment given again.
void replaced_underneath(const std::string& name, bool remove) {
  start_once();
  const jot::test::temp_dir d(name);
  const std::string path = d / "app.jotlog";
  auto sink = jot::binary_file_sink(path);
  flush_only_when_asked(*sink);
  const jot::logger& log = jot::make_logger(name, {sink});
  for (int i = 0; i < 100; ++i) JOT_INFO(log, "old {}", i);
  jot::flush();
  std::uint64_t w = written();
  // Waiting in the buffer: one call site defined before, one new, and a
  // thread new to the file.
  for (int i = 0; i < 50; ++i) JOT_INFO(log, "old {}", 100 + i);
  std::thread([&] {
    for (int i = 0; i < 50; ++i) JOT_WARN(log, "waiting {} on {}", i, "another thread");
  }).join();
  wait_written(w, 100);
  if (remove) {
    ASSERT_EQ(::unlink(path.c_str()), 0);
  } else {
    ASSERT_EQ(std::rename(path.c_str(), (d / "app.jotlog.1").c_str()), 0);
  }
  for (int i = 0; i < 50; ++i) JOT_INFO(log, "new {}", i);
  jot::flush();

  std::vector<std::string> expected;
  for (int i = 100; i < 150; ++i) expected.push_back(fmt::format("old {}", i));
  for (int i = 0; i < 50; ++i) expected.push_back(fmt::format("waiting {} on another thread", i));
  for (int i = 0; i < 50; ++i) expected.push_back(fmt::format("new {}", i));
  std::string problems;
  EXPECT_EQ(messages_of(path, problems), expected);
  EXPECT_EQ(problems, "");
  // jot-cat reads the new file alone too, thread names and all.
  const auto r = run_jot_cat("-p '{level_lower}:{message}' " + quoted(path));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 150);
  EXPECT_NE(r.out.find("\nwarn:waiting 49 on another thread\n"), std::string::npos) << r.out;
  if (!remove) {
    std::vector<std::string> before;
    for (int i = 0; i < 100; ++i) before.push_back(fmt::format("old {}", i));
    EXPECT_EQ(messages_of(d / "app.jotlog.1", problems), before);
    EXPECT_EQ(problems, "");
  }
  EXPECT_EQ(errors().count(path), 0u) << "a rotation underneath is not an error";
}

TEST(binary_log_files, records_after_a_removal_go_to_a_new_file_that_decodes_alone) {
  replaced_underneath("bin-removed", true);
}

TEST(binary_log_files, records_after_a_rename_go_to_a_new_file_that_decodes_alone) {
  replaced_underneath("bin-renamed", false);
}

// A path that cannot be opened: a clear report, records wait (up to the
// limit, past which they are counted and the count reported), the file
// opens once it can, and what it holds decodes on its own.
TEST(binary_log_files, unwritable_path_reports_counts_and_resumes) {
  start_once();
  const jot::test::temp_dir d("bin-unwritable");
  const std::string dir = d / "not-yet";
  const std::string path = dir + "/app.jotlog";
  const jot::logger& log = jot::make_logger("unwritable", {jot::binary_file_sink(path)});
  // 2,300 records of 8 KiB: more than the 16 MiB kept while the file is away.
  const std::string big(8192, 'x');
  constexpr int records = 2300;
  const std::uint64_t w = written();
  for (int i = 0; i < records; ++i) JOT_INFO(log, "waiting {} {}", i, big);
  wait_written(w, records);
  EXPECT_EQ(errors().count(path + ": cannot open: No such file or directory"), 1u);

  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  for (int i = 0; i < 10; ++i) JOT_INFO(log, "after {}", i);
  // Opening is retried at most once a second.
  ASSERT_TRUE(jot::test::wait_until([&] {
    jot::flush();
    return errors().count(path + ": opened after earlier failure") == 1;
  }));
  jot::flush();
  std::string lost_report;
  for (const auto& m : errors().snapshot()) {
    if (m.find(path + ": opened after earlier failure") != std::string::npos) lost_report = m;
  }
  int lost = -1;
  ASSERT_EQ(
      std::sscanf(lost_report.c_str() + lost_report.find("; ") + 2, "%d records were lost", &lost),
      1)
      << lost_report;
  EXPECT_GT(lost, 0);

  std::string problems;
  const auto got = messages_of(path, problems);
  EXPECT_EQ(problems, "");
  const int kept = records - lost;
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kept + 10));
  for (int i = 0; i < kept; ++i) ASSERT_EQ(got[i], fmt::format("waiting {} {}", i, big));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[kept + i], fmt::format("after {}", i));
}

// Rotation by size: thousands of records over many files, each of which
// decodes alone; together, merged by jot-cat, every record once and in
// order. A second sink on the same records keeps 3 compressed files.
TEST(binary_log_files, rotated_files_each_decode_and_together_hold_every_record_once) {
  start_once();
  const jot::test::temp_dir all("bin-rotate");
  const jot::test::temp_dir kept("bin-retain");
  const std::string path = all / "app.jotlog";
  const std::string kept_path = kept / "app.jotlog";
  jot::rotation_options every_file;
  every_file.max_bytes = 16 << 10;
  jot::rotation_options three_files = every_file;
  three_files.max_files = 3;
  three_files.compress = jot::compression::gzip;
  const jot::logger& log =
      jot::make_logger("rotating", {jot::rotating_binary_file_sink(path, every_file),
                                    jot::rotating_binary_file_sink(kept_path, three_files)});
  constexpr int per_thread = 2500;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        JOT_INFO(log, "thread {} record {} {}", t, i,
                 std::string(static_cast<std::size_t>(i % 50), '.'));
      }
    });
  }
  for (auto& th : threads) th.join();
  jot::flush();

  const auto names = jot::test::list_dir(all.path());
  ASSERT_GE(names.size(), 10u);
  std::string args;
  int next[2] = {0, 0};
  std::size_t total = 0;
  for (const auto& n : names) {
    std::string problems;
    const auto msgs = messages_of(all / n, problems);
    EXPECT_EQ(problems, "") << n;
    EXPECT_FALSE(msgs.empty()) << n;
    total += msgs.size();
    args.push_back(' ');
    args.append(quoted(all / n));
  }
  EXPECT_EQ(total, 2u * per_thread);
  const auto r = run_jot_cat("-p '{message}'" + args);
  ASSERT_EQ(r.status, 0) << r.err;
  std::size_t lines = 0;
  for (const auto& line : jot::test::split_lines(r.out)) {
    int t = -1;
    int i = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "thread %d record %d", &t, &i), 2) << line;
    ASSERT_TRUE(t == 0 || t == 1) << line;
    ASSERT_EQ(i, next[t]) << line;  // each thread's records once, in order
    ++next[t];
    ++lines;
  }
  EXPECT_EQ(lines, 2u * per_thread);

  // Retention: the background thread leaves three compressed files, the
  // newest; they and the active file decode alone and end with the last
  // records.
  std::vector<std::string> kept_names;
  ASSERT_TRUE(jot::test::wait_until([&] {
    kept_names = jot::test::list_dir(kept.path());  // the active file first, then by age
    return kept_names.size() == 4 && kept_names[0] == "app.jotlog" &&
           std::all_of(kept_names.begin() + 1, kept_names.end(),
                       [](const std::string& n) { return jot::test::ends_with(n, ".gz"); });
  })) << fmt::format("{}", fmt::join(kept_names, " "));
  std::rotate(kept_names.begin(), kept_names.begin() + 1, kept_names.end());
  std::vector<std::string> tail;
  for (const auto& n : kept_names) {
    std::string problems;
    const auto msgs = messages_of(kept / n, problems);
    EXPECT_EQ(problems, "") << n;
    tail.insert(tail.end(), msgs.begin(), msgs.end());
  }
  ASSERT_FALSE(tail.empty());
  int last[2] = {-1, -1};
  for (const auto& m : tail) {
    int t = -1;
    int i = -1;
    ASSERT_EQ(std::sscanf(m.c_str(), "thread %d record %d", &t, &i), 2) << m;
    if (last[t] >= 0) {
      EXPECT_EQ(i, last[t] + 1) << m;
    }
    last[t] = i;
  }
  EXPECT_TRUE(last[0] == per_thread - 1 || last[1] == per_thread - 1);
}

}  // namespace
