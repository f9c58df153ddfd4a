// A record larger than the whole ring neither blocks nor is cut: it travels
// on the heap and keeps its place among the thread's records.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(large_record, larger_than_the_ring_arrives_whole_and_in_order) {
  jot::options opts;
  opts.ring_bytes = 4096;
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("large.log");
  auto& log = jot::make_logger(
      "large", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});

  const std::string big(1 << 20, 'x');  // 256 times the ring
  const std::string medium(3000, 'm');  // more than half the ring
  std::thread other([&log] {
    for (int i = 0; i < 2000; ++i) JOT_INFO(log, "other {}", i);
  });
  JOT_INFO(log, "before");
  JOT_INFO(log, "big {} end", big);
  JOT_INFO(log, "medium {}", medium);
  JOT_INFO(log, "after");
  other.join();
  jot::flush();

  const auto lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), 2004u);
  std::vector<std::string> mine;
  for (const auto& l : lines) {
    if (l.rfind("other ", 0) != 0) mine.push_back(l);
  }
  ASSERT_EQ(mine.size(), 4u);
  EXPECT_EQ(mine[0], "before");
  EXPECT_EQ(mine[1], "big " + big + " end");
  EXPECT_EQ(mine[2], "medium " + medium);
  EXPECT_EQ(mine[3], "after");
}

}  // namespace
