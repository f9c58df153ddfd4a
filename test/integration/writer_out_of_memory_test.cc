// The writer thread survives allocation failures: it reports them, goes on
// when memory is back, and loses no record (it used to end the process
// through std::terminate).
#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {
std::atomic<bool> g_fail{false};
std::atomic<pthread_t> g_writer{};
std::atomic<bool> g_writer_known{false};
}  // namespace

// Every allocation of this program: fails on the writer thread while
// g_fail is set.
void* operator new(std::size_t n) {
  if (g_fail.load(std::memory_order_relaxed) && g_writer_known.load(std::memory_order_relaxed) &&
      pthread_equal(pthread_self(), g_writer.load(std::memory_order_relaxed)) != 0) {
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(n != 0 ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

class writer_spy final : public jot::sink {
 public:
  void write(const jot::record_view&, std::string_view) override {
    g_writer.store(pthread_self());
    g_writer_known.store(true);
  }
  void flush() override {}
};

TEST(writer_out_of_memory, goes_on_and_loses_nothing) {
  jot::test::error_log errors;
  jot::options opts;
  opts.error_handler = errors.handler();
  ASSERT_TRUE(jot::start(opts));
  const std::string path = jot::test::temp_path("oom.log");
  auto& log = jot::make_logger(
      "oom", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")}),
              std::make_shared<writer_spy>()});
  JOT_INFO(log, "before");
  jot::flush();
  ASSERT_TRUE(g_writer_known.load());

  g_fail.store(true);
  // New threads: the writer must allocate to take their rings in (it keeps
  // room for eight more at a time, so ten are sure to need it).
  constexpr int threads = 10;
  constexpr int per_thread = 200;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&log, t] {
      for (int i = 0; i < per_thread; ++i) JOT_INFO(log, "thread {} {}", t, i);
    });
  }
  for (int i = 0; i < 1000; ++i) JOT_INFO(log, "main {}", i);
  for (auto& t : ts) t.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  g_fail.store(false);
  jot::flush();

  const auto lines = jot::test::read_lines(path);
  int main_next = 0;
  std::vector<int> next(threads, 0);
  for (const auto& l : lines) {
    int t = -1;
    int i = -1;
    if (std::sscanf(l.c_str(), "main %d", &i) == 1) {
      EXPECT_EQ(i, main_next++);
    } else if (std::sscanf(l.c_str(), "thread %d %d", &t, &i) == 2 && t >= 0 && t < threads) {
      EXPECT_EQ(i, next[static_cast<std::size_t>(t)]++);
    }
  }
  EXPECT_EQ(main_next, 1000);
  for (int t = 0; t < threads; ++t) EXPECT_EQ(next[static_cast<std::size_t>(t)], per_thread);
  bool told = false;
  for (const auto& e : errors.snapshot()) {
    told = told || e.find("the writer thread could not allocate") != std::string::npos;
  }
  EXPECT_TRUE(told);
  jot::shutdown();
}

}  // namespace
