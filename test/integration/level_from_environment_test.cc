// Loggers' levels from JOT_LEVEL (set here before anything in jot runs),
// then from jot::configure_levels() and logger::set_level(): which records
// land in the file, and which order decides (later wins; the environment
// comes first, at the first logger or start()).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace {

// Before main(), so before jot reads it. A child run of this program (see
// invalid_environment_spec_is_reported_and_ignored) brings its own.
const bool env_set = [] {
  if (std::getenv("JOT_LEVEL_TEST_CHILD") == nullptr) {
    ::setenv("JOT_LEVEL", "warn,orders=debug,net.*=trace,net.http=error", 1);
  }
  return true;
}();

jot::test::error_log& errors() {
  static jot::test::error_log e;
  return e;
}

std::shared_ptr<jot::sink> shared_file(const std::string& path) {
  return jot::file_sink(path, {.format = jot::pattern_formatter("{logger} {level} {message}")});
}

// One record at each level from `log`.
void log_each_level(jot::logger& log) {
  JOT_TRACE(log, "t");
  JOT_DEBUG(log, "d");
  JOT_INFO(log, "i");
  JOT_WARN(log, "w");
  JOT_ERROR(log, "e");
  JOT_CRITICAL(log, "c");
}

std::vector<std::string> lines_of(const std::string& path, std::string_view logger) {
  std::vector<std::string> out;
  for (const std::string& l : jot::test::read_lines(path)) {
    if (l.starts_with(std::string(logger) + " ")) out.push_back(l.substr(logger.size() + 1));
  }
  return out;
}

const std::vector<std::string> from_trace{"TRACE t", "DEBUG d", "INFO i",
                                          "WARN w",  "ERROR e", "CRITICAL c"};
const std::vector<std::string> from_debug{"DEBUG d", "INFO i", "WARN w", "ERROR e", "CRITICAL c"};
const std::vector<std::string> from_info{"INFO i", "WARN w", "ERROR e", "CRITICAL c"};
const std::vector<std::string> from_warn{"WARN w", "ERROR e", "CRITICAL c"};
const std::vector<std::string> from_error{"ERROR e", "CRITICAL c"};

TEST(level_from_environment, applies_to_loggers_made_before_and_after_start) {
  ASSERT_TRUE(env_set);
  if (std::getenv("JOT_LEVEL_TEST_CHILD") != nullptr) GTEST_SKIP() << "the child's own test runs";
  const std::string path = jot::test::temp_path("env.log");
  auto sink = shared_file(path);
  // Made before start(): JOT_LEVEL is read now.
  auto& app = jot::make_logger("app", {sink}, jot::level::trace);
  jot::options o;
  o.error_handler = errors().handler();
  jot::start(o);
  auto& orders = jot::make_logger("orders", {sink});
  auto& tcp = jot::make_logger("net.tcp", {sink}, jot::level::error);
  auto& http = jot::make_logger("net.http", {sink});
  auto& network = jot::make_logger("network", {sink});
  for (jot::logger* l : {&app, &orders, &tcp, &http, &network}) log_each_level(*l);
  jot::flush();
  EXPECT_EQ(lines_of(path, "app"), from_warn);  // the default overrides the made level
  EXPECT_EQ(lines_of(path, "orders"), from_debug);
  EXPECT_EQ(lines_of(path, "net.tcp"), from_trace);
  EXPECT_EQ(lines_of(path, "net.http"), from_error);  // the exact name beats net.*
  EXPECT_EQ(lines_of(path, "network"), from_warn);    // net.* needs the dot
  EXPECT_EQ(app.get_level(), jot::level::warn);
}

