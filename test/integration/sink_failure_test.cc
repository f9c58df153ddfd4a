// A file sink that fails (file size limit, full disk, missing directory)
// reports through the error handler, keeps the process and the logger's other
// sinks running, and recovers when the cause goes away.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

// jot runs once for the whole binary (tests may run in any order); each test
// picks the reports about its own file out of the shared error log.
jot::test::error_log& errors() {
  // Never destroyed: jot may still report while the process exits.
  static auto* log = new jot::test::error_log;
  return *log;
}

bool start_jot_once() {
  static const bool started = [] {
    jot::options opts;
    opts.error_handler = errors().handler();
    return jot::start(opts);
  }();
  return started;
}

std::vector<std::string> reports_about(std::string_view path) {
  std::vector<std::string> found;
  for (auto& m : errors().snapshot()) {
    if (m.find(path) != std::string::npos) found.push_back(std::move(m));
  }
  return found;
}

std::shared_ptr<jot::formatter> message_only() { return jot::pattern_formatter("{message}"); }

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Logs one record at a time (numbered from `next`) until the file at `path`
// has been created, or about ten seconds pass. The sink tries to open it at
// most once a second, so this takes about a second.
void log_until_file_exists(jot::logger& log, const std::string& path, int& next,
                           const std::string& padding = {}) {
  for (int tries = 0; tries < 100 && !exists(path); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    JOT_INFO(log, "record {}{}", next++, padding);
    jot::flush();
  }
}

// What jot_failing_write_child printed: the error handler's reports and
// the in-memory sink's lines.
struct child_output {
  std::vector<std::string> reports;
  std::vector<std::string> memory;
};

// Runs jot_failing_write_child (see there) and checks that it exited
// normally: neither SIGXFSZ nor SIGPIPE ended it.
void run_failing_write_child(std::string_view mode, const std::string& path, std::size_t limit,
                             int records, child_output& result) {
  const std::string cmd =
      fmt::format("'{}' {} '{}' {} {}", JOT_FAILING_WRITE_CHILD, mode, path, limit, records);
  FILE* child = ::popen(cmd.c_str(), "r");
  ASSERT_NE(child, nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, child)) > 0;) out.append(buf, n);
  const int status = ::pclose(child);
  ASSERT_FALSE(WIFSIGNALED(status))
      << mode << ": the child was killed by signal " << WTERMSIG(status) << " (SIGXFSZ is "
      << SIGXFSZ << ", SIGPIPE " << SIGPIPE << ")";
  ASSERT_TRUE(WIFEXITED(status)) << mode << ": child status " << status;
  ASSERT_EQ(WEXITSTATUS(status), 0) << mode;

  for (std::size_t start = 0; start < out.size();) {
    std::size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    const std::string_view line(out.data() + start, nl - start);
    if (line.starts_with("error ")) {
      result.reports.emplace_back(line.substr(6));
    } else if (line.starts_with("memory ")) {
      result.memory.emplace_back(line.substr(7));
    } else {
      ADD_FAILURE() << "unexpected output from the child: " << line;
    }
    start = nl + 1;
  }
}

// The in-memory sink got every record, in order.
void expect_all_records(const std::vector<std::string>& memory, int records) {
  ASSERT_EQ(memory.size(), static_cast<std::size_t>(records));
  for (int i = 0; i < records; ++i) {
    ASSERT_EQ(memory[static_cast<std::size_t>(i)], fmt::format("record {}", i));
  }
}

