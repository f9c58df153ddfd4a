// The writer thread carries the name and the CPU given in jot::options.
#include <dirent.h>
#include <sched.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

// The kernel thread id of this process's thread with that name, or -1.
long thread_named(const std::string& name) {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  long found = -1;
  while (const dirent* e = readdir(dir)) {
    std::ifstream comm(std::string("/proc/self/task/") + e->d_name + "/comm");
    std::string line;
    if (std::getline(comm, line) && line == name) found = std::stol(e->d_name);
  }
  closedir(dir);
  return found;
}

TEST(writer_thread_options, name_and_cpu_are_applied) {
  jot::options opts;
  opts.writer_name = "jot-test-writer";  // 15 characters: the kernel's limit
  opts.writer_cpu = 0;
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("named.log");
  auto& log = jot::make_logger("named", {jot::file_sink(path)});
  JOT_INFO(log, "hello");
  jot::flush();  // the writer has run, so it has named and pinned itself

  const long tid = thread_named("jot-test-writer");
  ASSERT_GT(tid, 0) << "no thread named jot-test-writer";
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(static_cast<pid_t>(tid), sizeof set, &set), 0);
  EXPECT_EQ(CPU_COUNT(&set), 1);
  EXPECT_TRUE(CPU_ISSET(0, &set));
  EXPECT_EQ(jot::test::read_lines(path).size(), 1u);
}

}  // namespace
