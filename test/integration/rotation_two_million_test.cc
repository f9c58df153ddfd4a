// Two million records through a rotating file sink with max_bytes = 1 MiB
// and 5 rotated files kept: how many files remain, their sizes, and that
// the newest records are all there, in order, without a gap.
#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/rotation_support.h"

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Under a sanitizer every record costs tens of times more; a tenth of the
// records with a tenth of the file size still rotates as often (about 25
// times) and keeps the same number of files.
constexpr int records = 200'000;
constexpr std::uint64_t max_bytes = std::uint64_t{1} << 20 >> 3;
#else
constexpr int records = 2'000'000;
constexpr std::uint64_t max_bytes = std::uint64_t{1} << 20;
#endif
constexpr std::size_t kept = 5;

TEST(rotation, two_million_records_with_1_mib_files_and_5_kept) {
  const jot::test::temp_dir d("rotate-2m");
  ASSERT_TRUE(jot::start());
  auto& log = jot::make_logger(
      "bulk",
      {jot::rotating_file_sink(d / "app.log", {.max_bytes = max_bytes,
                                               .max_files = kept,
                                               .sync_rotated = false,
                                               .format = jot::pattern_formatter("{message}")})});
  for (int i = 0; i < records; ++i) JOT_INFO(log, "record {:07}", i);  // 15 bytes a line
  jot::flush();
  const auto rotated = [&] {
    std::vector<std::string> v;
    for (const auto& n : jot::test::list_dir(d.path())) {
      if (n != "app.log") v.push_back(n);
    }
    return v;
  };
  EXPECT_TRUE(jot::test::wait_until([&] { return rotated().size() == kept; }));
  const auto names = rotated();
  ASSERT_EQ(names.size(), kept);
  // Rotations so far: 15 bytes a record, max_bytes / 15 records a file.
  const std::uint64_t per_file = max_bytes / 15;
  const std::uint64_t rotations = (records - 1) / per_file;
  EXPECT_EQ(names.back(), fmt::format("app.log.{:06}", rotations));
  std::vector<std::string> lines;
  for (const auto& n : names) {
    struct stat st {};
    ASSERT_EQ(::stat((d / n).c_str(), &st), 0);
    EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), per_file * 15) << n;
    const auto part = jot::test::read_lines(d / n);
    lines.insert(lines.end(), part.begin(), part.end());
  }
  const auto active = jot::test::read_lines(d / "app.log");
  EXPECT_LE(active.size() * 15, max_bytes);
  lines.insert(lines.end(), active.begin(), active.end());
  ASSERT_EQ(lines.size(), kept * per_file + active.size());
  const int first = records - static_cast<int>(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i], fmt::format("record {:07}", first + static_cast<int>(i))) << i;
  }
}

}  // namespace