TEST(level_from_environment, set_level_then_configure_levels_later_wins) {
  if (std::getenv("JOT_LEVEL_TEST_CHILD") != nullptr) GTEST_SKIP() << "the child's own test runs";
  const std::string path = jot::test::temp_path("order.log");
  auto sink = shared_file(path);
  auto& a = jot::make_logger("order.a", {sink}, jot::level::info);  // JOT_LEVEL: warn
  auto& b = jot::make_logger("order.b", {sink}, jot::level::info);
  a.set_level(jot::level::debug);  // later than the environment: wins
  log_each_level(a);
  log_each_level(b);
  jot::flush();
  EXPECT_EQ(lines_of(path, "order.a"), from_debug);
  EXPECT_EQ(lines_of(path, "order.b"), from_warn);

  // configure_levels() replaces JOT_LEVEL's spec and the set_level() above;
  // a logger it does not name goes back to the level it was made with.
  const std::string path2 = jot::test::temp_path("order2.log");
  auto sink2 = shared_file(path2);
  auto& c = jot::make_logger("order.c", {sink2}, jot::level::error);
  ASSERT_TRUE(jot::configure_levels("order.a=trace"));
  auto& d = jot::make_logger("order.d", {sink2}, jot::level::info);  // made after: same rules
  auto& d2 = jot::make_logger("order.a2", {sink2});
  EXPECT_EQ(a.get_level(), jot::level::trace);
  EXPECT_EQ(b.get_level(), jot::level::info);
  EXPECT_EQ(c.get_level(), jot::level::error);
  EXPECT_EQ(d.get_level(), jot::level::info);
  EXPECT_EQ(d2.get_level(), jot::level::info);
  b.set_level(jot::level::critical);
  for (jot::logger* l : {&c, &d}) log_each_level(*l);
  JOT_ERROR(b, "b error");
  JOT_CRITICAL(b, "b critical");
  jot::flush();
  EXPECT_EQ(lines_of(path2, "order.c"), from_error);
  EXPECT_EQ(lines_of(path2, "order.d"), from_info);

  // A bad spec changes nothing, and says what and where, to the caller and
  // to the error handler.
  const jot::level_config_result r = jot::configure_levels("order.*=info,order.b=lod");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.position, 21u);
  EXPECT_EQ(r.token, "lod");
  EXPECT_EQ(a.get_level(), jot::level::trace);
  EXPECT_EQ(b.get_level(), jot::level::critical);
  jot::flush();
  bool reported = false;
  for (const std::string& m : errors().snapshot()) {
    reported = reported || (m.find("order.b=lod") != std::string::npos &&
                            m.find("unknown level") != std::string::npos &&
                            m.find("offset 21") != std::string::npos);
  }
  EXPECT_TRUE(reported);

  // The empty spec: every logger as it was made.
  ASSERT_TRUE(jot::configure_levels(""));
  EXPECT_EQ(a.get_level(), jot::level::info);
  EXPECT_EQ(b.get_level(), jot::level::info);
}

// configure_levels() from one thread while others make loggers and log:
// each logger ends at the last spec's level (run under ThreadSanitizer too).
TEST(level_from_environment, configure_levels_races_with_logging_and_make_logger) {
  if (std::getenv("JOT_LEVEL_TEST_CHILD") != nullptr) GTEST_SKIP() << "the child's own test runs";
  const std::string path = jot::test::temp_path("race.log");
  auto sink = shared_file(path);
  std::atomic<bool> stop{false};
  std::vector<std::thread> loggers;
  for (int t = 0; t < 3; ++t) {
    loggers.emplace_back([&, t] {
      for (int i = 0; i < 20 || !stop.load(); ++i) {
        auto& l =
            jot::make_logger("race." + std::to_string(t) + "." + std::to_string(i % 20), {sink});
        JOT_DEBUG(l, "d {}", i);
        JOT_WARN(l, "w {}", i);
      }
    });
  }
  for (int k = 0; k < 200; ++k) {
    ASSERT_TRUE(jot::configure_levels(k % 2 == 0 ? "race.*=debug" : "race.1.*=error,info"));
  }
  stop = true;
  for (auto& t : loggers) t.join();
  ASSERT_TRUE(jot::configure_levels("race.*=trace,race.2.*=off"));
  for (int t = 0; t < 3; ++t) {
    for (int i = 0; i < 20; ++i) {
      const jot::logger* l =
          jot::find_logger("race." + std::to_string(t) + "." + std::to_string(i));
      ASSERT_NE(l, nullptr);
      EXPECT_EQ(l->get_level(), t == 2 ? jot::level::off : jot::level::trace);
    }
  }
}

// In a child (this program again) with a JOT_LEVEL that does not parse:
// its loggers keep the levels they were made with, and the error handler
// (stderr by default) says what is wrong and where.
TEST(level_from_environment, invalid_environment_spec_is_reported_and_ignored) {
  if (std::getenv("JOT_LEVEL_TEST_CHILD") != nullptr) {
    auto& l = jot::make_logger("child", {jot::console_sink(jot::console_stream::out,
                                                           jot::pattern_formatter("{message}"))});
    JOT_DEBUG(l, "child debug");
    JOT_INFO(l, "child info");
    jot::flush();
    return;
  }
  char self[4096] = {};
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  const std::string cmd = std::string("JOT_LEVEL_TEST_CHILD=1 JOT_LEVEL='info,child=debgu' '") +
                          self +
                          "' --gtest_filter=level_from_environment.invalid_environment_spec_is_"
                          "reported_and_ignored 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_NE(out.find("jot: JOT_LEVEL is ignored"), std::string::npos) << out;
  EXPECT_NE(out.find("unknown level"), std::string::npos) << out;
  EXPECT_NE(out.find("at offset 11 (\"debgu\")"), std::string::npos) << out;
  EXPECT_NE(out.find("child info"), std::string::npos) << out;
  EXPECT_EQ(out.find("child debug"), std::string::npos) << out;  // still info, as made
}

}  // namespace
