// flush() returns only once every record logged before it, by any thread,
// is in the file, while other threads keep logging.
#include <atomic>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

TEST(flush_while_logging, everything_before_the_call_is_written) {
  const std::string path = jot::test::temp_path("flush.log");
  auto& log = jot::make_logger(
      "flush", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});

  constexpr int writers = 3;
  std::atomic<bool> done{false};
  // Each writer publishes the sequence number of its last *returned* call.
  std::vector<std::atomic<long>> last(writers);
  for (auto& l : last) l.store(-1);
  std::vector<std::thread> pool;
  for (int t = 0; t < writers; ++t) {
    pool.emplace_back([&, t] {
      // Bounded, so the file stays small under the sanitizers.
      for (long i = 0; i < 100'000 && !done.load(std::memory_order_relaxed); ++i) {
        JOT_INFO(log, "w{} {}", t, i);
        last[static_cast<std::size_t>(t)].store(i, std::memory_order_release);
        if (i % 64 == 0) std::this_thread::yield();
      }
    });
  }

  std::string text;
  for (int round = 0; round < 40; ++round) {
    JOT_WARN(log, "marker {}", round);
    std::vector<long> seen(writers);
    for (int t = 0; t < writers; ++t) {
      seen[static_cast<std::size_t>(t)] =
          last[static_cast<std::size_t>(t)].load(std::memory_order_acquire);
    }
    jot::flush();
    // Read only what was appended since the last round.
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const auto size = static_cast<std::size_t>(in.tellg());
    std::string more(size - text.size(), '\0');
    in.seekg(static_cast<std::streamoff>(text.size()));
    in.read(more.data(), static_cast<std::streamsize>(more.size()));
    text += more;
    ASSERT_NE(text.find(fmt::format("marker {}\n", round)), std::string::npos) << "round " << round;
    for (int t = 0; t < writers; ++t) {
      const long s = seen[static_cast<std::size_t>(t)];
      if (s < 0) continue;
      ASSERT_NE(text.find(fmt::format("w{} {}\n", t, s)), std::string::npos)
          << "round " << round << ": writer " << t << " record " << s
          << " returned before flush() but is not in the file";
    }
  }
  done = true;
  for (auto& th : pool) th.join();
}

}  // namespace
