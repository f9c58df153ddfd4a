// jot::prepare_thread(): after it, a thread's first log call allocates
// nothing (counted by replacing the global operator new in this program),
// and its records still land; without it, the first call allocates (so the
// count can see it).
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {
// Allocations by operator new on the current thread while counting is on.
constinit thread_local bool tls_counting = false;
constinit thread_local long tls_allocations = 0;

void* counted(std::size_t n, std::size_t align) {
  if (tls_counting) ++tls_allocations;
  if (n == 0) n = 1;
  void* p = align <= alignof(std::max_align_t)
                ? std::malloc(n)
                : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return counted(n, 0); }
void* operator new[](std::size_t n) { return counted(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) {
  return counted(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return counted(n, static_cast<std::size_t>(a));
}
// The nothrow forms too, so that every allocation and release goes through
// these (a sanitizer's runtime would otherwise provide them, and see memory
// from its operator new released with free()).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return counted(n, static_cast<std::size_t>(a));
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return counted(n, static_cast<std::size_t>(a));
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

struct point {
  int x, y;
};

}  // namespace

template <>
struct fmt::formatter<point> : fmt::formatter<int> {
  auto format(const point& p, format_context& ctx) const {
    return fmt::format_to(ctx.out(), "({}, {})", p.x, p.y);
  }
};

namespace {

// Allocations made by the first log calls of a new thread (an encodable
// record and one with a user type), after prepare_thread() if `prepare`.
long first_call_allocations(jot::logger& log, bool prepare, bool& prepared) {
  long n = -1;
  std::thread t([&] {
    if (prepare) prepared = jot::prepare_thread() && jot::prepare_thread();  // idempotent
    const std::string text = "a string argument";                            // made before counting
    tls_counting = true;
    JOT_INFO(log, "first {} {} {}", prepare ? 1 : 0, text, 2.5);
    JOT_INFO(log, "user type {}", point{1, 2});
    tls_counting = false;
    n = tls_allocations;
    tls_allocations = 0;
  });
  t.join();
  return n;
}

TEST(prepare_thread, first_call_does_not_allocate_and_records_land) {
  const std::string path = jot::test::temp_path("prepared.log");
  auto& log = jot::make_logger(
      "prepared", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  // Before start(): starts jot with the defaults, as a first call would.
  bool prepared = false;
  EXPECT_EQ(first_call_allocations(log, true, prepared), 0);
  EXPECT_TRUE(prepared);
  EXPECT_TRUE(jot::running());
  // Without it, the first call makes the ring (the count sees that).
  bool unused = false;
  EXPECT_GT(first_call_allocations(log, false, unused), 0);
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(path),
            (std::vector<std::string>{"first 1 a string argument 2.5", "user type (1, 2)",
                                      "first 0 a string argument 2.5", "user type (1, 2)"}));
}

TEST(prepare_thread, after_shutdown_it_returns_false_and_calls_still_land) {
  const std::string path = jot::test::temp_path("after.log");
  auto& log = jot::make_logger(
      "after", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  jot::shutdown();
  bool prepared = true;
  std::thread t([&] {
    prepared = jot::prepare_thread();
    JOT_INFO(log, "after shutdown");
  });
  t.join();
  EXPECT_FALSE(prepared);
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(path), (std::vector<std::string>{"after shutdown"}));
}

}  // namespace