// A file sink logs past RLIMIT_FSIZE, with SIGXFSZ at its default action
// (which would end the process): the process goes on, EFBIG is reported
// once, and the other sink keeps every record. `mode`: "async" (the writer
// thread writes the file) or "sync" (the logging thread does).
void check_file_size_limit(std::string_view mode) {
  const std::string path = jot::test::temp_path("limited.log");
  constexpr std::size_t limit = std::size_t{64} << 10;
  constexpr int records = 20'000;
  child_output out;
  ASSERT_NO_FATAL_FAILURE(run_failing_write_child(mode, path, limit, records, out));
  ASSERT_NO_FATAL_FAILURE(expect_all_records(out.memory, records));

  // The file holds the records that fit, in order: the kernel writes up to
  // the limit, so possibly part of the last one, and nothing else.
  std::string expected;
  for (int i = 0; i < records; ++i) expected += fmt::format("record {}\n", i);
  const std::string file = jot::test::read_file(path);
  ASSERT_LE(file.size(), limit);
  const std::size_t longest_line = fmt::format("record {}\n", records - 1).size();
  EXPECT_GT(file.size() + longest_line, limit) << "records that fit are missing";
  EXPECT_TRUE(file.size() == limit || file.ends_with('\n'))
      << "the file ends inside a record before the limit";
  const auto mismatch = std::mismatch(file.begin(), file.end(), expected.begin()).first;
  EXPECT_EQ(mismatch, file.end()) << "the file differs from the records at byte "
                                  << (mismatch - file.begin());

  // Reported, naming the file and the error, once rather than per record.
  ASSERT_FALSE(out.reports.empty());
  EXPECT_LT(out.reports.size(), 5u);
  EXPECT_NE(out.reports[0].find(path), std::string::npos) << out.reports[0];
  EXPECT_NE(out.reports[0].find("File too large"), std::string::npos) << out.reports[0];
}

TEST(sink_failure, file_size_limit_reported_and_other_sink_gets_everything) {
  check_file_size_limit("async");
}

TEST(sink_failure, file_size_limit_in_sync_mode_does_not_kill_the_logging_thread) {
  check_file_size_limit("sync");
}

TEST(sink_failure, writing_resumes_after_the_size_limit_is_lifted_and_says_what_was_lost) {
  const std::string path = jot::test::temp_path("lifted.log");
  constexpr std::size_t limit = std::size_t{64} << 10;
  constexpr int records = 40'000;
  child_output out;
  ASSERT_NO_FATAL_FAILURE(run_failing_write_child("raise", path, limit, records, out));
  ASSERT_NO_FATAL_FAILURE(expect_all_records(out.memory, records));

  // The file: records 0.. up to the limit (the last one perhaps cut short),
  // then, on a line of its own, every record from some point after the
  // limit was lifted to the end, in order.
  const auto lines = jot::test::read_lines(path);
  std::size_t i = 0;
  while (i < lines.size() && lines[i] == fmt::format("record {}", i)) ++i;
  ASSERT_GT(i, 0u);
  ASSERT_LT(i, lines.size());
  const std::string cut_or_next = lines[i];
  if (!fmt::format("record {}", i).starts_with(cut_or_next)) {
    int resumed = -1;
    ASSERT_EQ(std::sscanf(cut_or_next.c_str(), "record %d", &resumed), 1) << cut_or_next;
  } else {
    ++i;  // the cut line, ended by a line end of its own
  }
  int resumed_at = -1;
  ASSERT_LT(i, lines.size());
  ASSERT_EQ(std::sscanf(lines[i].c_str(), "record %d", &resumed_at), 1) << lines[i];
  ASSERT_GE(resumed_at, records / 2);
  for (std::size_t k = i; k < lines.size(); ++k) {
    ASSERT_EQ(lines[k], fmt::format("record {}", resumed_at + static_cast<int>(k - i)));
  }
  ASSERT_EQ(resumed_at + static_cast<int>(lines.size() - i), records);

  // One report of the failure, one of the recovery with the bytes lost.
  ASSERT_EQ(out.reports.size(), 2u) << fmt::format("{}", fmt::join(out.reports, "\n"));
  EXPECT_NE(out.reports[0].find("File too large"), std::string::npos) << out.reports[0];
  EXPECT_NE(out.reports[1].find("writing again after failures (File too large)"), std::string::npos)
      << out.reports[1];
  EXPECT_NE(out.reports[1].find("bytes were lost"), std::string::npos) << out.reports[1];
}

// The console sink writes to a pipe nobody reads any more, with SIGPIPE at
// its default action: reported once, the other sink keeps everything.
void check_broken_pipe(std::string_view mode) {
  constexpr int records = 20'000;
  child_output out;
  ASSERT_NO_FATAL_FAILURE(run_failing_write_child(mode, "-", 0, records, out));
  ASSERT_NO_FATAL_FAILURE(expect_all_records(out.memory, records));
  ASSERT_FALSE(out.reports.empty());
  EXPECT_LT(out.reports.size(), 5u);
  EXPECT_NE(out.reports[0].find("Broken pipe"), std::string::npos) << out.reports[0];
}

