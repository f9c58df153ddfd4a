// journald_sink against a real systemd-journald run here in a namespace
// of the test's own (its socket under /run/systemd/journal.<namespace>/),
// read back with journalctl: every record arrives once with the standard
// fields and its own fields under valid names, values of any bytes
// intact; an entry too large for a datagram arrives whole (through a
// memfd); records logged before the journal is up arrive once it is.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <jot/setup.h>
#include <nlohmann/json.hpp>

#include "support/daemon.h"
#include "support/test_support.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

jot::test::error_log errors;

// A journald of the test's own namespace.
class journal {
 public:
  static std::string unavailable() {
    if (::access(binary, X_OK) != 0) return std::string(binary) + " is not installed (systemd)";
    if (jot::test::find_program("journalctl").empty()) return "journalctl is not installed";
    if (::geteuid() != 0) return "systemd-journald needs root to run in a namespace";
    return {};
  }

  journal() : ns_("jot" + std::to_string(::getpid())) {}
  ~journal() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(run_dir(), ec);
    std::filesystem::remove_all("/var/log/journal/" + machine_id() + "." + ns_, ec);
    std::filesystem::remove_all("/run/log/journal/" + machine_id() + "." + ns_, ec);
  }

  bool start() {
    log_ = jot::test::temp_path("journald.log");
    proc_ = jot::test::daemon_process({binary, ns_}, log_);
    return jot::test::wait_until(
        [&] { return proc_.running() && std::filesystem::exists(socket()); });
  }
  void stop() { proc_.stop(); }
  std::string socket() const { return run_dir() + "/socket"; }
  std::string output() const { return jot::test::read_file(log_); }

  // Entries whose SYSLOG_IDENTIFIER is `id`, as journalctl gives them.
  std::vector<json> entries(const std::string& id) const {
    std::vector<json> out;
    const std::string cmd =
        "journalctl --namespace=" + ns_ + " --all -o json SYSLOG_IDENTIFIER=" + id + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    std::string all;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) all.append(buf, n);
    ::pclose(p);
    std::size_t start = 0;
    while (start < all.size()) {
      std::size_t nl = all.find('\n', start);
      if (nl == std::string::npos) nl = all.size();
      json j = json::parse(all.substr(start, nl - start), nullptr, false);
      if (!j.is_discarded()) out.push_back(std::move(j));
      start = nl + 1;
    }
    return out;
  }

  bool wait_for(const std::string& id, std::size_t n) {
    return jot::test::wait_until(
        [&] {
          jot::flush();
          return entries(id).size() >= n;
        },
        20s);
  }

 private:
  static constexpr const char* binary = "/lib/systemd/systemd-journald";
  std::string run_dir() const { return "/run/systemd/journal." + ns_; }
  static std::string machine_id() {
    std::ifstream in("/etc/machine-id");
    std::string id;
    in >> id;
    return id;
  }

  std::string ns_;
  std::string log_;
  jot::test::daemon_process proc_;
};

// A field's value: journalctl writes a value that is not printable text as
// an array of its bytes.
std::string text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string s;
  if (v.is_array()) {
    for (const auto& b : v) s.push_back(static_cast<char>(b.get<int>()));
  }
  return s;
}

class journald_sink_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    jot::options o;
    o.error_handler = errors.handler();
    jot::start(o);
  }
  void SetUp() override {
    if (const std::string why = journal::unavailable(); !why.empty()) GTEST_SKIP() << why;
  }
};

TEST_F(journald_sink_test, every_record_arrives_once_with_its_fields) {
  journal j;
  ASSERT_TRUE(j.start()) << "systemd-journald did not start: " << j.output();
  auto& log = jot::make_logger(
      "billing", {jot::journald_sink({.path = j.socket(), .identifier = "jot-fields"})});
  constexpr int n = 200;
  const std::string nasty("line one\nline two\ttab \x01\xff end", 28);
  for (int i = 0; i < n; ++i) {
    JOT_WARN(log, "order {order_id} paid", i, jot::kv("note", nasty), jot::kv("_secret", 1),
             jot::kv("message", "mine"));
  }
  ASSERT_TRUE(j.wait_for("jot-fields", n)) << j.entries("jot-fields").size() << " of " << n;
  const std::vector<json> got = j.entries("jot-fields");
  ASSERT_EQ(got.size(), std::size_t{n});
  for (int i = 0; i < n; ++i) {
    const json& e = got[static_cast<std::size_t>(i)];
    EXPECT_EQ(text(e["MESSAGE"]), "order " + std::to_string(i) + " paid");
    EXPECT_EQ(text(e["ORDER_ID"]), std::to_string(i));
    EXPECT_EQ(text(e["PRIORITY"]), "4");
    EXPECT_EQ(text(e["LOGGER"]), "billing");
    EXPECT_EQ(text(e["NOTE"]), nasty);
    EXPECT_EQ(text(e["F__SECRET"]), "1");
    EXPECT_EQ(text(e["F_MESSAGE"]), "mine");
    EXPECT_TRUE(text(e["CODE_FILE"]).ends_with("journald_sink_test.cc"));
    EXPECT_FALSE(text(e["CODE_LINE"]).empty());
    EXPECT_FALSE(text(e["CODE_FUNC"]).empty());
    EXPECT_FALSE(text(e["TID"]).empty());
    EXPECT_EQ(text(e["_PID"]), std::to_string(::getpid()));
  }
}

TEST_F(journald_sink_test, an_entry_too_large_for_a_datagram_arrives_whole) {
  journal j;
  ASSERT_TRUE(j.start()) << "systemd-journald did not start: " << j.output();
  auto& log = jot::make_logger(
      "large", {jot::journald_sink({.path = j.socket(), .identifier = "jot-large"})});
  std::string big(300 << 10, 'b');
  big[1000] = '\n';
  JOT_INFO(log, "large {size}", big.size(), jot::kv("blob", big));
  JOT_INFO(log, "small after");
  ASSERT_TRUE(j.wait_for("jot-large", 2));
  const std::vector<json> got = j.entries("jot-large");
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(text(got[0]["BLOB"]), big);
  EXPECT_EQ(text(got[1]["MESSAGE"]), "small after");
}

TEST_F(journald_sink_test, records_logged_before_the_journal_is_up_arrive_once_it_is) {
  journal j;
  auto& log = jot::make_logger("early", {jot::journald_sink({.path = j.socket(),
                                                             .identifier = "jot-early",
                                                             .reconnect_min = 20ms,
                                                             .reconnect_max = 100ms})});
  for (int i = 0; i < 10; ++i) JOT_INFO(log, "early {i}", i);
  jot::flush();
  ASSERT_TRUE(j.start()) << "systemd-journald did not start: " << j.output();
  ASSERT_TRUE(j.wait_for("jot-early", 10));
  const std::vector<json> got = j.entries("jot-early");
  ASSERT_EQ(got.size(), 10U);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(text(got[static_cast<std::size_t>(i)]["I"]), std::to_string(i));
  bool reported = false;
  for (const auto& m : errors.snapshot()) {
    if (m.find("reachable again") != std::string::npos) reported = true;
  }
  EXPECT_TRUE(reported);
}

}  // namespace
