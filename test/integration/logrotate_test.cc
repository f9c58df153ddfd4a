// The system's logrotate program rotates the file of a live jot process
// (Debian's logrotate package; the test skips where it is missing). Every
// record logged must be found exactly once across the files, in order.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/rotation_support.h"

namespace {

std::string find_logrotate() {
  for (const char* p : {"/usr/sbin/logrotate", "/sbin/logrotate", "/usr/bin/logrotate"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

int run_logrotate(const std::string& program, const jot::test::temp_dir& d) {
  const std::string cmd = fmt::format("'{}' -f -s '{}' '{}' 2>>'{}'", program, d / "state",
                                      d / "logrotate.conf", d / "logrotate.err");
  return std::system(cmd.c_str());
}

// logrotate's names: app.log.N[.gz], N = 1 the newest; then app.log.
std::vector<std::string> lines_in_rotation_order(const jot::test::temp_dir& d) {
  std::vector<std::string> lines;
  for (int n = 100; n >= 1; --n) {
    for (const std::string suffix : {"", ".gz"}) {
      const std::string path = d / fmt::format("app.log.{}{}", n, suffix);
      if (::access(path.c_str(), F_OK) != 0) continue;
      const auto part = jot::test::split_lines(jot::test::read_maybe_gz(path));
      lines.insert(lines.end(), part.begin(), part.end());
    }
  }
  const auto active = jot::test::read_lines(d / "app.log");
  lines.insert(lines.end(), active.begin(), active.end());
  return lines;
}

std::vector<std::string> expected_lines(int records) {
  std::vector<std::string> v;
  const std::string padding(120, '.');
  for (int i = 0; i < records; ++i) v.push_back(fmt::format("r {} {}", i, padding));
  return v;
}

// Starts the child, then runs logrotate `times` times while it logs;
// `around` is called with the child's pid before and after each run
// (true: before).
template <class Around>
void rotate_while_logging(const jot::test::temp_dir& d, const std::string& program,
                          const std::string& rules, int records, Around around) {
  {
    std::ofstream conf(d / "logrotate.conf");
    conf << fmt::format("\"{}\" {{\n{}}}\n", d / "app.log", rules);
  }
  ::chmod((d / "logrotate.conf").c_str(), 0644);
  jot::test::child_process child({JOT_ROTATION_CHILD, "plain", d / "app.log",
                                  std::to_string(records), "100", "r", d / "rotations.done"});
  ASSERT_EQ(child.read_line(), "ready");
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    around(child.pid, true);
    const int rc = run_logrotate(program, d);
    around(child.pid, false);
    if (rc != 0) std::ofstream(d / "rotations.done") << "\n";
    ASSERT_EQ(rc, 0) << jot::test::read_file(d / "logrotate.err");
  }
  // The child holds on after its last record until the rotations are over.
  std::ofstream(d / "rotations.done") << "\n";
  std::string rest;
  for (std::string l = child.read_line(); !l.empty(); l = child.read_line()) rest += l + "\n";
  ASSERT_EQ(child.wait(), 0);
  // Rotation by logrotate is normal operation: no report at all.
  EXPECT_EQ(rest, "") << rest;
}

TEST(logrotate, create_compress_and_postrotate_hup) {
  const std::string program = find_logrotate();
  if (program.empty()) GTEST_SKIP() << "logrotate is not installed (Debian package logrotate)";
  const jot::test::temp_dir d("logrotate-create");
  const std::string pid_placeholder = "PID";
  constexpr int records = 12000;
  // The child's pid is known only once it runs: postrotate reads it from a file.
  const std::string rules = fmt::format(
      "  rotate 100\n  create 0644\n  compress\n  missingok\n"
      "  postrotate\n    kill -HUP $(cat '{}')\n  endscript\n",
      d / "child.pid");
  rotate_while_logging(d, program, rules, records, [&](pid_t pid, bool before) {
    if (before) std::ofstream(d / "child.pid") << pid << "\n";
  });
  EXPECT_EQ(::access((d / "app.log.3.gz").c_str(), F_OK), 0) << "three rotations expected";
  EXPECT_EQ(lines_in_rotation_order(d), expected_lines(records));
}

TEST(logrotate, copytruncate) {
  const std::string program = find_logrotate();
  if (program.empty()) GTEST_SKIP() << "logrotate is not installed (Debian package logrotate)";
  const jot::test::temp_dir d("logrotate-copytruncate");
  constexpr int records = 12000;
  // copytruncate loses what is written between its copy and its truncation
  // (logrotate's own caveat): the child is held still (SIGSTOP) meanwhile,
  // as an application would quiesce. The child's writes append (O_APPEND),
  // so after the truncation they start the file again, with no hole.
  const std::string rules = "  rotate 100\n  copytruncate\n  compress\n  missingok\n";
  rotate_while_logging(d, program, rules, records,
                       [](pid_t pid, bool before) { ::kill(pid, before ? SIGSTOP : SIGCONT); });
  EXPECT_EQ(::access((d / "app.log.3.gz").c_str(), F_OK), 0) << "three rotations expected";
  EXPECT_EQ(lines_in_rotation_order(d), expected_lines(records));
  struct stat st {};
  ASSERT_EQ(::stat((d / "app.log").c_str(), &st), 0);
  // No hole of zeros where the file was before truncation.
  const std::string active = jot::test::read_file(d / "app.log");
  EXPECT_EQ(active.find('\0'), std::string::npos);
}

}  // namespace