TEST(sink_failure, console_on_a_closed_pipe_reported_and_other_sink_gets_everything) {
  check_broken_pipe("pipe");
}

TEST(sink_failure, console_on_a_closed_pipe_in_sync_mode_does_not_kill_the_logging_thread) {
  check_broken_pipe("pipe-sync");
}

TEST(sink_failure, full_disk_reported_once_and_other_sink_gets_everything) {
  struct stat st {};
  if (::stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode)) {
    GTEST_SKIP() << "no /dev/full device here";
  }
  ASSERT_TRUE(start_jot_once());
  const std::string good = jot::test::temp_path("beside-full.log");
  auto& log = jot::make_logger("full", {jot::file_sink("/dev/full", {.format = message_only()}),
                                        jot::file_sink(good, {.format = message_only()})});
  // 10,000 records are several buffers' worth, so several writes fail.
  constexpr int records = 10'000;
  for (int i = 0; i < records / 2; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  for (int i = records / 2; i < records; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();

  const auto lines = jot::test::read_lines(good);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(records));
  for (int i = 0; i < records; ++i) {
    ASSERT_EQ(lines[static_cast<std::size_t>(i)], fmt::format("record {}", i));
  }
  const auto reports = reports_about("/dev/full");
  ASSERT_FALSE(reports.empty());
  EXPECT_LT(reports.size(), 5u);
  EXPECT_NE(reports[0].find("No space left on device"), std::string::npos) << reports[0];
}

TEST(sink_failure, missing_directory_created_later_gets_the_waiting_records) {
  ASSERT_TRUE(start_jot_once());
  const std::string dir = jot::test::temp_path("later");
  const std::string path = dir + "/app.log";
  auto memory = std::make_shared<jot::test::capture_sink>(message_only());
  auto& log =
      jot::make_logger("resume", {jot::file_sink(path, {.format = message_only()}), memory});

  int next = 0;
  for (; next < 1000; ++next) JOT_INFO(log, "record {}", next);
  jot::flush();
  EXPECT_FALSE(exists(path));

  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  log_until_file_exists(log, path, next);
  ASSERT_TRUE(exists(path)) << "not opened within ten seconds of the directory appearing";
  for (const int end = next + 1000; next < end; ++next) JOT_INFO(log, "record {}", next);
  jot::flush();

  const auto lines = jot::test::read_lines(path);
  const auto in_memory = memory->lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(next));
  ASSERT_EQ(in_memory.size(), static_cast<std::size_t>(next));
  for (int i = 0; i < next; ++i) {
    const auto u = static_cast<std::size_t>(i);
    ASSERT_EQ(lines[u], fmt::format("record {}", i));
    ASSERT_EQ(in_memory[u], fmt::format("record {}\n", i));
  }

  // One report of the failure (not one per attempt), then one of the recovery.
  const auto reports = reports_about(path);
  ASSERT_EQ(reports.size(), 2u) << fmt::format("{}", fmt::join(reports, "\n"));
  EXPECT_NE(reports[0].find("cannot open"), std::string::npos) << reports[0];
  EXPECT_NE(reports[0].find("No such file or directory"), std::string::npos) << reports[0];
  EXPECT_NE(reports[1].find("opened after earlier failure"), std::string::npos) << reports[1];
  EXPECT_NE(reports[1].find(" 0 records were lost"), std::string::npos) << reports[1];

  std::remove(path.c_str());
  std::remove(dir.c_str());
}

