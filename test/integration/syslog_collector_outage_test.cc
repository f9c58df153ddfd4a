// syslog_sink when the collector goes away or slows down, against a real
// rsyslogd: stopped and started again in the middle of a stream, the loss
// is counted exactly and reported (to the error handler and to the
// collector) and logging goes on; with no collector at all, the other
// sinks get every record; a collector that takes nothing (SIGSTOP) makes
// the sink drop and count, or, with when_full::wait, hold the writer until
// it resumes, losing nothing.
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <jot/setup.h>

#include "support/rsyslog.h"
#include "support/test_support.h"

namespace {

using jot::test::received;
using jot::test::rsyslog;
using namespace std::chrono_literals;

jot::test::error_log errors;

class syslog_outage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    jot::options o;
    o.error_handler = errors.handler();
    jot::start(o);
  }
  void SetUp() override {
    if (const std::string why = rsyslog::unavailable(); !why.empty()) GTEST_SKIP() << why;
  }

  static jot::syslog_options tcp(int port) {
    jot::syslog_options o;
    o.transport = jot::syslog_transport::tcp;
    o.port = static_cast<std::uint16_t>(port);
    o.reconnect_min = 20ms;
    o.reconnect_max = 100ms;
    return o;
  }
};

// The records of `rs` from logger `name` whose message starts with `prefix`,
// as their field i.
std::vector<int> numbers(const std::vector<received>& rs, const std::string& prefix) {
  std::vector<int> out;
  for (const auto& r : rs) {
    if (r.msg.starts_with(prefix))
      out.push_back(std::stoi(r.fields["jot@32473"]["i"].get<std::string>()));
  }
  return out;
}

// "N records lost while the collector was unreachable", as the sink
// reported it to the collector; -1 if it did not.
long lost_reported(const rsyslog& c) {
  const std::regex re("^([0-9]+) records? lost while the collector was unreachable");
  long total = -1;
  for (const auto& r : c.records_of("jot")) {
    std::smatch m;
    if (std::regex_search(r.msg, m, re)) total = std::max(total, 0L) + std::stol(m[1]);
  }
  return total;
}

