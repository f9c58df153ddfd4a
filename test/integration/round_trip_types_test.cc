// Through the whole pipeline (caller, ring, writer, file), every supported
// type renders exactly as fmt renders it on the caller.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

struct money {
  long cents;
};

enum class color { red = 1, green = 2 };

}  // namespace

template <>
struct fmt::formatter<money> {
  char style = 'd';
  constexpr auto parse(fmt::format_parse_context& ctx) {
    auto it = ctx.begin();
    if (it != ctx.end() && (*it == 'd' || *it == 'c')) style = *it++;
    return it;
  }
  auto format(const money& m, fmt::format_context& ctx) const {
    if (style == 'c') return fmt::format_to(ctx.out(), "{}c", m.cents);
    return fmt::format_to(ctx.out(), "${}.{:02}", m.cents / 100, m.cents % 100);
  }
};

namespace {

TEST(round_trip_types, file_holds_what_fmt_would_print) {
  const std::string path = jot::test::temp_path("types.log");
  auto& log = jot::make_logger(
      "types", {jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})},
      jot::level::trace);

  std::vector<std::string> expected;
  const char* null_str = nullptr;
  const std::string s = "std::string";
  const std::string_view sv = "view";
  const int x = 7;

  JOT_TRACE(log, "ints {} {} {} {}", std::numeric_limits<std::int64_t>::min(),
            std::numeric_limits<std::uint64_t>::max(), static_cast<short>(-3),
            static_cast<unsigned char>(200));
  expected.push_back(fmt::format("ints {} {} {} {}", std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::uint64_t>::max(), static_cast<short>(-3),
                                 static_cast<unsigned char>(200)));
  JOT_DEBUG(log, "floats {} {} {:.3f}", 0.1f, 2.5e-10, 1.0L / 3);
  expected.push_back(fmt::format("floats {} {} {:.3f}", 0.1f, 2.5e-10, 1.0L / 3));
  JOT_INFO(log, "bool {} char {} ptr {}", true, 'z', static_cast<const void*>(&x));
  expected.push_back(
      fmt::format("bool {} char {} ptr {}", true, 'z', static_cast<const void*>(&x)));
  JOT_WARN(log, "strings {} {} {} {} {}", "literal", s, sv, null_str, std::string());
  expected.push_back(fmt::format("strings {} {} {} {} {}", "literal", s, sv, "(null)", ""));
  JOT_ERROR(log, "enum {} {}", color::green, color::red);  // scoped: printed as underlying
  expected.push_back("enum 2 1");
  const jot::logger& read_only = log;
  JOT_INFO(read_only, "through a const logger {}", 9);
  expected.push_back("through a const logger 9");
  JOT_CRITICAL(log, "user type {} {:c}", money{1234}, money{5});
  expected.push_back("user type $12.34 5c");
  JOT_INFO(log, "no arguments at all");
  expected.push_back("no arguments at all");
  JOT_INFO(log, "braces {{}} and {}", 1);
  expected.push_back("braces {} and 1");

  jot::flush();
  EXPECT_EQ(jot::test::read_lines(path), expected);
}

TEST(round_trip_types, levels_filter_at_run_time) {
  const std::string path = jot::test::temp_path("levels.log");
  auto& log = jot::make_logger(
      "levels", {jot::file_sink(path, {.format = jot::pattern_formatter("{level} {message}")})},
      jot::level::info);
  int evaluated = 0;
  auto count = [&evaluated] { return ++evaluated; };
  JOT_DEBUG(log, "hidden {}", count());
  JOT_INFO(log, "shown {}", 1);
  log.set_level(jot::level::error);
  EXPECT_EQ(log.get_level(), jot::level::error);
  JOT_WARN(log, "hidden {}", count());
  JOT_ERROR(log, "shown {}", 2);
  log.set_level(jot::level::trace);
  JOT_TRACE(log, "shown {}", 3);
  log.set_level(jot::level::off);
  JOT_CRITICAL(log, "hidden {}", count());
  jot::flush();
  EXPECT_EQ(evaluated, 0) << "arguments of disabled calls must not be evaluated";
  EXPECT_EQ(jot::test::read_lines(path),
            (std::vector<std::string>{"INFO shown 1", "ERROR shown 2", "TRACE shown 3"}));
}

TEST(round_trip_types, one_formatter_feeds_several_sinks_and_pointers_work) {
  const std::string a = jot::test::temp_path("a.log");
  const std::string b = jot::test::temp_path("b.log");
  auto fmt_shared = jot::pattern_formatter("{logger} {message}");
  auto capture = std::make_shared<jot::test::capture_sink>(fmt_shared);
  jot::logger* log = &jot::make_logger(
      "multi", {jot::file_sink(a, {.format = fmt_shared}), jot::file_sink(b), capture});
  JOT_INFO(log, "to all {}", 3);
  jot::flush();
  EXPECT_EQ(jot::test::read_lines(a), std::vector<std::string>{"multi to all 3"});
  const auto lines_b = jot::test::read_lines(b);
  ASSERT_EQ(lines_b.size(), 1u);
  EXPECT_NE(lines_b[0].find("INFO  ["), std::string::npos) << lines_b[0];
  EXPECT_NE(lines_b[0].find("multi: to all 3 (round_trip_types_test.cc:"), std::string::npos)
      << lines_b[0];
  EXPECT_EQ(capture->lines(), std::vector<std::string>{"multi to all 3\n"});
  EXPECT_EQ(&jot::make_logger("multi", {}), log) << "same name, same logger";
  EXPECT_EQ(jot::find_logger("multi"), log);
  EXPECT_EQ(jot::find_logger("nobody"), nullptr);
}

TEST(round_trip_types, default_logger_writes_to_stdout) {
  testing::internal::CaptureStdout();
  JOT_INFO(jot::default_logger(), "to the console {}", 5);
  jot::flush();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("default: to the console 5"), std::string::npos) << out;
}

}  // namespace