TEST(sink_failure, waiting_records_are_written_when_the_directory_appears_without_more_records) {
  ASSERT_TRUE(start_jot_once());
  const std::string dir = jot::test::temp_path("quiet-later");
  const std::string path = dir + "/app.log";
  auto& log = jot::make_logger("quiet", {jot::file_sink(path, {.format = message_only()})});
  constexpr int records = 100;
  for (int i = 0; i < records; ++i) JOT_INFO(log, "record {}", i);
  jot::flush();
  EXPECT_FALSE(exists(path));

  // Nothing more is logged: jot itself must come back to the sink.
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  std::vector<std::string> lines;
  for (int tries = 0; tries < 100 && lines.size() < records; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (exists(path)) lines = jot::test::read_lines(path);
  }
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(records))
      << "the waiting records were not written within ten seconds of the directory appearing";
  for (int i = 0; i < records; ++i) {
    ASSERT_EQ(lines[static_cast<std::size_t>(i)], fmt::format("record {}", i));
  }
  std::remove(path.c_str());
  std::remove(dir.c_str());
}

TEST(sink_failure, records_still_waiting_at_shutdown_are_reported) {
  const std::string path = jot::test::temp_path("never") + "/app.log";
  constexpr int records = 100;
  child_output out;
  ASSERT_NO_FATAL_FAILURE(run_failing_write_child("unopened", path, 0, records, out));
  ASSERT_NO_FATAL_FAILURE(expect_all_records(out.memory, records));
  ASSERT_EQ(out.reports.size(), 2u) << fmt::format("{}", fmt::join(out.reports, "\n"));
  EXPECT_NE(out.reports[0].find("cannot open"), std::string::npos) << out.reports[0];
  EXPECT_NE(out.reports[1].find("shutdown: 1 sink(s) still hold records"), std::string::npos)
      << out.reports[1];
}

TEST(sink_failure, records_past_16_mib_while_unopened_are_counted_as_lost) {
  ASSERT_TRUE(start_jot_once());
  const std::string dir = jot::test::temp_path("much-later");
  const std::string path = dir + "/app.log";
  auto& log = jot::make_logger("overflow", {jot::file_sink(path, {.format = message_only()})});

  // About 20 MiB of records while the file cannot be opened: 16 MiB wait.
  const std::string padding(1000, 'x');
  int next = 0;
  for (; next < 20'000; ++next) JOT_INFO(log, "record {}{}", next, padding);
  jot::flush();
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  log_until_file_exists(log, path, next, padding);
  ASSERT_TRUE(exists(path)) << "not opened within ten seconds of the directory appearing";
  const int last_batch = next;
  for (const int end = next + 100; next < end; ++next) {
    JOT_INFO(log, "record {}{}", next, padding);
  }
  jot::flush();

  // The file holds records 0..kept-1 (what fit in 16 MiB), then, after a gap
  // of lost records, every record from the one that found the file open.
  const auto lines = jot::test::read_lines(path);
  ASSERT_FALSE(lines.empty());
  std::size_t kept = 0;
  while (kept < lines.size() && lines[kept] == fmt::format("record {}{}", kept, padding)) ++kept;
  std::size_t kept_bytes = 0;
  for (std::size_t i = 0; i < kept; ++i) kept_bytes += lines[i].size() + 1;
  constexpr std::size_t max_pending = std::size_t{16} << 20;
  EXPECT_LE(kept_bytes, max_pending);
  EXPECT_GT(kept_bytes + lines[0].size() + 1, max_pending) << "fewer records kept than fit";
  ASSERT_LT(kept, lines.size()) << "no records after the gap";
  int resumed_at = -1;
  ASSERT_EQ(std::sscanf(lines[kept].c_str(), "record %d", &resumed_at), 1) << lines[kept];
  ASSERT_GT(resumed_at, static_cast<int>(kept));
  ASSERT_LE(resumed_at, last_batch);
  ASSERT_EQ(lines.size() - kept, static_cast<std::size_t>(next - resumed_at));
  for (std::size_t i = kept; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i],
              fmt::format("record {}{}", resumed_at + static_cast<int>(i - kept), padding));
  }

  // The recovery report counts exactly the records in the gap.
  const auto reports = reports_about(path);
  ASSERT_EQ(reports.size(), 2u) << fmt::format("{}", fmt::join(reports, "\n"));
  EXPECT_NE(reports[0].find("cannot open"), std::string::npos) << reports[0];
  EXPECT_NE(reports[1].find(fmt::format("opened after earlier failure; {} records were lost",
                                        resumed_at - static_cast<int>(kept))),
            std::string::npos)
      << reports[1];

  std::remove(path.c_str());
  std::remove(dir.c_str());
}

}  // namespace
