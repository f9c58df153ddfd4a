// Rotation by others, for a plain file sink: jot::reopen(), the SIGHUP
// hook and its chaining, and several processes appending to one file.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/rotation_support.h"

namespace {

jot::test::error_log& errors() {
  static jot::test::error_log log;
  return log;
}

std::atomic<int> g_previous_handler_calls{0};
void previous_handler(int) { g_previous_handler_calls.fetch_add(1); }

void start_once() {
  static const bool started = [] {
    // The application's own SIGHUP handler, installed before jot's.
    struct sigaction sa {};
    sa.sa_handler = previous_handler;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGHUP, &sa, nullptr);
    jot::options o;
    o.error_handler = errors().handler();
    o.reopen_on_sighup = true;
    return jot::start(o);
  }();
  ASSERT_TRUE(started);
}

std::size_t replaced_reports(const std::string& path) {
  std::size_t n = 0;
  for (const auto& m : errors().snapshot()) {
    n += m.find(path) != std::string::npos ? 1 : 0;
  }
  return n;
}

TEST(file_reopen, reopen_sends_later_records_to_a_new_file_without_a_report) {
  start_once();
  const jot::test::temp_dir d("reopen");
  auto& log = jot::make_logger(
      "reopen", {jot::file_sink(d / "app.log", {.format = jot::pattern_formatter("{message}")})});
  JOT_INFO(log, "before");
  jot::flush();
  ASSERT_EQ(std::rename((d / "app.log").c_str(), (d / "app.log.1").c_str()), 0);
  jot::reopen();
  JOT_INFO(log, "after");
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(d / "app.log.1"), std::vector<std::string>{"before"});
  EXPECT_EQ(jot::test::read_lines(d / "app.log"), std::vector<std::string>{"after"});
  EXPECT_EQ(replaced_reports(d / "app.log"), 0u);
}

TEST(file_reopen, sighup_reopens_and_chains_to_the_previous_handler) {
  start_once();
  const jot::test::temp_dir d("sighup");
  auto& log = jot::make_logger(
      "sighup", {jot::file_sink(d / "app.log", {.format = jot::pattern_formatter("{message}")})});
  JOT_INFO(log, "before");
  jot::flush();
  ASSERT_EQ(std::rename((d / "app.log").c_str(), (d / "app.log.1").c_str()), 0);
  const int calls = g_previous_handler_calls.load();
  ASSERT_EQ(::raise(SIGHUP), 0);  // the process goes on
  EXPECT_EQ(g_previous_handler_calls.load(), calls + 1);
  JOT_INFO(log, "after");
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(d / "app.log.1"), std::vector<std::string>{"before"});
  EXPECT_EQ(jot::test::read_lines(d / "app.log"), std::vector<std::string>{"after"});
  EXPECT_EQ(replaced_reports(d / "app.log"), 0u);
}

TEST(file_reopen, renames_while_logging_lose_and_repeat_nothing) {
  start_once();
  const jot::test::temp_dir d("renames");
  auto& log = jot::make_logger(
      "renames", {jot::file_sink(d / "app.log", {.buffer_bytes = 4096,
                                                 .format = jot::pattern_formatter("{message}")})});
  std::atomic<bool> stop{false};
  int records = 0;
  std::thread logger([&] {
    while (!stop && records < 500'000) JOT_INFO(log, "record {}", records++);
  });
  // Rotated by hand, with no signal and no reopen(): the check before each
  // write makes the new app.log each time, and the next rename takes it.
  constexpr int renames = 5;
  for (int n = 1; n <= renames; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(
        jot::test::wait_until([&] { return ::access((d / "app.log").c_str(), F_OK) == 0; }));
    ASSERT_EQ(std::rename((d / "app.log").c_str(), (d / fmt::format("app.log.{}", n)).c_str()), 0);
  }
  stop = true;
  logger.join();
  jot::flush();
  std::vector<std::string> lines;
  for (int n = 1; n <= renames; ++n) {
    const auto part = jot::test::read_lines(d / fmt::format("app.log.{}", n));
    lines.insert(lines.end(), part.begin(), part.end());
  }
  const auto active = jot::test::read_lines(d / "app.log");
  lines.insert(lines.end(), active.begin(), active.end());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(records));
  for (int i = 0; i < records; ++i) ASSERT_EQ(lines[i], fmt::format("record {}", i));
}

TEST(file_reopen, several_processes_appending_never_split_a_line) {
  start_once();
  const jot::test::temp_dir d("shared");
  const std::string path = d / "shared.log";
  constexpr int children = 4;
  constexpr int records = 3000;
  std::vector<std::unique_ptr<jot::test::child_process>> procs;
  for (int c = 0; c < children; ++c) {
    procs.push_back(std::make_unique<jot::test::child_process>(std::vector<std::string>{
        JOT_ROTATION_CHILD, "plain", path, std::to_string(records), "0", fmt::format("p{}", c)}));
  }
  for (auto& p : procs) EXPECT_EQ(p->wait(), 0);
  const std::string padding(120, '.');
  std::map<std::string, int> next;  // per process: the next number expected
  std::size_t bad = 0;
  for (const auto& line : jot::test::read_lines(path)) {
    const auto sp = line.find(' ');
    const std::string tag = line.substr(0, sp);
    if (line != fmt::format("{} {} {}", tag, next[tag], padding)) {
      ++bad;
      continue;
    }
    ++next[tag];
  }
  EXPECT_EQ(bad, 0u);
  for (int c = 0; c < children; ++c) EXPECT_EQ(next[fmt::format("p{}", c)], records);
}

TEST(file_reopen, rotation_in_an_unwritable_directory_is_reported_and_loses_nothing) {
  start_once();
  const jot::test::temp_dir d("unwritable");
  const std::string path = d / "app.log";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  ASSERT_EQ(::chmod(path.c_str(), 0666), 0);
  ASSERT_EQ(::chmod(d.path().c_str(), 0555), 0);
  jot::test::child_process p({JOT_ROTATION_CHILD, "unwritable", path, "200", "0", "u"});
  std::vector<std::string> out;
  for (std::string l = p.read_line(); !l.empty(); l = p.read_line()) out.push_back(l);
  ASSERT_EQ(p.wait(), 0);
  ::chmod(d.path().c_str(), 0700);
  std::size_t cannot_rotate = 0;
  for (const auto& l : out) cannot_rotate += l.find("cannot rotate") != std::string::npos ? 1 : 0;
  EXPECT_EQ(cannot_rotate, 1u);  // once, not at every record
  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 200u);
  const std::string padding(120, '.');
  for (int i = 0; i < 200; ++i) EXPECT_EQ(lines[i], fmt::format("u {} {}", i, padding));
  EXPECT_EQ(jot::test::list_dir(d.path()), std::vector<std::string>{"app.log"});
}

}  // namespace
