// syslog_sink against a real rsyslogd started here: over TCP (octet
// counting), UDP, a Unix socket (RFC 5424 and the syslog(3) format) and
// TLS, every record arrives once, in order, with its fields as structured
// data that rsyslog itself parses; the fuzzers' nasty bytes arrive intact
// (as valid UTF-8); a record longer than rsyslog's limit arrives as one
// shortened message; a certificate that does not verify sends nothing.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <jot/setup.h>

#include "format/syslog_encoder.h"
#include "support/daemon.h"
#include "support/rsyslog.h"
#include "support/test_support.h"

namespace {

using jot::test::received;
using jot::test::rsyslog;

jot::test::error_log errors;
std::unique_ptr<rsyslog> collector;

class syslog_rsyslog : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    jot::options o;
    o.error_handler = errors.handler();
    jot::start(o);
    if (!rsyslog::unavailable().empty()) return;
    collector = std::make_unique<rsyslog>(true);
    if (!collector->start()) {
      ADD_FAILURE() << "rsyslogd did not start: " << collector->log();
      collector.reset();
    }
  }
  static void TearDownTestSuite() {
    jot::flush();
    collector.reset();
  }
  void SetUp() override {
    if (const std::string why = rsyslog::unavailable(); !why.empty()) GTEST_SKIP() << why;
    if (!collector) GTEST_SKIP() << "rsyslogd could not be started";
  }

  static jot::syslog_options tcp() {
    jot::syslog_options o;
    o.transport = jot::syslog_transport::tcp;
    o.port = static_cast<std::uint16_t>(collector->tcp_port);
    o.app_name = "jot-test";
    return o;
  }
};

// Logs `n` records "record <i>" with fields i and tag, then checks that
// rsyslog wrote each once, in order, fields intact.
void send_and_check(const jot::syslog_options& o, const std::string& name, int n,
                    bool in_order = true) {
  auto& log = jot::make_logger(name, {jot::syslog_sink(o)});
  for (int i = 0; i < n; ++i) JOT_INFO(log, "record {i}", i, jot::kv("tag", "a \"b\" ]c"));
  jot::flush();
  ASSERT_TRUE(collector->wait_for([&](const std::vector<received>&) {
    return collector->records_of(name).size() >= std::size_t(n);
  })) << collector->records_of(name).size()
      << " of " << n << " arrived";
  const std::vector<received> got = collector->records_of(name);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(n));
  std::vector<int> seen(static_cast<std::size_t>(n), 0);
  for (std::size_t k = 0; k < got.size(); ++k) {
    const received& r = got[k];
    const int i = std::stoi(r.fields.at("jot@32473").at("i").get<std::string>());
    ASSERT_GE(i, 0);
    ASSERT_LT(i, n);
    ++seen[static_cast<std::size_t>(i)];
    if (in_order) {
      EXPECT_EQ(i, static_cast<int>(k));
    }
    EXPECT_EQ(r.msg, "record " + std::to_string(i));
    EXPECT_EQ(r.fields["jot@32473"]["tag"], "a \"b\" ]c");
    EXPECT_EQ(r.pri, "14");
    EXPECT_EQ(r.app, "jot-test");
    EXPECT_EQ(r.procid, std::to_string(::getpid()));
  }
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], 1) << "record " << i;
}

TEST_F(syslog_rsyslog, tcp_delivers_every_record_once_in_order_with_fields) {
  send_and_check(tcp(), "over_tcp", 2000);
}

TEST_F(syslog_rsyslog, udp_delivers_every_record) {
  jot::syslog_options o = tcp();
  o.transport = jot::syslog_transport::udp;
  o.port = static_cast<std::uint16_t>(collector->udp_port);
  send_and_check(o, "over_udp", 200, false);
}

TEST_F(syslog_rsyslog, unix_socket_rfc5424) {
  jot::syslog_options o = tcp();
  o.transport = jot::syslog_transport::unix_socket;
  o.path = collector->unix_path;
  o.format = jot::syslog_format::rfc5424;
  send_and_check(o, "over_unix", 300);
}

TEST_F(syslog_rsyslog, unix_socket_in_the_syslog3_format) {
  jot::syslog_options o = tcp();
  o.transport = jot::syslog_transport::unix_socket;
  o.path = collector->unix_legacy_path;
  auto& log = jot::make_logger("legacy", {jot::syslog_sink(o)});
  JOT_WARN(log, "disk {pct} full", 91, jot::kv("mount", "/var lib"));
  jot::flush();
  ASSERT_TRUE(collector->wait_for([](const std::vector<received>& all) {
    for (const auto& r : all) {
      if (r.msg.find("disk 91 full") != std::string::npos) return true;
    }
    return false;
  }));
  for (const auto& r : collector->records()) {
    if (r.msg.find("disk 91 full") == std::string::npos) continue;
    EXPECT_EQ(r.pri, "12");
    EXPECT_EQ(r.app, "jot-test");
    EXPECT_EQ(r.procid, std::to_string(::getpid()));
    EXPECT_EQ(r.msg, " disk 91 full pct=91 mount=\"/var lib\"");
  }
}

