// A program that logs and returns from main without calling shutdown()
// loses nothing, and a static destructor that logs afterwards is written
// too.
#include <sys/wait.h>

#include <cstdlib>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(exit_without_shutdown, every_record_is_in_the_file) {
  const std::string path = jot::test::temp_path("child.log");
  constexpr long per_thread = 50'000;
  const std::string cmd = fmt::format("'{}' '{}' {}", JOT_EXIT_CHILD, path, per_thread);
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "child died: " << status;
  ASSERT_EQ(WEXITSTATUS(status), 0);

  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 3 * per_thread + 2);
  std::set<std::string> unique(lines.begin(), lines.end());
  EXPECT_EQ(unique.size(), lines.size()) << "no duplicates";
  for (int t = 0; t < 3; ++t) {
    EXPECT_TRUE(unique.count(fmt::format("t{} {}", t, 0)));
    EXPECT_TRUE(unique.count(fmt::format("t{} {}", t, per_thread - 1)));
  }
  EXPECT_EQ(lines[lines.size() - 2], "last record from main");
  EXPECT_EQ(lines.back(), "from a static destructor");
}

}  // namespace