bool handler_saw(const std::string& text) {
  for (const auto& m : errors.snapshot()) {
    if (m.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_F(syslog_outage, collector_restarted_mid_stream_loss_is_counted_and_logging_goes_on) {
  rsyslog c;
  ASSERT_TRUE(c.start()) << c.log();
  jot::syslog_options o = tcp(c.tcp_port);
  o.buffer_bytes = 32 << 10;  // fills while the collector is down
  auto& log = jot::make_logger("restart", {jot::syslog_sink(o)});

  constexpr int before = 300, during = 2000, after = 300;
  for (int i = 0; i < before; ++i) JOT_INFO(log, "before {i}", i);
  jot::flush();
  ASSERT_TRUE(c.wait_for([&](const auto&) { return c.records_of("restart").size() >= before; }));

  c.stop();
  for (int i = 0; i < during; ++i) JOT_INFO(log, "during {i}", i);
  jot::flush();  // finds the connection closed; records wait, then overflow
  ASSERT_TRUE(c.start()) << c.log();
  // The sink reconnects at a flush once its backoff has passed.
  ASSERT_TRUE(jot::test::wait_until([&] {
    jot::flush();
    return lost_reported(c) >= 0;
  })) << "no loss report reached the collector";
  for (int i = 0; i < after; ++i) JOT_INFO(log, "after {i}", i);
  jot::flush();
  ASSERT_TRUE(c.wait_for([&](const auto& all) { return numbers(all, "after ").size() >= after; }));

  const std::vector<received> got = c.records_of("restart");
  const std::vector<int> b = numbers(got, "before "), d = numbers(got, "during "),
                         a = numbers(got, "after ");
  ASSERT_EQ(b.size(), std::size_t{before});
  ASSERT_EQ(a.size(), std::size_t{after});
  for (int i = 0; i < before; ++i) EXPECT_EQ(b[static_cast<std::size_t>(i)], i);
  for (int i = 0; i < after; ++i) EXPECT_EQ(a[static_cast<std::size_t>(i)], i);
  // The records that waited are the first ones, in order, each once; the
  // rest are counted exactly.
  for (std::size_t k = 0; k < d.size(); ++k) EXPECT_EQ(d[k], static_cast<int>(k));
  EXPECT_GT(d.size(), 0U);
  EXPECT_LT(d.size(), std::size_t{during});
  EXPECT_EQ(static_cast<long>(d.size()) + lost_reported(c), during);
  EXPECT_TRUE(handler_saw("connection lost"));
  EXPECT_TRUE(handler_saw("connected again"));
  EXPECT_TRUE(handler_saw(std::to_string(during - static_cast<long>(d.size())) +
                          " records lost while the collector was unreachable"));
}

TEST_F(syslog_outage, with_no_collector_the_other_sinks_get_every_record) {
  const std::string path = jot::test::temp_path("other.log");
  jot::syslog_options o = tcp(jot::test::free_port(SOCK_STREAM));  // nothing listens
  auto& log = jot::make_logger(
      "nobody",
      {jot::syslog_sink(o), jot::file_sink(path, {.format = jot::pattern_formatter("{message}")})});
  constexpr int n = 20000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) JOT_INFO(log, "r {}", i);
  const auto t1 = std::chrono::steady_clock::now();
  jot::flush();
  const auto t2 = std::chrono::steady_clock::now();
  const std::vector<std::string> lines = jot::test::read_lines(path);
  ASSERT_EQ(lines.size(), std::size_t{n});
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(lines[static_cast<std::size_t>(i)], "r " + std::to_string(i));
  EXPECT_TRUE(handler_saw("cannot connect"));
  std::printf("collector down: %d records logged in %.1f ms, flushed in %.1f ms\n", n,
              std::chrono::duration<double, std::milli>(t1 - t0).count(),
              std::chrono::duration<double, std::milli>(t2 - t1).count());
}

// Logs `n` records of about 300 bytes while the collector is stopped.
void flood(jot::logger& log, int n) {
  const std::string pad(250, 'p');
  for (int i = 0; i < n; ++i) JOT_INFO(log, "slow {i} {pad}", i, pad);
}

TEST_F(syslog_outage, a_collector_that_takes_nothing_makes_the_sink_drop_and_count) {
  rsyslog c;
  ASSERT_TRUE(c.start()) << c.log();
  jot::syslog_options o = tcp(c.tcp_port);
  o.buffer_bytes = 64 << 10;
  o.socket_buffer_bytes = 64 << 10;
  auto& log = jot::make_logger("slow_drop", {jot::syslog_sink(o)});
  JOT_INFO(log, "slow {i} connected", -1);
  jot::flush();
  ASSERT_TRUE(c.wait_for([&](const auto&) { return c.records_of("slow_drop").size() == 1; }));

  constexpr int n = 6000;  // 1.8 MB: more than the buffers hold
  c.pause();
  flood(log, n);
  jot::flush();
  c.resume();
  ASSERT_TRUE(jot::test::wait_until([&] {
    jot::flush();
    return lost_reported(c) >= 0;
  })) << "no loss report reached the collector";
  const std::vector<int> got = numbers(c.records_of("slow_drop"), "slow ");
  ASSERT_GT(got.size(), 1U);
  // In order, each once (the collector may take a little now and then, so
  // there can be more than one gap), and every one missing is counted.
  for (std::size_t k = 2; k < got.size(); ++k) EXPECT_LT(got[k - 1], got[k]);
  EXPECT_EQ(static_cast<long>(got.size() - 1) + lost_reported(c), n);
}

TEST_F(syslog_outage,
       a_collector_that_takes_nothing_holds_the_writer_when_asked_and_loses_nothing) {
  rsyslog c;
  ASSERT_TRUE(c.start()) << c.log();
  jot::syslog_options o = tcp(c.tcp_port);
  o.buffer_bytes = 64 << 10;
  o.socket_buffer_bytes = 64 << 10;
  o.on_full = jot::when_full::wait;
  auto& log = jot::make_logger("slow_wait", {jot::syslog_sink(o)});
  constexpr int n = 3000;  // 0.9 MB: more than the buffers hold
  c.pause();
  std::thread resume([&] {
    std::this_thread::sleep_for(500ms);
    c.resume();
  });
  flood(log, n);
  jot::flush();
  resume.join();
  ASSERT_TRUE(c.wait_for([&](const auto&) { return c.records_of("slow_wait").size() >= n; }))
      << c.records_of("slow_wait").size();
  const std::vector<int> got = numbers(c.records_of("slow_wait"), "slow ");
  ASSERT_EQ(got.size(), std::size_t{n});
  for (int i = 0; i < n; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(lost_reported(c), -1);
}

}  // namespace