TEST_F(syslog_rsyslog, tls_with_a_verified_certificate) {
  jot::syslog_options o = tcp();
  o.transport = jot::syslog_transport::tls;
  o.port = static_cast<std::uint16_t>(collector->tls_port);
  o.tls_ca_file = collector->ca_file;
  o.tls_server_name = "localhost";
  send_and_check(o, "over_tls", 500);
}

TEST_F(syslog_rsyslog, tls_refuses_a_certificate_it_cannot_verify) {
  jot::syslog_options o = tcp();
  o.transport = jot::syslog_transport::tls;
  o.port = static_cast<std::uint16_t>(collector->tls_port);
  o.reconnect_min = std::chrono::milliseconds(1000);
  // The system's trust store does not hold the test's CA.
  auto& log = jot::make_logger("tls_unverified", {jot::syslog_sink(o)});
  JOT_INFO(log, "must not arrive");
  // The handshake may take more than one flush's time limit (sanitizers).
  const bool reported = jot::test::wait_until([] {
    jot::flush();
    for (const auto& m : errors.snapshot()) {
      if (m.find("certificate verification failed") != std::string::npos) return true;
    }
    return false;
  });
  EXPECT_TRUE(reported);
  // Something sent by then would be written by now.
  send_and_check(tcp(), "after_unverified", 1);
  EXPECT_TRUE(collector->records_of("tls_unverified").empty());
}

// The fuzzers' seeds: every kind of byte a message or value can hold.
std::vector<std::string> nasty_inputs() {
  std::vector<std::string> out;
  for (const char* d : {"escape", "json_escape", "logfmt_escape"}) {
    const std::filesystem::path dir = std::filesystem::path(JOT_FUZZ_CORPUS_DIR) / d;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      out.push_back(jot::test::read_file(e.path().string()));
    }
  }
  return out;
}

// What rsyslog (8.2302) writes for bytes it was sent: NUL as "#000"; and
// in a message (not in structured data) that holds a NUL, the other C0
// control characters are left out.
std::string as_rsyslog_keeps(const std::string& s, bool message) {
  const bool has_nul = s.find('\0') != std::string::npos;
  std::string out;
  for (const char c : s) {
    if (c == '\0') {
      out += "#000";
    } else if (!(message && has_nul && static_cast<unsigned char>(c) < 0x20)) {
      out.push_back(c);
    }
  }
  return out;
}

TEST_F(syslog_rsyslog, nasty_bytes_arrive_as_valid_utf8_and_intact_otherwise) {
  const std::vector<std::string> inputs = nasty_inputs();
  ASSERT_FALSE(inputs.empty());
  auto& log = jot::make_logger("nasty", {jot::syslog_sink(tcp())});
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    JOT_INFO(log, "{v}", inputs[i], jot::kv("n", i));
  }
  jot::flush();
  ASSERT_TRUE(collector->wait_for([&](const std::vector<received>&) {
    return collector->records_of("nasty").size() >= inputs.size();
  }));
  const std::vector<received> got = collector->records_of("nasty");
  ASSERT_EQ(got.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::string valid;
    jot::detail::append_valid_utf8(valid, inputs[i]);
    EXPECT_EQ(got[i].fields["jot@32473"]["n"], std::to_string(i));
    EXPECT_EQ(got[i].fields["jot@32473"]["v"], as_rsyslog_keeps(valid, false)) << "input " << i;
    if (!valid.empty()) {
      EXPECT_EQ(got[i].msg, as_rsyslog_keeps(valid, true)) << "input " << i;
    }
  }
}

TEST_F(syslog_rsyslog, a_record_longer_than_the_limit_arrives_as_one_shortened_message) {
  auto& log = jot::make_logger("long", {jot::syslog_sink(tcp())});
  JOT_INFO(log, "{big}", std::string(20000, 'x'));
  JOT_INFO(log, "after");
  jot::flush();
  ASSERT_TRUE(collector->wait_for(
      [](const std::vector<received>&) { return collector->records_of("long").size() >= 2; }));
  const std::vector<received> got = collector->records_of("long");
  ASSERT_EQ(got.size(), 2U);
  EXPECT_TRUE(got[0].msg.ends_with("[truncated]"));
  EXPECT_GT(got[0].msg.size(), 7000U);
  EXPECT_EQ(got[0].msg.find_first_not_of('x'), got[0].msg.size() - 11);
  EXPECT_EQ(got[1].msg, "after");
  bool reported = false;
  for (const auto& m : errors.snapshot()) {
    if (m.find("1 record was longer than 8096 bytes shortened") != std::string::npos) {
      reported = true;
    }
  }
  EXPECT_TRUE(reported);
}

}  // namespace
